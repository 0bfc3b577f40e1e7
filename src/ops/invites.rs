//! One-time invite codes: one for a unit's chair or staff member, or one for every
//! unit that must submit (for a mail merge).

use anyhow::Result;
use chrono::{DateTime, Duration, Utc};
use sqlx::AnyConnection;

use super::zalo_seats::ZaloSeats;
use super::{units, Actor, Refused};
use crate::domain::member::Role;
use crate::domain::unit::Unit;
use crate::store::{invites, submissions};

pub struct Invite {
    pub unit: Unit,
    pub code: String,
    pub expires: DateTime<Utc>,
    /// The Zalo bot keeping a place for this person, and what it is called; `None`
    /// when no Zalo bot had room (the code works on Telegram only).
    pub zalo_bot: Option<(String, String)>,
}

/// A code for `role` in the unit named `unit`, valid for `days` days, keeping a place
/// on a Zalo bot with room.
pub async fn one(
    tx: &mut AnyConnection,
    actor: &Actor,
    unit: &str,
    role: Role,
    days: i64,
    seats: &ZaloSeats,
    now: DateTime<Utc>,
) -> Result<Invite> {
    let unit = units::find(&mut *tx, actor, unit).await?;
    let expires = now + Duration::days(days);
    let bot = seats.assign(&mut *tx, 1, now).await?.remove(0);
    let code = invites::create(&mut *tx, unit.id, role, expires, bot.as_deref()).await?;
    let zalo_bot = match bot {
        Some(bot) => {
            let name = invites::zalo_bot_name(&mut *tx, &bot).await?;
            Some((bot.clone(), name.unwrap_or(bot)))
        }
        None => None,
    };
    Ok(Invite {
        unit,
        code,
        expires,
        zalo_bot,
    })
}

/// Every chair's code, with the Zalo bot each keeps a place on (by name).
pub struct Invites {
    pub units: Vec<Unit>,
    pub codes: Vec<String>,
    pub zalo_bots: Vec<Option<String>>,
    pub expires: DateTime<Utc>,
}

/// A chair's code for every unit that must submit within the actor's scope, in the
/// order of the status table; `(units, codes, expiry)`.
pub async fn every_chair(
    tx: &mut AnyConnection,
    actor: &Actor,
    role: Role,
    days: i64,
    seats: &ZaloSeats,
    now: DateTime<Utc>,
) -> Result<Invites> {
    if role != Role::Chair {
        return Err(Refused::new("cli.invite_all_chairs").into());
    }
    let within = actor.scope(&mut *tx).await?;
    let expires = now + Duration::days(days);
    let units = submissions::subject_units_page(&mut *tx, within, i64::MAX).await?;
    let bots = seats.assign(&mut *tx, units.len(), now).await?;
    let codes = invites::create_many(&mut *tx, &units, role, expires, &bots).await?;
    let mut names = std::collections::HashMap::new();
    for bot in seats.bots.iter() {
        let name = invites::zalo_bot_name(&mut *tx, bot).await?;
        names.insert(bot.clone(), name.unwrap_or_else(|| bot.clone()));
    }
    let zalo_bots = bots
        .iter()
        .map(|b| b.as_ref().and_then(|b| names.get(b).cloned()))
        .collect();
    Ok(Invites {
        units,
        codes,
        zalo_bots,
        expires,
    })
}
