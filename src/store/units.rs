use anyhow::{bail, Result};
use chrono::Utc;
use sqlx::any::AnyRow;

use super::{get, ts, Db};
use crate::domain::text::fold;
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

pub async fn add(db: &Db, name: &str, kind: UnitKind) -> Result<Unit> {
    if find(db, name).await?.is_some() {
        bail!("a unit named '{name}' already exists");
    }
    let row = sqlx::query(
        "INSERT INTO units (name, kind, created_at) VALUES ($1, $2, $3) RETURNING id, name, kind",
    )
    .bind(name)
    .bind(kind.as_str())
    .bind(ts(Utc::now()))
    .fetch_one(&db.pool)
    .await?;
    from_row(&row)
}

pub async fn list(db: &Db) -> Result<Vec<Unit>> {
    sqlx::query("SELECT id, name, kind FROM units ORDER BY id")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// By id, or by name ignoring case and diacritics ("cdcs thcs" finds "CĐCS THCS").
pub async fn find(db: &Db, name_or_id: &str) -> Result<Option<Unit>> {
    let units = list(db).await?;
    if let Ok(id) = name_or_id.trim().parse::<i64>() {
        if let Some(u) = units.iter().find(|u| u.id == id) {
            return Ok(Some(u.clone()));
        }
    }
    let wanted = fold(name_or_id);
    Ok(units.into_iter().find(|u| fold(&u.name) == wanted))
}
