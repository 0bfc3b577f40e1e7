//! The award lists as CSV: the works that reach each criterion of the campaign's
//! `[[award]]` (a hint for the committee, not its decision), and the works staff
//! proposed as "công trình tiêu biểu" with their results' photos.

use std::io::Write;

use anyhow::Result;
use sqlx::AnyConnection;

use super::csv_text;
use crate::domain::awards::AwardSubject;
use crate::domain::campaign::Campaign;
use crate::domain::registration::WorkResult;
use crate::domain::unit::Scope;
use crate::store::registrations;

/// One line per work and criterion it reaches.
pub async fn candidates_csv(
    conn: &mut AnyConnection,
    campaign: &Campaign,
    within: Scope,
    sink: impl Write,
) -> Result<()> {
    let mut csv = csv::Writer::from_writer(sink);
    csv.write_record([
        "criterion",
        "award",
        "plan_ref",
        "number",
        "unit",
        "name",
        "estimated_value_vnd",
        "featured",
    ])?;
    let works = campaign
        .awards
        .iter()
        .filter(|c| c.subject == AwardSubject::Work);
    for c in works {
        let range = (c.min, c.max);
        let (_, reaching) =
            registrations::reaching(&mut *conn, campaign.id, within, range, i64::MAX).await?;
        for w in reaching {
            csv.write_record([
                c.key.clone(),
                csv_text(&c.award).into_owned(),
                c.plan_ref.clone(),
                w.number.to_string(),
                csv_text(&w.unit_name).into_owned(),
                csv_text(&w.draft.name).into_owned(),
                w.draft.estimated_value.dong().to_string(),
                (w.featured as u8).to_string(),
            ])?;
        }
    }
    csv.flush()?;
    Ok(())
}

/// One line per proposed work; its photos as paths under the data folder, for the
/// plaque proposal.
pub async fn featured_csv(
    conn: &mut AnyConnection,
    campaign: &Campaign,
    within: Scope,
    sink: impl Write,
) -> Result<()> {
    let works = registrations::featured(&mut *conn, campaign.id, within).await?;
    let mut csv = csv::Writer::from_writer(sink);
    csv.write_record([
        "number",
        "unit",
        "name",
        "estimated_value_vnd",
        "result",
        "actual_value_vnd",
        "photos",
    ])?;
    for w in &works {
        let (actual, photos) = match &w.result {
            Some(WorkResult::Done { actual, photos, .. }) => (
                actual.dong().to_string(),
                photos
                    .iter()
                    .map(|p| p.path.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => (String::new(), String::new()),
        };
        csv.write_record([
            w.number.to_string(),
            csv_text(&w.unit_name).into_owned(),
            csv_text(&w.draft.name).into_owned(),
            w.draft.estimated_value.dong().to_string(),
            w.result.as_ref().map_or("", |r| r.as_str()).to_string(),
            actual,
            csv_text(&photos).into_owned(),
        ])?;
    }
    csv.flush()?;
    Ok(())
}
