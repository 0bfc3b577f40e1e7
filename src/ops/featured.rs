//! "Công trình tiêu biểu": staff propose a registered work of their units for a
//! plaque, or take the proposal back.

use anyhow::Result;
use sqlx::AnyConnection;

use super::{Actor, Refused};
use crate::domain::registration::Registration;
use crate::store::registrations;

/// Turns the proposal of work `id` on or off (the chat's button); the work as it was
/// before, or `None` when there is no such work.
pub async fn toggle(
    tx: &mut AnyConnection,
    actor: &Actor,
    id: i64,
) -> Result<Option<Registration>> {
    set(tx, actor, id, None).await
}

/// Proposes work `id` (`Some(true)`), takes the proposal back (`Some(false)`) or turns
/// it over (`None`): the web's buttons say which, so a form sent twice does it once.
/// The work as it was before (unchanged when it already was so), or `None` when there
/// is no such work.
pub async fn set(
    tx: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    featured: Option<bool>,
) -> Result<Option<Registration>> {
    let Some(w) = registrations::get_one(&mut *tx, id).await? else {
        return Ok(None);
    };
    actor
        .check_unit(&mut *tx, w.unit_id, || Refused::new("works.not_yours"))
        .await?;
    let wanted = featured.unwrap_or(!w.featured);
    if wanted != w.featured {
        registrations::set_featured(&mut *tx, id, wanted).await?;
    }
    Ok(Some(w))
}
