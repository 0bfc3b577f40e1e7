use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::{get, members, ts};
use crate::domain::audience::Audience;
use crate::domain::member::Member;

pub async fn insert(
    conn: &mut AnyConnection,
    author: Option<i64>,
    text: &str,
    audience: Audience,
    draft_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO broadcasts (author_member_id, text, audience, draft_key, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(author)
    .bind(text)
    .bind(audience.as_str())
    .bind(draft_key)
    .bind(ts(now))
    .fetch_one(conn)
    .await?;
    get(&row, "id")
}

pub async fn by_draft_key(conn: &mut AnyConnection, key: &str) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT id FROM broadcasts WHERE draft_key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| get(&r, "id")).transpose()
}

/// Records "Đã nhận" of someone the announcement was sent to; anyone else's press
/// (forged or mistaken button data) records nothing. False when not recorded.
pub async fn ack(
    conn: &mut AnyConnection,
    broadcast_id: i64,
    member_id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO broadcast_acks (broadcast_id, member_id, acked_at) SELECT $1, $2, $3 \
         WHERE EXISTS (SELECT 1 FROM outbox WHERE broadcast_id = $1 AND member_id = $2) \
         ON CONFLICT (broadcast_id, member_id) DO NOTHING",
    )
    .bind(broadcast_id)
    .bind(member_id)
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(true);
    }
    // Pressed twice is still a thank-you; never sent to this member is a stale button.
    let acked =
        sqlx::query("SELECT 1 AS x FROM broadcast_acks WHERE broadcast_id = $1 AND member_id = $2")
            .bind(broadcast_id)
            .bind(member_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(acked.is_some())
}

pub async fn ack_count(conn: &mut AnyConnection, broadcast_id: i64) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM broadcast_acks WHERE broadcast_id = $1")
        .bind(broadcast_id)
        .fetch_one(&mut *conn)
        .await?;
    get(&row, "n")
}

/// Marks the report as due, once. `Some(author)` to the caller that won the claim
/// (`Some(None)` for an announcement from the command line).
pub async fn claim_report(
    conn: &mut AnyConnection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Option<Member>>> {
    let row = sqlx::query(
        "UPDATE broadcasts SET reported_at = $2 WHERE id = $1 AND reported_at IS NULL \
         RETURNING author_member_id",
    )
    .bind(id)
    .bind(ts(now))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let author: Option<i64> = get(&row, "author_member_id")?;
    Ok(Some(match author {
        Some(a) => members::by_id(&mut *conn, a).await?,
        None => None,
    }))
}

/// The latest announcements of an author, newest first.
pub async fn latest_by(
    conn: &mut AnyConnection,
    author: i64,
    limit: i64,
) -> Result<Vec<(i64, String)>> {
    sqlx::query(
        "SELECT id, created_at FROM broadcasts WHERE author_member_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(author)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((get(r, "id")?, get(r, "created_at")?)))
    .collect()
}
