//! Announcements from staff or the operator: the same rules from every front door,
//! queued to the audience within the author's scope (`broadcast::create`); what was
//! sent, and how it went, shown only within the reader's scope.

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::{Actor, Refused};
use crate::broadcast::{self, Created, Figures, MAX_TEXT};
use crate::domain::audience::Audience;
use crate::domain::text::clean;
use crate::domain::unit::Scope;
use crate::store::broadcasts::{self, Listed, Recipient};
use crate::store::{audience, campaigns, scope};

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
    let text = checked_text(text)?;
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
        &text,
        (audience, within, telegram_first),
        draft_key,
        now,
    )
    .await
}

/// The text as it will be sent (cleaned, trimmed), or why it cannot be: empty, or
/// longer than `MAX_TEXT` characters.
pub fn checked_text(text: &str) -> Result<String> {
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
    Ok(text.to_string())
}

/// Every audience and how many people it reaches within the actor's scope now, in
/// the order they are offered (none without a campaign).
pub async fn audiences(conn: &mut AnyConnection, actor: &Actor) -> Result<Vec<(Audience, i64)>> {
    let campaign = campaigns::current(&mut *conn).await?;
    let within = actor.scope(&mut *conn).await?;
    let mut counted = Vec::new();
    for a in Audience::every() {
        let n = match &campaign {
            Some(c) => audience::count(&mut *conn, c.id, a, within).await?,
            None => 0,
        };
        counted.push((a, n));
    }
    Ok(counted)
}

/// What "Gửi" would queue, checked as `queue` checks it, before anything is written:
/// the text as it will be sent and how many people the audience reaches.
pub async fn preview(
    conn: &mut AnyConnection,
    actor: &Actor,
    text: &str,
    audience: Audience,
) -> Result<(String, i64)> {
    let text = checked_text(text)?;
    let n = match campaigns::current(&mut *conn).await? {
        Some(c) => {
            let within = actor.scope(&mut *conn).await?;
            audience::count(&mut *conn, c.id, audience, within).await?
        }
        None => 0,
    };
    if n == 0 {
        return Err(Refused::new("broadcast.nobody").into());
    }
    Ok((text, n))
}

/// The draft key of an announcement sent from a page: the same session, text and
/// audience are the same announcement, so a second submit queues nothing.
pub fn page_draft_key(session_csrf: &str, text: &str, audience: Audience) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [session_csrf, text, audience.as_str()] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    format!("web:{:x}", h.finalize())
}

/// The announcements the actor may read (written within their scope, or by their
/// colleagues), newest first, before `before`, with their figures.
pub async fn sent(
    conn: &mut AnyConnection,
    actor: &Actor,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<(Listed, Figures)>> {
    let within = actor.scope(&mut *conn).await?;
    let own = actor.member().map_or(0, |m| m.unit_id);
    let listed = broadcasts::recent(&mut *conn, (within, own), before, limit).await?;
    let mut out = Vec::with_capacity(listed.len());
    for b in listed {
        let f = broadcast::figures(&mut *conn, b.id).await?;
        out.push((b, f));
    }
    Ok(out)
}

/// An announcement's delivery report: the announcement, its figures and a page of its
/// recipients (after outbox row `after`). `None` when there is no such announcement;
/// refused when it was written outside the actor's scope.
pub async fn report(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    (after, limit): (Option<i64>, i64),
) -> Result<Option<(Listed, Figures, Vec<Recipient>)>> {
    let Some(b) = broadcasts::by_id(&mut *conn, id).await? else {
        return Ok(None);
    };
    if !readable(conn, actor, &b).await? {
        return Err(Refused::new("broadcast.not_yours").into());
    }
    let figures = broadcast::figures(&mut *conn, id).await?;
    let recipients = broadcasts::recipients(&mut *conn, id, after, limit).await?;
    Ok(Some((b, figures, recipients)))
}

/// Whether the actor may read announcement `b`: the operator every one; staff those
/// written within their scope or by their colleagues (the operator's only when their
/// scope is everything).
async fn readable(conn: &mut AnyConnection, actor: &Actor, b: &Listed) -> Result<bool> {
    let Actor::Staff(me) = actor else {
        return Ok(true);
    };
    let within = actor.scope(&mut *conn).await?;
    Ok(match b.author_unit_id {
        None => within == Scope::Everything,
        Some(u) if u == me.unit_id => true,
        Some(u) => scope::contains(&mut *conn, within, u).await?,
    })
}
