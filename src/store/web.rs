//! One-time links and signed-in browsers of the web pages (migration 0023).

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::{get, parse_ts, ts};

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Purpose {
    /// A staff member signing in to the desk.
    Desk,
}

/// Keeps a new link (its hash only).
pub async fn add_link(
    conn: &mut AnyConnection,
    token_hash: &str,
    member_id: i64,
    purpose: Purpose,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<()> {
    let purpose: &str = purpose.into();
    sqlx::query(
        "INSERT INTO web_links (token_hash, member_id, purpose, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(member_id)
    .bind(purpose)
    .bind(ts(now))
    .bind(ts(expires))
    .execute(conn)
    .await?;
    Ok(())
}

/// Uses the link once: its member and purpose if it was unused and unexpired (and it
/// is now used), `None` otherwise. One statement, so two clicks cannot both win.
pub async fn redeem(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, Purpose)>> {
    let row = sqlx::query(
        "UPDATE web_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL \
         AND expires_at > $2 RETURNING member_id, purpose",
    )
    .bind(token_hash)
    .bind(ts(now))
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        let purpose = get::<String>(&r, "purpose")?.parse()?;
        Ok((get(&r, "member_id")?, purpose))
    })
    .transpose()
}

/// A session that stands: its member, its CSRF token, when it began and was last seen.
pub struct Session {
    pub member_id: i64,
    pub csrf: String,
    pub created_at: DateTime<Utc>,
    pub seen_at: DateTime<Utc>,
}

pub async fn add_session(
    conn: &mut AnyConnection,
    id_hash: &str,
    member_id: i64,
    csrf: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO web_sessions (id_hash, member_id, csrf, created_at, seen_at) \
         VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(id_hash)
    .bind(member_id)
    .bind(csrf)
    .bind(ts(now))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn session(conn: &mut AnyConnection, id_hash: &str) -> Result<Option<Session>> {
    let row = sqlx::query(
        "SELECT member_id, csrf, created_at, seen_at FROM web_sessions WHERE id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(Session {
            member_id: get(&r, "member_id")?,
            csrf: get(&r, "csrf")?,
            created_at: parse_ts(&get::<String>(&r, "created_at")?)?,
            seen_at: parse_ts(&get::<String>(&r, "seen_at")?)?,
        })
    })
    .transpose()
}

pub async fn touch(conn: &mut AnyConnection, id_hash: &str, now: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE web_sessions SET seen_at = $2 WHERE id_hash = $1")
        .bind(id_hash)
        .bind(ts(now))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn end(conn: &mut AnyConnection, id_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM web_sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(conn)
        .await?;
    Ok(())
}
