use anyhow::{bail, Result};
use chrono::Utc;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use super::{get, ts};
use crate::domain::text::{fold, visible_len};
use crate::domain::unit::{Unit, UnitKind};

pub(crate) fn from_row(r: &AnyRow) -> Result<Unit> {
    Ok(Unit {
        id: get(r, "id")?,
        name: get(r, "name")?,
        kind: get::<String>(r, "kind")?
            .parse()
            .map_err(anyhow::Error::msg)?,
    })
}

pub async fn add(conn: &mut AnyConnection, name: &str, kind: UnitKind) -> Result<Unit> {
    if find(&mut *conn, name).await?.is_some() {
        bail!("a unit named '{name}' already exists");
    }
    let row = sqlx::query(
        "INSERT INTO units (name, kind, created_at) VALUES ($1, $2, $3) RETURNING id, name, kind",
    )
    .bind(name)
    .bind(kind.as_str())
    .bind(ts(Utc::now()))
    .fetch_one(&mut *conn)
    .await?;
    from_row(&row)
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Unit>> {
    sqlx::query("SELECT id, name, kind FROM units ORDER BY id")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Unit>> {
    let row = sqlx::query("SELECT id, name, kind FROM units WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// By name ignoring case and diacritics ("cdcs thcs" finds "CĐCS THCS"), or by id
/// written `#5`. A name is always a name: a unit called "05" is not unit 5.
pub async fn find(conn: &mut AnyConnection, name_or_id: &str) -> Result<Option<Unit>> {
    if let Some(id) = name_or_id.trim().strip_prefix('#') {
        return match id.trim().parse::<i64>() {
            Ok(id) => by_id(&mut *conn, id).await,
            Err(_) => Ok(None),
        };
    }
    // An empty or invisible name would match a unit whose name folds to nothing.
    if visible_len(name_or_id) == 0 {
        return Ok(None);
    }
    let wanted = fold(name_or_id);
    let units = list(&mut *conn).await?;
    Ok(units.into_iter().find(|u| fold(&u.name) == wanted))
}

/// Every unit with how many members it has, in one query.
pub async fn list_with_members(conn: &mut AnyConnection) -> Result<Vec<(Unit, i64)>> {
    sqlx::query(
        "SELECT u.id, u.name, u.kind, COUNT(m.id) AS members FROM units u \
         LEFT JOIN members m ON m.unit_id = u.id GROUP BY u.id, u.name, u.kind ORDER BY u.id",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((from_row(r)?, get(r, "members")?)))
    .collect()
}

/// Writes a checked import in the caller's transaction, in file order, so a parent
/// named earlier in the file exists when its children are written.
pub async fn add_many(
    conn: &mut AnyConnection,
    units: &[crate::domain::unit_import::NewUnit],
) -> Result<usize> {
    let mut ids: std::collections::HashMap<String, i64> = list(&mut *conn)
        .await?
        .into_iter()
        .map(|u| (fold(&u.name), u.id))
        .collect();
    let created = ts(Utc::now());
    for u in units {
        let parent = u.parent.as_deref().and_then(|p| ids.get(&fold(p)).copied());
        let row = sqlx::query(
            "INSERT INTO units (name, kind, created_at, parent_id, contact) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&u.name)
        .bind(u.kind.as_str())
        .bind(&created)
        .bind(parent)
        .bind(&u.contact)
        .fetch_one(&mut *conn)
        .await?;
        ids.insert(fold(&u.name), get(&row, "id")?);
    }
    Ok(units.len())
}
