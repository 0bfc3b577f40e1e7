//! The federation tree an operator keeps: units added one by one or from a list, and
//! moved. A unit's name follows one rule wherever it is given (`normalize_unit_name`).

use anyhow::Result;
use sqlx::AnyConnection;

use super::{Actor, Refused};
use crate::domain::text::{clean, fold};
use crate::domain::unit::{normalize_unit_name, Unit, UnitKind};
use crate::domain::unit_import::{self, Problems};
use crate::store::units;

/// A unit by name or `#id`, within the actor's scope, or refused naming it.
pub async fn find(conn: &mut AnyConnection, actor: &Actor, name: &str) -> Result<Unit> {
    let Some(unit) = units::find(&mut *conn, name).await? else {
        return Err(Refused::with("cli.unit_not_found", &[("unit", name)]).into());
    };
    // Found by a looser spelling: only if no other unit answers to it as well.
    if !name.trim().starts_with('#') && unit.name != name.trim() {
        let wanted = fold(name);
        let same: Vec<String> = units::list(&mut *conn)
            .await?
            .into_iter()
            .filter(|u| fold(&u.name) == wanted)
            .map(|u| format!("#{} {}", u.id, u.name))
            .collect();
        if same.len() > 1 {
            let args = [("unit", name), ("candidates", &same.join("; "))];
            return Err(Refused::with("cli.unit_ambiguous", &args).into());
        }
    }
    // Outside the actor's scope, a unit is as good as not there.
    let not_found = || Refused::with("cli.unit_not_found", &[("unit", name)]);
    actor.check_unit(&mut *conn, unit.id, not_found).await?;
    Ok(unit)
}

/// The name as it is kept, or why it cannot be one.
pub fn unit_name(raw: &str) -> Result<String, Refused> {
    normalize_unit_name(&clean(raw))
        .map_err(|e| Refused::with(e.key(), &[("value", raw), ("len", &e.length().to_string())]))
}

/// Adds a unit, below `parent` when one is named; the unit and the parent as found
/// (its name may be spelled otherwise than typed: "Vinh Thuan" finds "Vĩnh Thuận").
pub async fn add(
    tx: &mut AnyConnection,
    actor: &Actor,
    name: &str,
    kind: UnitKind,
    parent: Option<&str>,
) -> Result<(Unit, Option<Unit>)> {
    let name = unit_name(name)?;
    let parent = match parent {
        Some(p) => Some(find(&mut *tx, actor, p).await?),
        None if matches!(actor, Actor::Operator) => None,
        // Staff add units below their own federation only.
        None => return Err(Refused::new("cli.unit_needs_parent").into()),
    };
    if let Some(other) = units::find(&mut *tx, &name).await? {
        return Err(Refused::with("cli.unit_exists", &[("unit", &other.name)]).into());
    }
    let unit = units::add(&mut *tx, &name, kind).await?;
    if let Some(p) = &parent {
        units::set_parent(&mut *tx, unit.id, p.id).await?;
    }
    Ok((unit, parent))
}

/// Every unit of a list, checked whole first: one bad line imports nothing, and the
/// problems name their lines. The number of units added, or the problems.
pub async fn import(
    tx: &mut AnyConnection,
    rows: impl Iterator<Item = (usize, Vec<String>)>,
) -> Result<Result<usize, Problems>> {
    let existing = units::list(&mut *tx)
        .await?
        .iter()
        .map(|u| fold(&u.name))
        .collect();
    match unit_import::check(rows, &existing) {
        Ok(new) => Ok(Ok(units::add_many(&mut *tx, &new).await?)),
        Err(problems) => Ok(Err(problems)),
    }
}

/// Puts `name`, with the units below it, under `parent` (at the top with `None`).
/// Refused when that would put it below itself.
pub async fn move_to(
    tx: &mut AnyConnection,
    actor: &Actor,
    name: &str,
    parent: Option<&str>,
) -> Result<(Unit, Option<Unit>)> {
    let unit = find(&mut *tx, actor, name).await?;
    let parent = match parent {
        Some(p) => Some(find(&mut *tx, actor, p).await?),
        None => None,
    };
    if !units::move_to(&mut *tx, unit.id, parent.as_ref().map(|p| p.id)).await? {
        let p = parent.map(|p| p.name).unwrap_or_default();
        let args = [("unit", unit.name.as_str()), ("parent", p.as_str())];
        return Err(Refused::with("cli.unit_move_cycle", &args).into());
    }
    Ok((unit, parent))
}

/// Gives the unit named `name` the name `to` (the same rule as when it was added).
pub async fn rename(tx: &mut AnyConnection, actor: &Actor, name: &str, to: &str) -> Result<Unit> {
    let unit = find(&mut *tx, actor, name).await?;
    let to = unit_name(to)?;
    if let Some(other) = units::find(&mut *tx, &to).await? {
        if other.id != unit.id {
            return Err(Refused::with("cli.unit_exists", &[("unit", &other.name)]).into());
        }
    }
    units::rename(&mut *tx, unit.id, &to).await?;
    Ok(Unit { name: to, ..unit })
}

/// Takes a unit out of every count, audience, reminder, invite batch and summary, its
/// history kept (`active` false), or brings it back.
pub async fn set_active(
    tx: &mut AnyConnection,
    actor: &Actor,
    name: &str,
    active: bool,
) -> Result<Unit> {
    let unit = find(&mut *tx, actor, name).await?;
    units::set_active(&mut *tx, unit.id, active).await?;
    Ok(unit)
}

/// Removes a unit that has no works, no submissions and no units below it; one with
/// a history is deactivated instead, which the refusal says.
pub async fn remove(tx: &mut AnyConnection, actor: &Actor, name: &str) -> Result<Unit> {
    let unit = find(&mut *tx, actor, name).await?;
    let (works, handed_in, below) = units::history(&mut *tx, unit.id).await?;
    if works + handed_in + below > 0 {
        let args = [
            ("unit", unit.name.as_str()),
            ("works", &works.to_string()),
            ("submissions", &handed_in.to_string()),
            ("below", &below.to_string()),
        ];
        return Err(Refused::with("cli.unit_has_history", &args).into());
    }
    units::remove(&mut *tx, unit.id).await?;
    Ok(unit)
}
