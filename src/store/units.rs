use anyhow::{bail, Result};
use chrono::Utc;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use super::{get, ts};
use crate::domain::text::{fold, visible_len};
use crate::domain::unit::{Scope, Unit, UnitKind};

pub(crate) fn from_row(r: &AnyRow) -> Result<Unit> {
    Ok(Unit {
        id: get(r, "id")?,
        name: get(r, "name")?,
        kind: get::<String>(r, "kind")?
            .parse()
            .map_err(anyhow::Error::msg)?,
    })
}

/// A new unit; the caller has checked that no unit has this name by any spelling.
pub async fn add(conn: &mut AnyConnection, name: &str, kind: UnitKind) -> Result<Unit> {
    let row = sqlx::query(
        "INSERT INTO units (name, kind, created_at, folded_name) VALUES ($1, $2, $3, $4) \
         RETURNING id, name, kind",
    )
    .bind(name)
    .bind(kind.as_str())
    .bind(ts(Utc::now()))
    .bind(fold(name))
    .fetch_one(&mut *conn)
    .await?;
    from_row(&row)
}

/// Puts a new unit below `parent_id`. Only a unit without units below it is moved, so
/// the tree never gains a cycle.
pub async fn set_parent(conn: &mut AnyConnection, id: i64, parent_id: i64) -> Result<()> {
    let done = sqlx::query(
        "UPDATE units SET parent_id = $2 WHERE id = $1 AND id <> $2 \
         AND NOT EXISTS (SELECT 1 FROM units c WHERE c.parent_id = $1)",
    )
    .bind(id)
    .bind(parent_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        bail!("unit #{id} cannot be put below unit #{parent_id}");
    }
    Ok(())
}

