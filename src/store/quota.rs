//! Messages each Zalo bot sent this month, counted in the database so that every
//! instance spends from one count (see migration 0018).

use anyhow::Result;
use sqlx::{AnyConnection, FromRow};

use super::get;

/// One bot's month.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Usage {
    pub bot: String,
    pub sent: i64,
    /// The limit in force when Zalo said the quota was spent.
    pub spent_limit: Option<i64>,
}

impl Usage {
    /// Spent by our count, or by Zalo's word under a limit no higher than `limit`.
    pub fn is_spent(&self, limit: i64) -> bool {
        self.sent >= limit || self.spent_limit.is_some_and(|l| l >= limit)
    }
}

async fn ensure(conn: &mut AnyConnection, bot: &str, month: &str) -> Result<()> {
    sqlx::query("INSERT INTO zalo_quota (bot, month) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(bot)
        .bind(month)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes `n` messages from the bot's month if they fit under `limit` and Zalo has not
/// said the quota is spent: the count after taking, or `None` (nothing taken).
pub async fn take(
    conn: &mut AnyConnection,
    bot: &str,
    month: &str,
    n: i64,
    limit: i64,
) -> Result<Option<i64>> {
    ensure(&mut *conn, bot, month).await?;
    let row = sqlx::query(
        "UPDATE zalo_quota SET sent = sent + $3 WHERE bot = $1 AND month = $2 \
         AND sent + $3 <= $4 AND (spent_limit IS NULL OR spent_limit < $4) RETURNING sent",
    )
    .bind(bot)
    .bind(month)
    .bind(n)
    .bind(limit)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| get(&r, "sent")).transpose()
}

/// Messages taken but not sent (Zalo refused them for another reason).
pub async fn give_back(conn: &mut AnyConnection, bot: &str, month: &str, n: i64) -> Result<()> {
    sqlx::query(
        "UPDATE zalo_quota SET sent = CASE WHEN sent > $3 THEN sent - $3 ELSE 0 END \
         WHERE bot = $1 AND month = $2",
    )
    .bind(bot)
    .bind(month)
    .bind(n)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Zalo answered 429 under `limit`: nothing more goes through this bot this month
/// unless the limit is raised.
pub async fn mark_spent(
    conn: &mut AnyConnection,
    bot: &str,
    month: &str,
    limit: i64,
) -> Result<()> {
    ensure(&mut *conn, bot, month).await?;
    sqlx::query("UPDATE zalo_quota SET spent_limit = $3 WHERE bot = $1 AND month = $2")
        .bind(bot)
        .bind(month)
        .bind(limit)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Raises the month's warning to `level` (a percentage) and says whether this call
/// did: of several instances crossing it together, one tells staff.
pub async fn raise_warning(
    conn: &mut AnyConnection,
    bot: &str,
    month: &str,
    level: i64,
) -> Result<bool> {
    ensure(&mut *conn, bot, month).await?;
    let done = sqlx::query(
        "UPDATE zalo_quota SET warned = $3 WHERE bot = $1 AND month = $2 AND warned < $3",
    )
    .bind(bot)
    .bind(month)
    .bind(level)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every bot's count for the month.
pub async fn month(conn: &mut AnyConnection, month: &str) -> Result<Vec<Usage>> {
    let q =
        sqlx::query("SELECT bot, sent, spent_limit FROM zalo_quota WHERE month = $1 ORDER BY bot")
            .bind(month);
    super::collect(q, conn, |r| Ok(Usage::from_row(r)?)).await
}
