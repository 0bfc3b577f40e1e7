//! Staff review of a submission: approve, or return it with a reason. The unit's
//! chairs are told through the outbox, on every channel they use, in the same
//! transaction as the review.

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::{Actor, Refused};
use crate::conversation::Reply;
use crate::domain::text::clean;
use crate::domain::unit::Unit;
use crate::i18n::{trf, Lang};
use crate::store::deadlines::Deadline;
use crate::store::outbox::{self, NewItem, Purpose};
use crate::store::submissions::{self, Reviewed, Status, Submission};
use crate::store::{campaigns, chats, deadlines, members, units};

/// Which submission: by its id (the chat, the web), or as the unit's for the
/// deadline with this key (the command line).
pub enum Target<'a> {
    Id(i64),
    OfUnit { unit: &'a str, deadline: &'a str },
}

pub enum Decision<'a> {
    Approve,
    Return { reason: &'a str },
}

/// A review's result, with what the reviewer is told about.
pub enum Review {
    Done(Unit, Deadline),
    /// Another reviewer was first: approved or returned already.
    Already(Status, Unit, Deadline),
    NotFound,
}

/// Approves or returns a submission of a unit within the actor's scope.
pub async fn review(
    tx: &mut AnyConnection,
    actor: &Actor,
    target: Target<'_>,
    decision: Decision<'_>,
    now: DateTime<Utc>,
) -> Result<Review> {
    let (status, reason) = match decision {
        Decision::Approve => (Status::Approved, None),
        Decision::Return { reason } => {
            let reason = clean(reason).trim().to_string();
            if reason.is_empty() {
                return Err(Refused::new("review.reason_needed").into());
            }
            (Status::Returned, Some(reason))
        }
    };
    let Some(s) = find(tx, actor, target).await? else {
        return Ok(Review::NotFound);
    };
    let (Some(d), Some(unit)) = (
        deadlines::get_one(&mut *tx, s.deadline_id).await?,
        units::by_id(&mut *tx, s.unit_id).await?,
    ) else {
        return Ok(Review::NotFound);
    };
    let reason = reason.as_deref();
    match submissions::review(&mut *tx, s.id, status, reason, now).await? {
        Reviewed::Done => {
            tell_chairs(tx, &unit, &d, status, reason, now).await?;
            Ok(Review::Done(unit, d))
        }
        Reviewed::Already(done) => Ok(Review::Already(done, unit, d)),
        Reviewed::Missing => Ok(Review::NotFound),
    }
}

/// The submission, if it exists and its unit is within the actor's scope (refused
/// otherwise): what a reviewer may open, approve or return.
pub async fn find(
    tx: &mut AnyConnection,
    actor: &Actor,
    target: Target<'_>,
) -> Result<Option<Submission>> {
    let found = match target {
        Target::Id(id) => submissions::by_id(&mut *tx, id).await?,
        Target::OfUnit { unit, deadline } => {
            let Some(u) = units::find(&mut *tx, unit).await? else {
                return Err(Refused::with("cli.unit_not_found", &[("unit", unit)]).into());
            };
            let campaign = campaigns::current_or_seed(&mut *tx).await?;
            let Some(d) = deadlines::for_campaign(&mut *tx, campaign.id)
                .await?
                .into_iter()
                .find(|d| d.spec.key == deadline)
            else {
                return Err(Refused::with("cli.deadline_not_found", &[("key", deadline)]).into());
            };
            submissions::for_unit(&mut *tx, d.id, u.id).await?
        }
    };
    if let Some(s) = &found {
        actor
            .check_unit(&mut *tx, s.unit_id, || Refused::new("review.not_yours"))
            .await?;
    }
    Ok(found)
}

/// "Đã duyệt rồi" / "đã trả lại rồi", for the reviewer who came second.
pub fn already(lang: Lang, done: Status, unit: &Unit, d: &Deadline) -> String {
    let key = match done {
        Status::Returned => "review.already_returned",
        _ => "review.already_approved",
    };
    trf(lang, key, &[("unit", &unit.name), ("title", &d.spec.title)])
}

async fn tell_chairs(
    tx: &mut AnyConnection,
    unit: &Unit,
    d: &Deadline,
    status: Status,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    for chair in members::active_chairs_of(&mut *tx, unit.id).await? {
        let lang = chats::lang_of(&mut *tx, &chair.address()).await?;
        let text = match status {
            Status::Returned => trf(
                lang,
                "submission.reviewed_returned",
                &[
                    ("title", &d.spec.title),
                    ("unit", &unit.name),
                    ("reason", reason.unwrap_or("-")),
                    ("command", &d.spec.asks_for.command()),
                ],
            ),
            _ => trf(
                lang,
                "submission.reviewed_approved",
                &[("title", &d.spec.title), ("unit", &unit.name)],
            ),
        };
        let reply = Reply::text(text);
        let item = NewItem::for_member(&chair, lang, &reply, Purpose::Notice);
        outbox::enqueue(&mut *tx, &item, now).await?;
    }
    Ok(())
}
