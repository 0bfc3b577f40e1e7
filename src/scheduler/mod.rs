//! Reminders before deadlines, an overdue notice after, a digest for staff. The
//! database is the schedule: every tick asks "what is due and not yet claimed", so a
//! missed tick, a restart or a second process changes nothing. Each message is
//! claimed under a unique key and queued in the same transaction.

mod messages;
pub use messages::command;
pub mod preview;

use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::clock::Clock;
use crate::domain::member::Member;
use crate::domain::reminders::{self, Due};
use crate::store::outbox::{self, NewItem, Purpose};
use crate::store::{campaigns, chats, deadlines, members, reminders as claims, submissions, Db};

/// How often the scheduler looks. Cheap: a handful of queries.
pub const TICK: Duration = Duration::from_secs(5);

/// The key under which one message (or one unit's reminder) is claimed.
pub fn key(deadline_id: i64, due: Due, unit_id: i64) -> String {
    match due {
        Due::Reminder { days_before } => format!("r:{deadline_id}:{days_before}:{unit_id}"),
        Due::Overdue => format!("o:{deadline_id}:{unit_id}"),
    }
}

pub fn digest_key(deadline_id: i64) -> String {
    format!("d:{deadline_id}")
}

/// One look at the calendar. Returns how many messages were queued. Each unit's
/// reminder is its own small write transaction (claim, then queue), so turns are never
/// held up behind a whole sweep.
pub async fn tick(db: &Db, now: DateTime<Utc>) -> Result<usize> {
    let (campaign, due_now) = {
        let mut conn = db.read().await?;
        let campaign = match campaigns::current(&mut conn).await? {
            Some(c) => c,
            None => campaigns::ensure_seed(db).await?,
        };
        let tz = campaign.tz();
        if reminders::is_quiet(now, tz) {
            return Ok(0);
        }
        let mut due_now = Vec::new();
        for d in deadlines::for_campaign(&mut conn, campaign.id).await? {
            if let Some(due) = reminders::due_at(&d.spec, tz, now) {
                let missing = submissions::missing_units(&mut conn, &d).await?;
                due_now.push((d, due, missing));
            }
        }
        (campaign, due_now)
    };
    let tz = campaign.tz();
    let mut queued = 0;
    for (d, due, missing) in &due_now {
        let due = *due;
        for unit in missing {
            let mut tx = db.write().await?;
            let kind = if due == Due::Overdue {
                "overdue"
            } else {
                "reminder"
            };
            let key = key(d.id, due, unit.id);
            if !claims::claim(&mut tx, &key, d.id, Some(unit.id), kind, now).await? {
                continue;
            }
            for chair in members::active_chairs_of(&mut tx, unit.id).await? {
                let lang = chats::lang_of(&mut tx, &chair.address()).await?;
                let text = messages::to_chair(d, due, &unit.name, tz, now, lang);
                queue(&mut tx, &chair, lang, text, now).await?;
                queued += 1;
            }
            tx.commit().await?;
        }
        if due == Due::Overdue {
            let mut tx = db.write().await?;
            if claims::claim(&mut tx, &digest_key(d.id), d.id, None, "digest", now).await? {
                let total = submissions::subject_units(&mut tx).await?.len();
                for s in members::active_staff(&mut tx).await? {
                    let lang = chats::lang_of(&mut tx, &s.address()).await?;
                    let text = messages::digest(d, missing, total, lang);
                    queue(&mut tx, &s, lang, text, now).await?;
                    queued += 1;
                }
                tx.commit().await?;
            }
        }
    }
    Ok(queued)
}

/// A reminder, notice or digest for one person, in the claiming transaction.
async fn queue(
    conn: &mut sqlx::AnyConnection,
    to: &Member,
    lang: crate::i18n::Lang,
    text: String,
    now: DateTime<Utc>,
) -> Result<()> {
    let reply = crate::conversation::Reply::text(text);
    outbox::enqueue(
        conn,
        &NewItem::for_member(to, lang, &reply, Purpose::Reminder),
        now,
    )
    .await?;
    Ok(())
}

/// Ticks until shutdown, waking the outbox worker when something was queued.
pub async fn run(
    db: Db,
    clock: Clock,
    wake: std::sync::Arc<tokio::sync::Notify>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<()> {
    loop {
        match tick(&db, clock.now()).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(queued = n, "reminders queued");
                wake.notify_one();
            }
            Err(e) => tracing::error!(error = %format!("{e:#}"), "reminder tick failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = shutdown.changed() => return Ok(()),
        }
    }
}
