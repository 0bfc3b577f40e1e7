use anyhow::Result;
use sqlx::AnyConnection;

use super::get;

pub const TELEGRAM_USERNAME: &str = "telegram_bot_username";
/// The Zalo bot whose chats keep Zalo's ids bare (`channels::zalo::bots`).
pub const ZALO_FIRST_BOT: &str = "zalo_first_bot";
/// Followed by a bot's id: what Zalo's `setWebhook` said of its test call.
pub const ZALO_VERIFICATION: &str = "zalo_webhook_verification:";
/// How this database was last run under a rehearsal clock (`run --now`), for `doctor`:
/// such a run claims reminders, questions and months on its own calendar.
pub const REHEARSED: &str = "rehearsed_with";
/// Written by `/healthz` while writes fail, to see whether they work again.
pub const HEALTH_PROBE: &str = "health_probe";

pub async fn get_value(conn: &mut AnyConnection, key: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| get::<String>(&r, "value")).transpose()
}

pub async fn set_value(conn: &mut AnyConnection, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves `key` forward to `value` (compared as text, e.g. ISO dates) and says whether
/// it moved: of two processes on the same day, one wins.
pub async fn advance(conn: &mut AnyConnection, key: &str, value: &str) -> Result<bool> {
    let row = sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE \
         SET value = excluded.value WHERE settings.value < excluded.value RETURNING key",
    )
    .bind(key)
    .bind(value)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.is_some())
}
