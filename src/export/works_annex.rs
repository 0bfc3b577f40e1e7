//! A unit's registered works and how each ended, as a Word table: the facts a chair
//! copies into the achievement report of the nomination dossier. It is our annex, not
//! the report's official template (Mẫu số 08 of Nghị định 98/2023/NĐ-CP), whose
//! published text we have not been able to check; the chair writes the report itself.

use anyhow::Result;
use docx_rs::{AlignmentType, Paragraph, Run, Table, TableRow, WidthType};

use super::summary::{cell, money};

use crate::domain::dates::format_dmy;
use crate::domain::registration::{Registration, RegistrationStatus, WorkResult};
use crate::i18n::{tr, trf, Lang};

const PAPER: Lang = Lang::Vi;

/// The still-registered works of `unit` in number order; `None` when it has none.
pub fn works_annex_docx(
    unit: &str,
    subtitle: &str,
    works: &[Registration],
) -> Result<Option<Vec<u8>>> {
    let works: Vec<&Registration> = works
        .iter()
        .filter(|w| w.status == RegistrationStatus::Submitted)
        .collect();
    if works.is_empty() {
        return Ok(None);
    }
    let header = [
        "annex.col.no",
        "annex.col.number",
        "annex.col.name",
        "annex.col.period",
        "annex.col.estimated",
        "annex.col.result",
        "annex.col.actual",
        "annex.col.achieved",
    ]
    .iter()
    .map(|k| cell(&tr(PAPER, k), true))
    .collect();
    let mut rows = vec![TableRow::new(header)];
    let (mut estimated, mut actual_total) = (0u64, 0u64);
    for (i, w) in works.iter().enumerate() {
        estimated += w.draft.estimated_value.dong();
        let (result, actual, achieved) = match &w.result {
            Some(r @ WorkResult::Done { actual, note, .. }) => {
                actual_total += actual.dong();
                (
                    tr(PAPER, r.label_key()),
                    actual.grouped('.'),
                    note.clone().unwrap_or_default(),
                )
            }
            Some(r @ WorkResult::NotDone { reason }) => {
                (tr(PAPER, r.label_key()), String::new(), reason.clone())
            }
            Some(r @ WorkResult::Ongoing { .. }) => {
                (tr(PAPER, r.label_key()), String::new(), String::new())
            }
            None => (tr(PAPER, "annex.no_result"), String::new(), String::new()),
        };
        let period = format!(
            "{} – {}",
            format_dmy(w.draft.start_date),
            format_dmy(w.draft.end_date)
        );
        rows.push(TableRow::new(vec![
            cell(&(i + 1).to_string(), false),
            cell(&w.number.to_string(), false),
            cell(&w.draft.name, false),
            cell(&period, false),
            cell(&w.draft.estimated_value.grouped('.'), false),
            cell(&result, false),
            cell(&actual, false),
            cell(&achieved, false),
        ]));
    }

    rows.push(TableRow::new(vec![
        cell("", false),
        cell("", false),
        cell(&tr(PAPER, "summary.total"), true),
        cell("", false),
        cell(&money(estimated), true),
        cell("", false),
        cell(&money(actual_total), true),
        cell("", false),
    ]));
    let doc = super::form_docx::paper_docx(24)
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(unit.to_uppercase())))
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(tr(PAPER, "annex.title")).bold())
                .align(AlignmentType::Center),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(subtitle).italic())
                .align(AlignmentType::Center),
        )
        .add_paragraph(Paragraph::new())
        .add_table(Table::new(rows).width(9354, WidthType::Dxa))
        .add_paragraph(Paragraph::new())
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(trf(
            PAPER,
            "annex.footnote",
            &[("n", &works.len().to_string())],
        ))));
    let mut bytes = Vec::new();
    doc.build().pack(std::io::Cursor::new(&mut bytes))?;
    Ok(Some(bytes))
}
