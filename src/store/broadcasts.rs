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

/// An announcement as its lists show it: when, by whom (`None`: the operator at the
/// command line), the text and the audience's name.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub author: Option<String>,
    pub author_unit_id: Option<i64>,
    pub author_unit: Option<String>,
    pub text: String,
    pub audience: String,
}

const LISTED: &str = "SELECT b.id, b.created_at, b.text, b.audience, m.display_name AS author, \
     m.unit_id AS author_unit_id, u.name AS author_unit FROM broadcasts b \
     LEFT JOIN members m ON m.id = b.author_member_id LEFT JOIN units u ON u.id = m.unit_id";

fn listed(r: &sqlx::any::AnyRow) -> Result<Listed> {
    Ok(Listed {
        id: get(r, "id")?,
        at: super::parse_ts(&get::<String>(r, "created_at")?)?,
        author: get(r, "author")?,
        author_unit_id: get(r, "author_unit_id")?,
        author_unit: get(r, "author_unit")?,
        text: get(r, "text")?,
        audience: get(r, "audience")?,
    })
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Listed>> {
    sqlx::query(&format!("{LISTED} WHERE b.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(listed)
        .transpose()
}

/// The newest `limit` announcements before `before` (all when `None`) written by a
/// member of a unit within `within` or of unit `own` (the reader's colleagues); the
/// operator's too when `within` is everything. Newest first.
pub async fn recent(
    conn: &mut AnyConnection,
    (within, own): (crate::domain::unit::Scope, i64),
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Listed>> {
    let by = super::scope::condition(within, "m.unit_id");
    let operator = match within {
        crate::domain::unit::Scope::Everything => "b.author_member_id IS NULL OR ",
        crate::domain::unit::Scope::Below(_) => "",
    };
    sqlx::query(&format!(
        "{LISTED} WHERE b.id < $1 AND ({operator}{by} OR m.unit_id = {own}) \
         ORDER BY b.id DESC LIMIT $2"
    ))
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(listed)
    .collect()
}

/// One person an announcement was queued for: their name, unit, the message's
/// state in the outbox (`pending`, `sending`, `sent`, `blocked`, `failed`,
/// `uncertain`) and whether they pressed "Đã nhận".
#[derive(Debug, Clone)]
pub struct Recipient {
    /// The outbox row's id: the page of recipients starts after it.
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub status: String,
    pub acked: bool,
}

/// The announcement's recipients after outbox row `after`, `limit` of them, in the
/// order they were queued.
pub async fn recipients(
    conn: &mut AnyConnection,
    broadcast_id: i64,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<Recipient>> {
    sqlx::query(
        "SELECT o.id, o.status, m.display_name, u.name AS unit, \
         (SELECT COUNT(*) FROM broadcast_acks a WHERE a.broadcast_id = o.broadcast_id \
         AND a.member_id = o.member_id) AS acked \
         FROM outbox o JOIN members m ON m.id = o.member_id JOIN units u ON u.id = m.unit_id \
         WHERE o.broadcast_id = $1 AND o.id > $2 ORDER BY o.id LIMIT $3",
    )
    .bind(broadcast_id)
    .bind(after.unwrap_or(0))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Recipient {
            id: get(r, "id")?,
            name: get(r, "display_name")?,
            unit: get(r, "unit")?,
            status: get(r, "status")?,
            acked: get::<i64>(r, "acked")? > 0,
        })
    })
    .collect()
}
