//! A unit's registered works and how each ended, as a Word table on landscape A4: the
//! facts of the achievement report, sent when the dossier is opened. The report itself is
//! drafted from the campaign's `[report]` layout (`report_docx.rs`).

use anyhow::Result;
use docx_rs::{Paragraph, Run};

use super::paper::{self, centered, title, Align, PAPER};
use super::summary::money;

use crate::domain::dates::format_dmy;
use crate::domain::registration::{Registration, RegistrationStatus, WorkResult};
use crate::i18n::tr;

/// Column widths (twips) on landscape A4: STT, number, name, period, estimated value,
/// result, actual value, what it achieved. A date or an amount never breaks.
const COLUMNS: [usize; 8] = [750, 1250, 3500, 2300, 1700, 1300, 1700, 1786];
const _: () = assert!(paper::fits(&COLUMNS, paper::LANDSCAPE_WIDTH));

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
    let header: Vec<String> = [
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
    .map(|k| tr(PAPER, k))
    .collect();
    let mut rows = Vec::new();
    let mut estimated = 0u64;
    // None until someone reported an actual value: an empty cell, not "0".
    let mut actual_total: Option<u64> = None;
    for (i, w) in works.iter().enumerate() {
        estimated += w.draft.estimated_value.dong();
        let (result, actual, achieved) = match &w.result {
            Some(r @ WorkResult::Done { actual, note, .. }) => {
                *actual_total.get_or_insert(0) += actual.dong();
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
        let plain = |s: String| (s, false);
        rows.push(vec![
            plain((i + 1).to_string()),
            plain(w.number.to_string()),
            plain(w.draft.name.clone()),
            plain(period),
            plain(w.draft.estimated_value.grouped('.')),
            plain(result),
            plain(actual),
            plain(achieved),
        ]);
    }
    let blank = || (String::new(), false);
    rows.push(vec![
        blank(),
        blank(),
        (tr(PAPER, "summary.total"), true),
        blank(),
        (money(estimated), true),
        blank(),
        (actual_total.map(money).unwrap_or_default(), true),
        blank(),
    ]);
    let align = [
        Align::Center,
        Align::Center,
        Align::Left,
        Align::Center,
        Align::Right,
        Align::Left,
        Align::Right,
        Align::Left,
    ];
    let doc = paper::document(24, true)
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(unit.to_uppercase()).bold()))
        .add_paragraph(Paragraph::new())
        .add_paragraph(title(&tr(PAPER, "annex.title")))
        .add_paragraph(centered(Run::new().add_text(subtitle).italic()))
        .add_paragraph(Paragraph::new())
        .add_table(paper::grid(&COLUMNS, &header, rows, &align));
    Ok(Some(paper::pack(doc)?))
}
