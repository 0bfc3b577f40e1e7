//! The achievement report's draft ("Báo cáo thành tích") as Word, laid out by the
//! campaign's `[report]`: the unit's heading, the title and its lines, then each section
//! with what fills it — the chair's words (or dotted lines to write by hand), the unit,
//! its works as a table, their total value, the results' photos, the award levels the
//! works reach — and the chair's signature block.

use anyhow::Result;
use chrono::NaiveDate;
use docx_rs::{Paragraph, Run};

use super::paper::{self, body, centered, heading_line, title, Align, Heading, Signature, PAPER};
use super::summary::money;
use crate::domain::answers::{text, Answers};
use crate::domain::awards::{reached, AwardCriterion};
use crate::domain::dates::{format_dmy, format_long};
use crate::domain::money_words::dong_in_words;
use crate::domain::registration::{Registration, RegistrationStatus, WorkResult};
use crate::domain::report_layout::{Fill, ReportLayout};
use crate::i18n::{tr, trf};

/// Everything one draft prints.
pub struct ReportPaper<'a> {
    pub layout: &'a ReportLayout,
    /// The federation above the unit, in full.
    pub issuer: &'a str,
    pub unit: &'a str,
    pub place: &'a str,
    pub date: NaiveDate,
    /// What the chair wrote, by section key.
    pub answers: &'a Answers,
    /// The unit's works of the campaign (withdrawn ones are left out here).
    pub works: &'a [Registration],
    pub awards: &'a [AwardCriterion],
    pub chair: &'a str,
}

/// Column widths (twips): STT, name, period, estimated value, result, actual value.
const COLUMNS: [usize; 6] = [800, 2600, 1650, 1750, 1050, 1504];
const _: () = assert!(paper::fits(&COLUMNS, paper::TEXT_WIDTH));

pub fn report_docx(p: &ReportPaper) -> Result<Vec<u8>> {
    let heading = Heading {
        above: p.issuer,
        writer: p.unit,
        number: None,
        place_date: trf(
            PAPER,
            "paper.place_date",
            &[("place", p.place), ("date", &format_long(p.date))],
        ),
    };
    let mut doc = paper::document(26, false)
        .add_table(paper::heading(&heading, paper::TEXT_WIDTH))
        .add_paragraph(Paragraph::new())
        .add_paragraph(title(&p.layout.title));
    for line in &p.layout.lines {
        doc = doc.add_paragraph(centered(Run::new().add_text(line).bold()));
    }
    doc = doc.add_paragraph(Paragraph::new());
    let works: Vec<&Registration> = p
        .works
        .iter()
        .filter(|w| w.status == RegistrationStatus::Submitted)
        .collect();
    for section in &p.layout.sections {
        doc = doc.add_paragraph(heading_line(&section.heading));
        match section.fill {
            Fill::Works if !works.is_empty() => {
                doc = doc.add_table(works_table(&works));
            }
            fill => {
                for line in section_lines(p, fill, &section.key, &works) {
                    doc = doc.add_paragraph(body(&line));
                }
            }
        }
    }
    let signature = Signature {
        recipients: vec![],
        on_behalf: &tr(PAPER, "paper.sign.on_behalf"),
        title: &tr(PAPER, "paper.sign.chair"),
        name: p.chair,
    };
    doc = doc
        .add_paragraph(Paragraph::new())
        .add_table(paper::signature(&signature, paper::TEXT_WIDTH));
    paper::pack(doc)
}

/// The paragraphs of a section that is not the works table.
fn section_lines(p: &ReportPaper, fill: Fill, key: &str, works: &[&Registration]) -> Vec<String> {
    match fill {
        Fill::Text => match text(p.answers, key) {
            Some(t) => t
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(String::from)
                .collect(),
            // Left for the chair's pen.
            None => vec![tr(PAPER, "achievement.blank"); 2],
        },
        Fill::Unit => vec![
            trf(PAPER, "achievement.unit", &[("unit", p.unit)]),
            trf(PAPER, "achievement.above", &[("issuer", p.issuer)]),
        ],
        Fill::Works => vec![tr(PAPER, "achievement.no_works")],
        Fill::TotalValue => total_lines(works),
        Fill::Photos => {
            let n: usize = works
                .iter()
                .map(|w| match &w.result {
                    Some(WorkResult::Done { photos, .. }) => photos.len(),
                    _ => 0,
                })
                .sum();
            vec![trf(PAPER, "achievement.photos", &[("n", &n.to_string())])]
        }
        Fill::Awards => {
            let lines: Vec<String> = works
                .iter()
                .flat_map(|w| {
                    let value = w.draft.estimated_value;
                    reached(p.awards, "estimated_value", value)
                        .into_iter()
                        .map(|c| {
                            trf(
                                PAPER,
                                "achievement.award",
                                &[
                                    ("number", &w.number.to_string()),
                                    ("name", &w.draft.name),
                                    ("award", &c.award),
                                    ("plan_ref", &c.plan_ref),
                                ],
                            )
                        })
                })
                .collect();
            match lines.is_empty() {
                true => vec![tr(PAPER, "achievement.no_award")],
                false => lines,
            }
        }
    }
}

