//! The federation tree in SQL: which units are below a federation, which federations
//! are over a unit, and which units hand things in at all.
//!
//! Unit ids are written into the statements as integers (never text), so a scope
//! adds no parameter and combines with any query's own `$n`.

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
            "{col} IN (WITH RECURSIVE below(id) AS (SELECT c.id FROM units c WHERE c.parent_id = {id} \
             UNION SELECT c.id FROM units c JOIN below b ON c.parent_id = b.id) SELECT id FROM below)"
        ),
    }
}

/// The condition that a staff member's unit `staff_unit` (a column of `units`, e.g.
/// `su.id`, with its `parent_id` beside it) acts on unit `unit_id`: it is above the
/// unit, or at the top of the tree.
pub(crate) fn over(unit_id: i64, staff_unit: &str) -> String {
    let parent = staff_unit.replace(".id", ".parent_id");
    format!(
        "({parent} IS NULL OR {staff_unit} IN (WITH RECURSIVE up(id) AS (\
         SELECT p.parent_id FROM units p WHERE p.id = {unit_id} \
         UNION SELECT p.parent_id FROM units p JOIN up ON p.id = up.id) SELECT id FROM up))"
    )
}

/// The condition that the unit id in column `$col` hands things in: not a federation
/// (no staff and no unit below it). A macro so that it stays a `&'static str`.
macro_rules! subject {
    ($col:literal) => {
        concat!(
            "NOT EXISTS (SELECT 1 FROM members st WHERE st.unit_id = ",
            $col,
            " AND st.role = 'staff') AND NOT EXISTS (SELECT 1 FROM units ch WHERE ch.parent_id = ",
            $col,
            ")"
        )
    };
}
pub(crate) use subject;
