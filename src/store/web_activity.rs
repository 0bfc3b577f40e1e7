//! The web pages' activity log (migration 0025): every action taken there, with who,
//! when and on which unit.

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::{get, parse_ts, ts};

/// What was done on the web.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    SignedIn,
    Approved,
    Returned,
    Proposed,
    Unproposed,
    Announced,
    /// A chair handed in a deadline's files from an upload link.
    HandedIn,
}

impl Action {
    /// The locale key that names it ("web.activity.approved").
    pub fn key(self) -> String {
        let name: &str = self.into();
        format!("web.activity.{name}")
    }
}

pub async fn add(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    member_id: i64,
    unit_id: Option<i64>,
    action: Action,
    detail: &str,
) -> Result<()> {
    let name: &str = action.into();
    sqlx::query(
        "INSERT INTO web_activity (at, member_id, unit_id, action, detail) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(ts(now))
    .bind(member_id)
    .bind(unit_id)
    .bind(name)
    .bind(detail)
    .execute(conn)
    .await?;
    Ok(())
}

/// One line of the log, with the names a reader needs.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub member: String,
    pub member_unit: String,
    pub unit: Option<String>,
    pub action: Action,
    pub detail: String,
}

/// Whose entries a reader sees: those on a unit within `within`, or done by a member
/// of a unit within it or of the reader's own unit `own` (their colleagues).
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    pub within: crate::domain::unit::Scope,
    pub own: i64,
}

/// The newest `limit` entries `seen` covers before entry `before` (all when `None`),
/// newest first; the scope is a condition of the one query (walking back by id).
pub async fn recent(
    conn: &mut AnyConnection,
    seen: Seen,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Entry>> {
    let on_unit = super::scope::condition(seen.within, "a.unit_id");
    let by_member = super::scope::condition(seen.within, "m.unit_id");
    let own = seen.own;
    let rows = sqlx::query(&format!(
        "SELECT a.id, a.at, a.action, a.detail, m.display_name AS member, \
         mu.name AS member_unit, u.name AS unit \
         FROM web_activity a JOIN members m ON m.id = a.member_id \
         JOIN units mu ON mu.id = m.unit_id LEFT JOIN units u ON u.id = a.unit_id \
         WHERE a.id < $1 AND ({on_unit} OR {by_member} OR m.unit_id = {own}) \
         ORDER BY a.id DESC LIMIT $2"
    ))
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Entry {
                id: get(r, "id")?,
                at: parse_ts(&get::<String>(r, "at")?)?,
                member: get(r, "member")?,
                member_unit: get(r, "member_unit")?,
                unit: get(r, "unit")?,
                action: get::<String>(r, "action")?.parse()?,
                detail: get(r, "detail")?,
            })
        })
        .collect()
}
