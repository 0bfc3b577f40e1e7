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
    /// A chair handing in one deadline's files.
    Upload,
    /// A file the chat could not send.
    Download,
}

/// A link, as kept: its token's hash, who and what it is for, until when.
pub struct Link<'a> {
    pub token_hash: &'a str,
    pub member_id: i64,
    pub purpose: Purpose,
    pub deadline_id: Option<i64>,
    /// A download's file, relative to the data folder.
    pub file: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
}

/// Keeps a new link (its hash only).
pub async fn add_link(conn: &mut AnyConnection, link: &Link<'_>, now: DateTime<Utc>) -> Result<()> {
    let purpose: &str = link.purpose.into();
    sqlx::query(
        "INSERT INTO web_links (token_hash, member_id, purpose, deadline_id, file, created_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(link.token_hash)
    .bind(link.member_id)
    .bind(purpose)
    .bind(link.deadline_id)
    .bind(link.file)
    .bind(ts(now))
    .bind(ts(link.expires_at))
    .execute(conn)
    .await?;
    Ok(())
}

/// A link used just now.
pub struct Redeemed {
    pub member_id: i64,
    pub purpose: Purpose,
    pub deadline_id: Option<i64>,
    pub file: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// Uses the link once: what it was for if it was unused and unexpired (and it is now
/// used), `None` otherwise. One statement, so two clicks cannot both win.
pub async fn redeem(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Redeemed>> {
    let row = sqlx::query(
        "UPDATE web_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL \
         AND expires_at > $2 RETURNING member_id, purpose, deadline_id, file, expires_at",
    )
    .bind(token_hash)
    .bind(ts(now))
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(Redeemed {
            member_id: get(&r, "member_id")?,
            purpose: get::<String>(&r, "purpose")?.parse()?,
            deadline_id: get(&r, "deadline_id")?,
            file: get(&r, "file")?,
            expires_at: parse_ts(&get::<String>(&r, "expires_at")?)?,
        })
    })
    .transpose()
}

/// A session that stands: its member, its CSRF token, when it began and was last seen;
/// a chair's upload session also its deadline, its end and the files so far (JSON).
pub struct Session {
    pub member_id: i64,
    pub csrf: String,
    pub created_at: DateTime<Utc>,
    pub seen_at: DateTime<Utc>,
    pub deadline_id: Option<i64>,
    pub ends_at: Option<DateTime<Utc>>,
    pub draft: Option<String>,
}

/// A new session: for the desk, or (with a deadline and an end) a chair's upload.
pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub member_id: i64,
    pub csrf: &'a str,
    pub deadline_id: Option<i64>,
    pub ends_at: Option<DateTime<Utc>>,
}

pub async fn add_session(
    conn: &mut AnyConnection,
    s: &NewSession<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO web_sessions (id_hash, member_id, csrf, created_at, seen_at, deadline_id, \
         ends_at) VALUES ($1, $2, $3, $4, $4, $5, $6)",
    )
    .bind(s.id_hash)
    .bind(s.member_id)
    .bind(s.csrf)
    .bind(ts(now))
    .bind(s.deadline_id)
    .bind(s.ends_at.map(ts))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn session(conn: &mut AnyConnection, id_hash: &str) -> Result<Option<Session>> {
    let row = sqlx::query(
        "SELECT member_id, csrf, created_at, seen_at, deadline_id, ends_at, draft \
         FROM web_sessions WHERE id_hash = $1",
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
            deadline_id: get(&r, "deadline_id")?,
            ends_at: get::<Option<String>>(&r, "ends_at")?
                .map(|t| parse_ts(&t))
                .transpose()?,
            draft: get(&r, "draft")?,
        })
    })
    .transpose()
}

/// Locks the session's row for this transaction: whether it still stands. A second
/// transaction claiming it waits for the first, then finds it ended.
pub async fn claim(conn: &mut AnyConnection, id_hash: &str) -> Result<bool> {
    let done = sqlx::query("UPDATE web_sessions SET seen_at = seen_at WHERE id_hash = $1")
        .bind(id_hash)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The files an upload session holds so far.
pub async fn set_draft(conn: &mut AnyConnection, id_hash: &str, draft: &str) -> Result<()> {
    sqlx::query("UPDATE web_sessions SET draft = $2 WHERE id_hash = $1")
        .bind(id_hash)
        .bind(draft)
        .execute(conn)
        .await?;
    Ok(())
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
