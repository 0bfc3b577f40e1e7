//! The federation tree in SQL: which units are below a federation, which federations
//! are over a unit, and which units hand things in at all.
//!
//! Unit ids are written into the statements as integers (never text), so a scope
//! adds no parameter and combines with any query's own `$n`.
//!
//! The walks use `UNION ALL` (deduplicating 100 000 rows cost PostgreSQL 200 ms) and
//! stop at `MAX_DEPTH` levels: the tree has no cycles (a unit is only ever put below
//! one that exists, and only while nothing is below it), and a database edited by
//! hand into one still ends its walks.

use anyhow::Result;
use sqlx::AnyConnection;

use super::get;
use crate::domain::unit::Scope;

/// The scope of a staff member of `unit_id`.
pub async fn of_staff(conn: &mut AnyConnection, unit_id: i64) -> Result<Scope> {
    let row = sqlx::query("SELECT parent_id FROM units WHERE id = $1")
        .bind(unit_id)
        .fetch_optional(&mut *conn)
        .await?;
    let parent = match row {
        Some(r) => get::<Option<i64>>(&r, "parent_id")?,
        None => None,
    };
    Ok(match parent {
        None => Scope::Everything,
        Some(_) => Scope::Below(unit_id),
    })
}

/// Whether unit `unit_id` is in `within`: one walk up from the unit.
pub async fn contains(conn: &mut AnyConnection, within: Scope, unit_id: i64) -> Result<bool> {
    let Scope::Below(top) = within else {
        return Ok(true);
    };
    let over = over(unit_id, "su.id");
    let row = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM units su WHERE su.id = $1 AND {over}"
    ))
    .bind(top)
    .fetch_one(&mut *conn)
    .await?;
    Ok(get::<i64>(&row, "n")? > 0)
}

/// The condition that the unit id in `col` is in `scope`.
pub(crate) fn condition(scope: Scope, col: &str) -> String {
    match scope {
        Scope::Everything => "1 = 1".to_string(),
        Scope::Below(id) => format!(
            "{col} IN (WITH RECURSIVE below(id, depth) AS (\
             SELECT c.id, 1 FROM units c WHERE c.parent_id = {id} \
             UNION ALL SELECT c.id, b.depth + 1 FROM units c JOIN below b ON c.parent_id = b.id \
             WHERE b.depth < {MAX_DEPTH}) SELECT id FROM below)"
        ),
    }
}

/// The condition that column `col` of `tallies` (migration 0028) is a place whose rows
/// add up to `scope`: the stripes -1 to -16 hold every unit; below a federation, that
/// federation and each one in its branch hold their own units. The walk reads only
/// units that do not hand things in (the federations), never the 100 000 that do.
pub(crate) fn places(scope: Scope, col: &str) -> String {
    match scope {
        Scope::Everything => format!("{col} < 0"),
        Scope::Below(id) => format!(
            "{col} IN (WITH RECURSIVE f(id, depth) AS (SELECT CAST({id} AS BIGINT), 0 \
             UNION ALL SELECT c.id, f.depth + 1 FROM units c JOIN f ON c.parent_id = f.id \
             WHERE c.hands_in = 0 AND f.depth < {MAX_DEPTH}) SELECT id FROM f)"
        ),
    }
}

/// CĐCS, district, province, nation: a few levels; a walk never goes deeper than this.
pub(crate) const MAX_DEPTH: u32 = 12;

/// The condition that a staff member's unit `staff_unit` (a column of `units`, e.g.
/// `su.id`, with its `parent_id` beside it) acts on unit `unit_id`: it is above the
/// unit, or at the top of the tree.
pub(crate) fn over(unit_id: i64, staff_unit: &str) -> String {
    let parent = staff_unit.replace(".id", ".parent_id");
    format!(
        "({parent} IS NULL OR {staff_unit} IN (WITH RECURSIVE up(id, depth) AS (\
         SELECT p.parent_id, 1 FROM units p WHERE p.id = {unit_id} \
         UNION ALL SELECT p.parent_id, up.depth + 1 FROM units p JOIN up ON p.id = up.id \
         WHERE up.depth < {MAX_DEPTH}) SELECT id FROM up))"
    )
}

/// The condition that the unit id in column `$col` hands things in: `units.hands_in`,
/// which the database keeps to its rule (migration 0028's view `unit_hands_in`: not a
/// federation, active, not the console's sample once real units exist). A macro so
/// that it stays a `&'static str`.
macro_rules! subject {
    ($col:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM units hi WHERE hi.id = ",
            $col,
            " AND hi.hands_in = 1)"
        )
    };
}
pub(crate) use subject;

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree edited by hand into a cycle still answers, on both walks.
    #[tokio::test]
    async fn a_cycle_ends_the_walks() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("c.db").display());
        let db = super::super::connect(&url).await.unwrap();
        let mut tx = db.write().await.unwrap();
        for id in 1..=3 {
            sqlx::query(
                "INSERT INTO units (id, name, kind, created_at, parent_id) \
                 VALUES ($1, $2, 'agency', '2025-01-01T00:00:00Z', NULL)",
            )
            .bind(id)
            .bind(format!("U{id}"))
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        sqlx::query("UPDATE units SET parent_id = CASE id WHEN 1 THEN 2 ELSE 1 END")
            .execute(&mut *tx)
            .await
            .unwrap();
        let below = condition(Scope::Below(1), "u.id");
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM units u WHERE {below}"))
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(n, 3, "the walk ends, and each unit counts once");
        assert!(contains(&mut tx, Scope::Below(2), 3).await.unwrap());
    }
}
