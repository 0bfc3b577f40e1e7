use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::ts;

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
