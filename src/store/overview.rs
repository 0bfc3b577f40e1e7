//! The web desk's overview, read from the figures the database keeps (`tallies`,
//! migration 0028): a staff member's numbers are the rows of their place or of the
//! federations in their branch, so a province of 100 000 units costs what a district
//! does.

use anyhow::Result;
use sqlx::AnyConnection;

use super::get;
use super::scope;
use crate::domain::unit::{Scope, Unit};

/// How many units' submissions for a deadline are in a status (and late or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    pub deadline_id: i64,
    pub status: String,
    pub late: bool,
    pub n: i64,
}

/// A tally of the scope for these ids (deadlines or a campaign), summed over its
/// places: (id, label, how many, total), the rows that come to nothing left out.
async fn tally(
    conn: &mut AnyConnection,
    within: Scope,
    topic: &str,
    ids: &[i64],
) -> Result<Vec<(i64, String, i64, i64)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    // Ids are integers from the database, written into the statement; PostgreSQL
    // sums a BIGINT as NUMERIC: cast back.
    let ids = super::id_list(ids);
    let places = scope::places(within, "t.place");
    let sql = format!(
        "SELECT t.of_id, t.label, CAST(SUM(t.n) AS BIGINT) AS n, \
         CAST(SUM(t.total) AS BIGINT) AS total FROM tallies t \
         WHERE t.topic = $1 AND t.of_id IN ({}) AND {places} \
         GROUP BY t.of_id, t.label ORDER BY t.of_id, t.label",
        ids
    );
    let rows = super::collect(sqlx::query(&sql).bind(topic), conn, |r| {
        Ok((
            get(r, "of_id")?,
            get(r, "label")?,
            get(r, "n")?,
            get(r, "total")?,
        ))
    })
    .await?;
    Ok(rows.into_iter().filter(|r| r.2 != 0).collect())
}

/// The submissions of the units in scope that hand things in, for these deadlines,
/// counted by deadline, status and lateness. Units with none are the rest of
/// `submissions::subject_count`.
pub async fn submission_counts(
    conn: &mut AnyConnection,
    within: Scope,
    deadlines: &[i64],
) -> Result<Vec<StatusCount>> {
    let rows = tally(conn, within, "submission", deadlines).await?;
    rows.into_iter()
        .map(|(deadline_id, label, n, _)| {
            let (status, late) = label
                .split_once(':')
                .ok_or_else(|| anyhow::anyhow!("a submission tally labelled {label:?}"))?;
            Ok(StatusCount {
                deadline_id,
                status: status.to_string(),
                late: late != "0",
                n,
            })
        })
        .collect()
}

/// Hand-ins of the units in scope for these deadlines, counted per deadline and UTC
/// hour ("2025-03-01T09"): the caller puts the hours into the campaign's days (a
/// whole-hour offset), so no database needs to know the time zone.
pub async fn hand_ins_by_hour(
    conn: &mut AnyConnection,
    within: Scope,
    deadlines: &[i64],
) -> Result<Vec<(i64, String, i64)>> {
    let rows = tally(conn, within, "hour", deadlines).await?;
    Ok(rows
        .into_iter()
        .map(|(d, hour, n, _)| (d, hour, n))
        .collect())
}

/// The campaign's still-registered works in scope by kind: (kind, how many, total
/// estimated value in đồng), by kind.
pub async fn works_by_kind(
    conn: &mut AnyConnection,
    campaign_id: i64,
    within: Scope,
) -> Result<Vec<(String, i64, i64)>> {
    let rows = tally(conn, within, "work", &[campaign_id]).await?;
    Ok(rows
        .into_iter()
        .map(|(_, kind, n, total)| (kind, n, total))
        .collect())
}

/// The campaign's still-registered works of each federation directly below unit `top`
/// (a province's districts; for a district, its units themselves): (the unit below
/// `top`, how many, total estimated value), by total, highest first. The units right
/// below `top` are read with their works, the federations further down by their
/// tallies; only those deeper than one level are climbed up to their branch (as
/// `submissions::by_branch`).
pub async fn works_by_branch(
    conn: &mut AnyConnection,
    campaign_id: i64,
    top: i64,
) -> Result<Vec<(Unit, i64, i64)>> {
    use std::collections::HashMap;
    let places = scope::places(Scope::Below(top), "t.place");
    // CROSS JOIN: SQLite reads the units below `top` first (by their parent), not every
    // work of the campaign (33 ms at 90 000 works); PostgreSQL plans it as any join.
    // PostgreSQL sums a BIGINT as NUMERIC: cast back.
    let sql = format!(
        "SELECT u.id, u.name, u.kind, u.parent_id, COUNT(*) AS n, \
         CAST(SUM(r.estimated_value_vnd) AS BIGINT) AS total FROM units u \
         CROSS JOIN registrations r WHERE r.unit_id = u.id AND r.campaign_id = $1 \
         AND r.status = 'submitted' AND u.parent_id = {top} \
         GROUP BY u.id, u.name, u.kind, u.parent_id \
         UNION ALL SELECT u.id, u.name, u.kind, u.parent_id, CAST(SUM(t.n) AS BIGINT) AS n, \
         CAST(SUM(t.total) AS BIGINT) AS total FROM tallies t JOIN units u ON u.id = t.place \
         WHERE t.topic = 'work' AND t.of_id = $1 AND t.place <> {top} AND {places} \
         GROUP BY u.id, u.name, u.kind, u.parent_id"
    );
    let rows: Vec<(Unit, Option<i64>, i64, i64)> =
        super::collect(sqlx::query(&sql).bind(campaign_id), conn, |r| {
            let unit = super::units::from_row(r)?;
            Ok((unit, get(r, "parent_id")?, get(r, "n")?, get(r, "total")?))
        })
        .await?;
    let rows: Vec<_> = rows.into_iter().filter(|r| r.2 != 0).collect();
    let deeper = rows
        .iter()
        .filter(|r| r.1 != Some(top))
        .map(|r| r.0.id)
        .collect();
    let branch_of = super::submissions::branches(conn, top, deeper).await?;
    let mut totals: HashMap<i64, (Unit, i64, i64)> = HashMap::new();
    for (unit, parent, n, total) in rows {
        let branch = match parent == Some(top) {
            true => unit,
            false => match branch_of.get(&unit.id) {
                Some(b) => b.clone(),
                None => continue,
            },
        };
        let t = totals.entry(branch.id).or_insert((branch, 0, 0));
        t.1 += n;
        t.2 += total;
    }
    let mut out: Vec<(Unit, i64, i64)> = totals.into_values().collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.id.cmp(&b.0.id)));
    Ok(out)
}
