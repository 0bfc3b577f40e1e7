//! Achievement report drafts: a unit's answers to the sections its chair writes.

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::{get, ts};
use crate::domain::answers::Answers;

/// The answers a unit's chair wrote for this campaign's report, if any.
pub async fn get_one(
    conn: &mut AnyConnection,
    campaign_id: i64,
    unit_id: i64,
) -> Result<Option<Answers>> {
    let row =
        sqlx::query("SELECT answers FROM report_drafts WHERE campaign_id = $1 AND unit_id = $2")
            .bind(campaign_id)
            .bind(unit_id)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|r| Ok(serde_json::from_str(&get::<String>(&r, "answers")?)?))
        .transpose()
}

/// Keeps `answers` as the unit's draft, replacing an earlier one.
pub async fn save(
    conn: &mut AnyConnection,
    campaign_id: i64,
    unit_id: i64,
    member_id: i64,
    answers: &Answers,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO report_drafts (campaign_id, unit_id, answers, written_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (campaign_id, unit_id) DO UPDATE SET \
         answers = excluded.answers, written_by = excluded.written_by, \
         updated_at = excluded.updated_at",
    )
    .bind(campaign_id)
    .bind(unit_id)
    .bind(serde_json::to_string(answers)?)
    .bind(member_id)
    .bind(ts(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// Every draft of the campaign, by unit: one query for an export of all units.
pub async fn all(
    conn: &mut AnyConnection,
    campaign_id: i64,
) -> Result<std::collections::HashMap<i64, Answers>> {
    let rows = sqlx::query("SELECT unit_id, answers FROM report_drafts WHERE campaign_id = $1")
        .bind(campaign_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            let answers = serde_json::from_str(&get::<String>(r, "answers")?)?;
            Ok((get(r, "unit_id")?, answers))
        })
        .collect()
}
