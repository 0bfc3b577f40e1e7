//! The web desk's overview, counted in the database: each figure is one grouped query
//! over the units in scope (never a query per unit), so a province of 100 000 units
//! costs a few aggregates.

use anyhow::Result;
use sqlx::AnyConnection;

use super::get;
use super::submissions::SUBJECT;
use crate::domain::unit::{Scope, Unit};

/// How many units' submissions for a deadline are in a status (and late or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    pub deadline_id: i64,
    pub status: String,
    pub late: bool,
    pub n: i64,
}

/// The submissions of the units in scope that hand things in, for these deadlines,
/// counted by deadline, status and lateness. Units with none are the rest of
/// `submissions::subject_count`.
pub async fn submission_counts(
    conn: &mut AnyConnection,
    within: Scope,
    deadlines: &[i64],
) -> Result<Vec<StatusCount>> {
    if deadlines.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<String> = deadlines.iter().map(i64::to_string).collect();
    let within = super::scope::condition(within, "u.id");
    let sql = format!(
        "SELECT s.deadline_id, s.status, s.late, COUNT(*) AS n FROM submissions s \
         JOIN units u ON u.id = s.unit_id WHERE s.deadline_id IN ({}) AND {SUBJECT} \
         AND {within} GROUP BY s.deadline_id, s.status, s.late",
        ids.join(", ")
    );
    super::collect(sqlx::query(&sql), conn, |r| {
        Ok(StatusCount {
            deadline_id: get(r, "deadline_id")?,
            status: get(r, "status")?,
            late: get::<i64>(r, "late")? != 0,
            n: get(r, "n")?,
        })
    })
    .await
}

/// Hand-ins of the units in scope for these deadlines, counted per deadline and UTC
/// hour ("2025-03-01T09"): the caller puts the hours into the campaign's days (a
/// whole-hour offset), so no database needs to know the time zone.
pub async fn hand_ins_by_hour(
    conn: &mut AnyConnection,
    within: Scope,
    deadlines: &[i64],
) -> Result<Vec<(i64, String, i64)>> {
    if deadlines.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<String> = deadlines.iter().map(i64::to_string).collect();
    let within = super::scope::condition(within, "u.id");
    let sql = format!(
        "SELECT s.deadline_id, SUBSTR(s.submitted_at, 1, 13) AS hour, COUNT(*) AS n \
         FROM submissions s JOIN units u ON u.id = s.unit_id \
         WHERE s.deadline_id IN ({}) AND {SUBJECT} AND {within} \
         GROUP BY s.deadline_id, SUBSTR(s.submitted_at, 1, 13)",
        ids.join(", ")
    );
    super::collect(sqlx::query(&sql), conn, |r| {
        Ok((get(r, "deadline_id")?, get(r, "hour")?, get(r, "n")?))
    })
    .await
}

/// The campaign's still-registered works in scope by kind: (kind, how many, total
/// estimated value in đồng), by kind.
pub async fn works_by_kind(
    conn: &mut AnyConnection,
    campaign_id: i64,
    within: Scope,
) -> Result<Vec<(String, i64, i64)>> {
    let within = super::scope::condition(within, "r.unit_id");
    // PostgreSQL sums a BIGINT as NUMERIC: cast back.
    let sql = format!(
        "SELECT r.kind, COUNT(*) AS n, CAST(SUM(r.estimated_value_vnd) AS BIGINT) AS total \
         FROM registrations r WHERE r.campaign_id = $1 AND r.status = 'submitted' \
         AND {within} GROUP BY r.kind ORDER BY r.kind"
    );
    super::collect(sqlx::query(&sql).bind(campaign_id), conn, |r| {
        Ok((get(r, "kind")?, get(r, "n")?, get(r, "total")?))
    })
    .await
}

/// The campaign's still-registered works of each federation directly below unit `top`
/// (a province's districts; for a district, its units themselves): (the unit below
/// `top`, how many, total estimated value), by total, highest first. Counted per parent unit in one query, then climbed up
/// through the few federations (as `submissions::by_branch`).
pub async fn works_by_branch(
    conn: &mut AnyConnection,
    campaign_id: i64,
    top: i64,
    within: Scope,
) -> Result<Vec<(Unit, i64, i64)>> {
    use std::collections::HashMap;
    let within = super::scope::condition(within, "u.id");
    let sql = format!(
        "SELECT CASE WHEN u.parent_id = {top} THEN u.id ELSE u.parent_id END AS parent, \
         COUNT(*) AS n, \
         CAST(SUM(r.estimated_value_vnd) AS BIGINT) AS total FROM registrations r \
         JOIN units u ON u.id = r.unit_id WHERE r.campaign_id = $1 \
         AND r.status = 'submitted' AND u.parent_id IS NOT NULL AND {within} \
         GROUP BY CASE WHEN u.parent_id = {top} THEN u.id ELSE u.parent_id END"
    );
    let per_parent: Vec<(i64, i64, i64)> =
        super::collect(sqlx::query(&sql).bind(campaign_id), conn, |r| {
            Ok((get(r, "parent")?, get(r, "n")?, get(r, "total")?))
        })
        .await?;
    let parents = per_parent.iter().map(|(p, _, _)| *p).collect();
    let branch_of = super::submissions::branches(conn, top, parents).await?;
    let mut totals: HashMap<i64, (Unit, i64, i64)> = HashMap::new();
    for (parent, n, total) in per_parent {
        if let Some(b) = branch_of.get(&parent) {
            let t = totals.entry(b.id).or_insert((b.clone(), 0, 0));
            t.1 += n;
            t.2 += total;
        }
    }
    let mut out: Vec<(Unit, i64, i64)> = totals.into_values().collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.id.cmp(&b.0.id)));
    Ok(out)
}
