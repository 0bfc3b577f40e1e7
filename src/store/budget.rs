//! The sending budget shared by every instance on one database (Telegram's ~30
//! messages a second is the bot's, not each process's): one row holds the next free
//! slot; a message reserves it with one UPDATE and waits for it. Only used where
//! several instances can run (PostgreSQL); on SQLite the process's own limiter is it.

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::get;

/// Reserves the next slot `interval_us` after the previous one (or now, if the bot has
/// been quiet) and returns when it begins.
pub async fn reserve(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    interval_us: i64,
) -> Result<DateTime<Utc>> {
    let now_us = now.timestamp_micros();
    let row = sqlx::query(
        "INSERT INTO send_budget (id, next_us) VALUES (1, $1 + $2) ON CONFLICT (id) DO UPDATE \
         SET next_us = CASE WHEN send_budget.next_us > $1 THEN send_budget.next_us ELSE $1 END + $2 \
         RETURNING next_us",
    )
    .bind(now_us)
    .bind(interval_us)
    .fetch_one(&mut *conn)
    .await?;
    let next: i64 = get(&row, "next_us")?;
    Ok(DateTime::from_timestamp_micros(next - interval_us).unwrap_or(now))
}

/// The platform said "retry after": no instance sends before `until`.
pub async fn hold_until(conn: &mut AnyConnection, until: DateTime<Utc>) -> Result<()> {
    let until_us = until.timestamp_micros();
    sqlx::query(
        "INSERT INTO send_budget (id, next_us) VALUES (1, $1) ON CONFLICT (id) DO UPDATE \
         SET next_us = CASE WHEN send_budget.next_us > $1 THEN send_budget.next_us ELSE $1 END",
    )
    .bind(until_us)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
