//! Announcements from district staff: one outbox row per recipient, each with a
//! "Đã nhận" button, and a delivery report to the author when the last one is done.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

use crate::conversation::{Action, Choice, Reply};
use crate::domain::audience::Audience;
use crate::domain::member::Member;
use crate::domain::unit::Scope;
use crate::i18n::{tr, trf, Lang};
use crate::store::outbox::{self, NewItem, Purpose};
use crate::store::{audience, broadcasts, chats};
use sqlx::AnyConnection;

pub use crate::conversation::announcement_form::MAX_TEXT;

pub struct Created {
    pub id: i64,
    pub recipients: usize,
}

/// Queues the announcement for everyone in the audience, in the caller's transaction:
/// either all recipients are queued or none.
/// `telegram_first`: a person on both channels gets it on Telegram only.
pub async fn create(
    tx: &mut AnyConnection,
    campaign_id: i64,
    author: Option<&Member>,
    text: &str,
    (audience, scope, telegram_first): (Audience, Scope, bool),
    draft_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Created> {
    let id = broadcasts::insert(
        &mut *tx,
        author.map(|a| a.id),
        text,
        audience,
        draft_key,
        now,
    )
    .await?;
    let recipients = audience::enqueue(
        &mut *tx,
        campaign_id,
        (audience, scope),
        id,
        |lang| announcement(id, text, author.map(|a| a.unit_name.as_str()), lang),
        (telegram_first, now),
    )
    .await
    .context("queueing the announcement")?;
    if recipients == 0 {
        report_if_done(tx, id, now).await?;
    }
    Ok(Created {
        id,
        recipients: recipients as usize,
    })
}

/// An announcement signed with the author's federation (a province's staff write as
/// the province); one from the command line is the district's.
pub fn announcement(id: i64, text: &str, from: Option<&str>, lang: Lang) -> Reply {
    let from = from.map_or_else(|| tr(lang, "broadcast.from_district"), str::to_string);
    Reply::with_choices(
        trf(
            lang,
            "broadcast.message",
            &[("text", text), ("from", &from)],
        ),
        vec![Choice::new(tr(lang, "button.ack"), Action::Ack(id))],
    )
}

/// An announcement's delivery figures: its outbox rows by state and how many
/// recipients pressed "Đã nhận". The chat's report and the desk's pages read these.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub queued: i64,
    pub pending: i64,
    pub sent: i64,
    pub blocked: i64,
    /// Failed, or cut off mid-send (never sent again).
    pub failed: i64,
    pub acked: i64,
}

pub async fn figures(conn: &mut AnyConnection, id: i64) -> Result<Figures> {
    let c = outbox::counts(&mut *conn, id).await?;
    Ok(Figures {
        queued: c.total(),
        pending: c.pending,
        sent: c.sent,
        blocked: c.blocked,
        failed: c.failed + c.uncertain,
        acked: broadcasts::ack_count(&mut *conn, id).await?,
    })
}

/// The delivery report, as the author sees it.
pub async fn report(conn: &mut AnyConnection, id: i64, lang: Lang) -> Result<String> {
    let f = figures(&mut *conn, id).await?;
    Ok(trf(
        lang,
        if f.pending > 0 {
            "broadcast.report_running"
        } else {
            "broadcast.report_done"
        },
        &[
            ("id", &id.to_string()),
            ("total", &f.queued.to_string()),
            ("sent", &f.sent.to_string()),
            ("pending", &f.pending.to_string()),
            ("blocked", &f.blocked.to_string()),
            ("failed", &f.failed.to_string()),
            ("acked", &f.acked.to_string()),
        ],
    ))
}

/// Once nothing is left to send, the author is told, exactly once: the claim and the
/// report are queued in the caller's write transaction.
pub async fn report_if_done(tx: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> Result<()> {
    if outbox::counts(&mut *tx, id).await?.pending > 0 {
        return Ok(());
    }
    let Some(author) = broadcasts::claim_report(&mut *tx, id, now).await? else {
        return Ok(());
    };
    let Some(author) = author else {
        return Ok(());
    };
    let lang = chats::lang_of(&mut *tx, &author.address()).await?;
    let reply = Reply::text(report(&mut *tx, id, lang).await?);
    let item = NewItem::for_member(&author, lang, &reply, Purpose::Notice);
    outbox::enqueue(&mut *tx, &item, now).await?;
    Ok(())
}
