//! One-time invite codes: one for a unit's chair or staff member, or one for every
//! unit that must submit (for a mail merge).

use anyhow::Result;
use chrono::{DateTime, Duration, Utc};
use sqlx::AnyConnection;

use super::{units, Actor, Refused};
use crate::domain::member::Role;
use crate::domain::unit::Unit;
use crate::store::{invites, submissions};

pub struct Invite {
    pub unit: Unit,
    pub code: String,
    pub expires: DateTime<Utc>,
}

/// A code for `role` in the unit named `unit`, valid for `days` days.
pub async fn one(
    tx: &mut AnyConnection,
    actor: &Actor,
    unit: &str,
    role: Role,
    days: i64,
    now: DateTime<Utc>,
) -> Result<Invite> {
    let unit = units::find(&mut *tx, actor, unit).await?;
    let expires = now + Duration::days(days);
    let code = invites::create(&mut *tx, unit.id, role, expires).await?;
    Ok(Invite {
        unit,
        code,
        expires,
    })
}

/// A chair's code for every unit that must submit within the actor's scope, in the
/// order of the status table; `(units, codes, expiry)`.
pub async fn every_chair(
    tx: &mut AnyConnection,
    actor: &Actor,
    role: Role,
    days: i64,
    now: DateTime<Utc>,
) -> Result<(Vec<Unit>, Vec<String>, DateTime<Utc>)> {
    if role != Role::Chair {
        return Err(Refused::new("cli.invite_all_chairs").into());
    }
    let within = actor.scope(&mut *tx).await?;
    let expires = now + Duration::days(days);
    let units = submissions::subject_units_page(&mut *tx, within, i64::MAX).await?;
    let codes = invites::create_many(&mut *tx, &units, role, expires).await?;
    Ok((units, codes, expires))
}
