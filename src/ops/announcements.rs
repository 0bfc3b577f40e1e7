//! Announcements from staff or the operator: the same rules from every front door,
//! queued to the audience within the author's scope (`broadcast::create`).

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::{Actor, Refused};
use crate::broadcast::{self, Created, MAX_TEXT};
use crate::domain::audience::Audience;
use crate::domain::text::clean;
use crate::store::{audience, campaigns};

/// Queues `text` for `audience` (`telegram_first`: a person on both channels gets it
/// on Telegram only). `draft_key` is the chat's form key, so a second press of "Gửi"
/// finds the announcement already queued.
pub async fn queue(
    tx: &mut AnyConnection,
    actor: &Actor,
    text: &str,
    (audience, telegram_first): (Audience, bool),
    draft_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Created> {
    let text = clean(text);
    let text = text.trim();
    if text.is_empty() {
        return Err(Refused::new("cli.broadcast_empty").into());
    }
    let len = text.chars().count();
    if len > MAX_TEXT {
        let (max, len) = (MAX_TEXT.to_string(), len.to_string());
        return Err(
            Refused::with("cli.broadcast_too_long", &[("max", &max), ("len", &len)]).into(),
        );
    }
    let campaign = campaigns::current_or_seed(&mut *tx).await?;
    let within = actor.scope(&mut *tx).await?;
    // An announcement nobody would receive is a mistake in the audience, not news.
    if audience::count(&mut *tx, campaign.id, audience, within).await? == 0 {
        return Err(Refused::new("broadcast.nobody").into());
    }
    broadcast::create(
        tx,
        campaign.id,
        actor.member(),
        text,
        (audience, within, telegram_first),
        draft_key,
        now,
    )
    .await
}