/// Moves a unit, with everything below it, under `parent_id` (or to the top with
/// `None`): how a tree imported wrong is repaired. A unit is never put below itself
/// or below one of its own units, so the tree keeps no cycle: false, nothing moved.
pub async fn move_to(conn: &mut AnyConnection, id: i64, parent_id: Option<i64>) -> Result<bool> {
    if let Some(p) = parent_id {
        // The walk up from the new parent, itself included: `id` on it is a cycle.
        let row = sqlx::query(&format!(
            "WITH RECURSIVE up(id, depth) AS (SELECT $1, 0 UNION ALL \
             SELECT p.parent_id, up.depth + 1 FROM units p JOIN up ON p.id = up.id \
             WHERE p.parent_id IS NOT NULL AND up.depth < {}) \
             SELECT COUNT(*) AS n FROM up WHERE id = $2",
            super::scope::MAX_DEPTH
        ))
        .bind(p)
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        if get::<i64>(&row, "n")? > 0 {
            return Ok(false);
        }
    }
    sqlx::query("UPDATE units SET parent_id = $2 WHERE id = $1")
        .bind(id)
        .bind(parent_id)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Unit>> {
    let query = sqlx::query("SELECT id, name, kind FROM units ORDER BY id");
    super::collect(query, conn, from_row).await
}

/// The unit above this one, if it has one.
pub async fn parent_of(conn: &mut AnyConnection, id: i64) -> Result<Option<Unit>> {
    let row = sqlx::query(
        "SELECT p.id, p.name, p.kind FROM units u JOIN units p ON p.id = u.parent_id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The parent's name of every unit in scope, by unit id, in one query (for many forms
/// at once).
pub async fn parent_names(
    conn: &mut AnyConnection,
    within: crate::domain::unit::Scope,
) -> Result<std::collections::HashMap<i64, String>> {
    let within = super::scope::condition(within, "u.id");
    let sql = format!(
        "SELECT u.id, p.name FROM units u JOIN units p ON p.id = u.parent_id WHERE {within}"
    );
    Ok(super::collect(sqlx::query(&sql), conn, |r| {
        Ok((get(r, "id")?, get(r, "name")?))
    })
    .await?
    .into_iter()
    .collect())
}

/// The federations in scope (units with units below them), by name: the grid's
/// "district" choice.
pub async fn federations(
    conn: &mut AnyConnection,
    within: crate::domain::unit::Scope,
) -> Result<Vec<Unit>> {
    // Only units that hand nothing in can be federations: the walk never reads the
    // grassroots units.
    let within = match within {
        Scope::Everything => "u.hands_in = 0".to_string(),
        Scope::Below(top) => format!(
            "u.id <> {top} AND {}",
            super::scope::places(Scope::Below(top), "u.id")
        ),
    };
    let sql = format!(
        "SELECT u.id, u.name, u.kind FROM units u WHERE {within} \
         AND EXISTS (SELECT 1 FROM units c WHERE c.parent_id = u.id) ORDER BY u.name"
    );
    super::collect(sqlx::query(&sql), conn, from_row).await
}

/// Whether any unit exists (a fresh database offers the console's demo).
pub async fn any(conn: &mut AnyConnection) -> Result<bool> {
    let row = sqlx::query("SELECT id FROM units LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.is_some())
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
    let exact = sqlx::query("SELECT id, name, kind FROM units WHERE name = $1")
        .bind(name_or_id.trim())
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(row) = exact {
        return from_row(&row).map(Some);
    }
    let wanted = fold(name_or_id);
    let units = list(&mut *conn).await?;
    Ok(units.into_iter().find(|u| fold(&u.name) == wanted))
}

/// Writes a checked import in the caller's transaction, 50 units to a statement (the
/// outbox's measured best), in file order. A unit whose parent is still in the batch
/// being gathered sends that batch first, so every parent has its id when its children
/// are written.
pub async fn add_many(
    conn: &mut AnyConnection,
    units: &[crate::domain::unit_import::NewUnit],
) -> Result<usize> {
    const ROWS: usize = 50;
    // Only parents' ids are ever looked up: a province's list names a few hundred
    // parents for 100 000 units, so the map stays small.
    let parents: std::collections::HashSet<String> = units
        .iter()
        .filter_map(|u| u.parent.as_deref())
        .map(fold)
        .collect();
    let mut ids: std::collections::HashMap<String, i64> = list(&mut *conn)
        .await?
        .into_iter()
        .map(|u| (fold(&u.name), u.id))
        .filter(|(name, _)| parents.contains(name))
        .collect();
    let created = ts(Utc::now());
    let mut batch: Vec<(&crate::domain::unit_import::NewUnit, Option<i64>)> = Vec::new();
    let mut in_batch = std::collections::HashSet::new();
    for u in units {
        let parent = u.parent.as_deref().map(fold);
        if batch.len() == ROWS || parent.as_ref().is_some_and(|p| in_batch.contains(p)) {
            insert_batch(&mut *conn, &batch, &created, &parents, &mut ids).await?;
            batch.clear();
            in_batch.clear();
        }
        in_batch.insert(fold(&u.name));
        batch.push((u, parent.and_then(|p| ids.get(&p).copied())));
    }
    insert_batch(&mut *conn, &batch, &created, &parents, &mut ids).await?;
    Ok(units.len())
}

async fn insert_batch(
    conn: &mut AnyConnection,
    batch: &[(&crate::domain::unit_import::NewUnit, Option<i64>)],
    created: &str,
    parents: &std::collections::HashSet<String>,
    ids: &mut std::collections::HashMap<String, i64>,
) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO units (created_at, name, kind, parent_id, contact, folded_name) VALUES {} \
         RETURNING id, name",
        super::placeholders(batch.len(), 5, 2, "$1")
    );
    let mut query = sqlx::query(&sql).bind(created);
    for (u, parent) in batch {
        query = query
            .bind(&u.name)
            .bind(u.kind.as_str())
            .bind(*parent)
            .bind(&u.contact)
            .bind(fold(&u.name));
    }
    // RETURNING's order is not promised: match the ids back by name.
    for row in query.fetch_all(&mut *conn).await? {
        let name = fold(&get::<String>(&row, "name")?);
        if parents.contains(&name) {
            ids.insert(name, get(&row, "id")?);
        }
    }
    Ok(())
}

/// Folds the names of units written before migration 0024 (or straight into the
/// database): how many.
pub async fn fill_folded_names(conn: &mut AnyConnection) -> Result<usize> {
    let rows = sqlx::query("SELECT id, name FROM units WHERE folded_name IS NULL")
        .fetch_all(&mut *conn)
        .await?;
    for r in &rows {
        sqlx::query("UPDATE units SET folded_name = $2 WHERE id = $1")
            .bind(get::<i64>(r, "id")?)
            .bind(fold(&get::<String>(r, "name")?))
            .execute(&mut *conn)
            .await?;
    }
    Ok(rows.len())
}

/// Gives a unit another name (`ops::units::rename` checks that no other unit has it).
pub async fn rename(conn: &mut AnyConnection, id: i64, name: &str) -> Result<()> {
    sqlx::query("UPDATE units SET name = $2, folded_name = $3 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(fold(name))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes a unit out of (or back into) every count, audience, reminder and batch.
pub async fn set_active(conn: &mut AnyConnection, id: i64, active: bool) -> Result<()> {
    sqlx::query("UPDATE units SET active = $2 WHERE id = $1")
        .bind(id)
        .bind(i64::from(active))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The console's sample unit: never counted with a real district's.
pub async fn mark_demo(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE units SET demo = 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether the unit is the console's sample (or the sample federation above it).
pub async fn is_demo(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    let demo: Option<i64> = sqlx::query_scalar("SELECT demo FROM units WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(demo == Some(1))
}

/// What a unit has that removing it would lose: (works, submissions, units below).
pub async fn history(conn: &mut AnyConnection, id: i64) -> Result<(i64, i64, i64)> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM registrations WHERE unit_id = $1) AS works, \
         (SELECT COUNT(*) FROM submissions WHERE unit_id = $1) AS handed_in, \
         (SELECT COUNT(*) FROM units WHERE parent_id = $1) AS below",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok((
        get(&row, "works")?,
        get(&row, "handed_in")?,
        get(&row, "below")?,
    ))
}

/// Removes a unit with no history, its members and unused codes with it.
pub async fn remove(conn: &mut AnyConnection, id: i64) -> Result<()> {
    for sql in [
        "DELETE FROM invites WHERE unit_id = $1",
        "DELETE FROM members WHERE unit_id = $1",
        "DELETE FROM units WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Every unit with its parent's name, whether it is counted, and how many members it
/// has, in one query.
pub async fn listing(conn: &mut AnyConnection) -> Result<Vec<(Unit, Option<String>, bool, i64)>> {
    let query = sqlx::query(
        "SELECT u.id, u.name, u.kind, p.name AS parent, u.active, \
         (SELECT COUNT(*) FROM members m WHERE m.unit_id = u.id) AS members \
         FROM units u LEFT JOIN units p ON p.id = u.parent_id ORDER BY u.id",
    );
    super::collect(query, conn, |r| {
        Ok((
            from_row(r)?,
            get(r, "parent")?,
            get::<i64>(r, "active")? != 0,
            get(r, "members")?,
        ))
    })
    .await
}
