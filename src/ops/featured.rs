//! "Công trình tiêu biểu": staff propose a registered work of their units for a
//! plaque, or take the proposal back.

use anyhow::Result;
use sqlx::AnyConnection;

use super::{Actor, Refused};
use crate::domain::registration::Registration;
use crate::store::registrations;

/// Turns the proposal of work `id` on or off; the work as it was before, or `None`
/// when there is no such work.
pub async fn toggle(
    tx: &mut AnyConnection,
    actor: &Actor,
    id: i64,
) -> Result<Option<Registration>> {
    let Some(w) = registrations::get_one(&mut *tx, id).await? else {
        return Ok(None);
    };
    actor
        .check_unit(&mut *tx, w.unit_id, || Refused::new("works.not_yours"))
        .await?;
    registrations::set_featured(&mut *tx, id, !w.featured).await?;
    Ok(Some(w))
}