fn total_lines(works: &[&Registration]) -> Vec<String> {
    let estimated: u64 = works.iter().map(|w| w.draft.estimated_value.dong()).sum();
    let mut lines = vec![trf(
        PAPER,
        "achievement.total",
        &[
            ("n", &works.len().to_string()),
            ("amount", &money(estimated)),
            ("words", &dong_in_words(estimated)),
        ],
    )];
    let actual: Vec<u64> = works
        .iter()
        .filter_map(|w| match &w.result {
            Some(WorkResult::Done { actual, .. }) => Some(actual.dong()),
            _ => None,
        })
        .collect();
    if !actual.is_empty() {
        let sum: u64 = actual.iter().sum();
        let args = [("n", actual.len().to_string()), ("amount", money(sum))];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        lines.push(trf(PAPER, "achievement.total_actual", &args));
    }
    lines
}

fn works_table(works: &[&Registration]) -> docx_rs::Table {
    let header: Vec<String> = [
        "annex.col.no",
        "annex.col.name",
        "annex.col.period",
        "annex.col.estimated",
        "annex.col.result",
        "annex.col.actual",
    ]
    .iter()
    .map(|k| tr(PAPER, k))
    .collect();
    let rows = works
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let (result, actual) = match &w.result {
                Some(r @ WorkResult::Done { actual, .. }) => {
                    (tr(PAPER, r.label_key()), actual.grouped('.'))
                }
                Some(r) => (tr(PAPER, r.label_key()), String::new()),
                None => (tr(PAPER, "annex.no_result"), String::new()),
            };
            let period = format!(
                "{} – {}",
                format_dmy(w.draft.start_date),
                format_dmy(w.draft.end_date)
            );
            [
                (i + 1).to_string(),
                format!("{} — {}", w.number, w.draft.name),
                period,
                w.draft.estimated_value.grouped('.'),
                result,
                actual,
            ]
            .into_iter()
            .map(|c| (c, false))
            .collect()
        })
        .collect();
    let align = [
        Align::Center,
        Align::Left,
        Align::Center,
        Align::Right,
        Align::Left,
        Align::Right,
    ];
    paper::grid(&COLUMNS, &header, rows, &align)
}

/// A unit's draft, ready to send: its file name and the document; `None` when the
/// campaign has no `[report]`. `parent` names the federation above the unit; `date` is
/// the day it is made (the campaign's time zone).
pub struct UnitReport<'a> {
    pub campaign: &'a crate::domain::campaign::Campaign,
    pub unit: &'a str,
    pub parent: Option<&'a str>,
    pub answers: &'a Answers,
    pub works: &'a [Registration],
    pub chair: &'a str,
    pub date: NaiveDate,
}

pub fn unit_report(r: &UnitReport) -> Result<Option<(String, Vec<u8>)>> {
    let Some(layout) = &r.campaign.paper.report else {
        return Ok(None);
    };
    let issuer = super::form_docx::issuer_of(r.campaign, r.parent);
    let place = super::form_docx::place_of(r.campaign);
    let bytes = report_docx(&ReportPaper {
        layout,
        issuer: &issuer,
        unit: r.unit,
        place: &place,
        date: r.date,
        answers: r.answers,
        works: r.works,
        awards: &r.campaign.awards,
        chair: r.chair,
    })?;
    Ok(Some((report_file_name(r.unit), bytes)))
}

/// Every counted unit in scope's draft (what its chair wrote, its works), one at a time:
/// `each` gets the file name and the document. Returns how many; none without a
/// `[report]`. A handful of queries whatever the number of units.
pub async fn each_report(
    conn: &mut sqlx::AnyConnection,
    campaign: &crate::domain::campaign::Campaign,
    within: crate::domain::unit::Scope,
    date: NaiveDate,
    mut each: impl FnMut(String, Vec<u8>) -> Result<()>,
) -> Result<usize> {
    use std::collections::HashMap;
    if campaign.paper.report.is_none() {
        return Ok(0);
    }
    let units = crate::store::submissions::subject_units_page(conn, within, i64::MAX).await?;
    let parents = crate::store::units::parent_names(conn, within).await?;
    let drafts = crate::store::report_drafts::all(conn, campaign.id).await?;
    let mut works: HashMap<i64, Vec<Registration>> = HashMap::new();
    crate::store::registrations::for_each(conn, within, |listed| {
        let w = listed.registration;
        if w.campaign_id == campaign.id {
            works.entry(w.unit_id).or_default().push(w);
        }
        Ok(())
    })
    .await?;
    let (none, no_answers) = (tr(PAPER, "paper.none"), Answers::new());
    let mut n = 0;
    for unit in &units {
        let works = works.get(&unit.id).map(Vec::as_slice).unwrap_or_default();
        // The chair who registered, when one did; dots to sign by hand otherwise.
        let chair = works
            .first()
            .map_or(none.as_str(), |w| w.submitted_by.as_str());
        let made = unit_report(&UnitReport {
            campaign,
            unit: &unit.name,
            parent: parents.get(&unit.id).map(String::as_str),
            answers: drafts.get(&unit.id).unwrap_or(&no_answers),
            works,
            chair,
            date,
        })?;
        if let Some((name, bytes)) = made {
            // Two units whose names fold alike still get a file each.
            each(format!("{}-{name}", unit.id), bytes)?;
            n += 1;
        }
    }
    Ok(n)
}

/// "bao-cao-thanh-tich-cdcs-truong-a.docx".
pub fn report_file_name(unit: &str) -> String {
    format!("bao-cao-thanh-tich-{}.docx", super::slug(unit))
}
