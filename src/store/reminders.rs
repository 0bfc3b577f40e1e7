use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::deadlines::Deadline;
use super::submissions::{missing_condition, SUBJECT};
use super::{get, ts};

/// Takes the right to send the message with this key. Only one caller ever gets
/// `true`, across restarts and across processes sharing the database.
pub async fn claim(
    conn: &mut AnyConnection,
    key: &str,
    deadline_id: i64,
    unit_id: Option<i64>,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO reminders_sent (key, deadline_id, unit_id, kind, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(deadline_id)
    .bind(unit_id)
    .bind(kind)
    .bind(ts(now))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn is_claimed(conn: &mut AnyConnection, key: &str) -> Result<bool> {
    Ok(
        sqlx::query("SELECT 1 AS x FROM reminders_sent WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?
            .is_some(),
    )
}

/// Claims, in one statement, the message keyed `{prefix}{unit id}` for every unit that
/// is still missing what the deadline asks for; returns the units claimed by this call
/// (a unit another process claimed first is not among them).
pub async fn claim_missing(
    conn: &mut AnyConnection,
    deadline: &Deadline,
    prefix: &str,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let (missing, bind) = missing_condition(deadline);
    let sql = format!(
        "INSERT INTO reminders_sent (key, deadline_id, unit_id, kind, created_at) \
         SELECT $2 || CAST(u.id AS TEXT), $3, u.id, $4, $5 FROM units u \
         WHERE {SUBJECT} AND {missing} ON CONFLICT (key) DO NOTHING RETURNING unit_id"
    );
    sqlx::query(&sql)
        .bind(bind)
        .bind(prefix)
        .bind(deadline.id)
        .bind(kind)
        .bind(ts(now))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| get(r, "unit_id"))
        .collect()
}

/// The units whose message keyed `{prefix}{unit id}` is already claimed: one query for
/// a whole slot instead of one look-up per unit.
pub async fn claimed_units(
    conn: &mut AnyConnection,
    deadline_id: i64,
    prefix: &str,
) -> Result<std::collections::HashSet<i64>> {
    sqlx::query(
        "SELECT unit_id FROM reminders_sent WHERE deadline_id = $1 AND unit_id IS NOT NULL \
         AND substr(key, 1, length($2)) = $2",
    )
    .bind(deadline_id)
    .bind(prefix)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| get(r, "unit_id"))
    .collect()
}
