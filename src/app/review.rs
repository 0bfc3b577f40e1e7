//! Staff review of a submission: approve, or return it with a reason. The unit's
//! chairs are told through the outbox, on every channel they use, in the same
//! transaction as the review.

use anyhow::{bail, Result};
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::conversation::Reply;
use crate::domain::unit::Unit;
use crate::i18n::{tr, trf, Lang};
use crate::scheduler::command;
use crate::store::deadlines::Deadline;
use crate::store::outbox::{self, NewItem, Purpose};
use crate::store::submissions::{self, Reviewed, Status};
use crate::store::{campaigns, chats, deadlines, members, units};

/// A review's result, with what the reviewer is told about.
pub enum Review {
    Done(Unit, Deadline),
    /// Another reviewer was first: approved or returned already.
    Already(Status, Unit, Deadline),
    NotFound,
}

/// From the command line: the unit's submission for the deadline with this key. Errors
/// are worded in the operator's language.
pub async fn review_submission(
    tx: &mut AnyConnection,
    unit: &Unit,
    deadline_key: &str,
    (status, reason): (Status, Option<&str>),
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<()> {
    let campaign = campaigns::current_or_seed(&mut *tx).await?;
    let Some(d) = deadlines::for_campaign(&mut *tx, campaign.id)
        .await?
        .into_iter()
        .find(|d| d.spec.key == deadline_key)
    else {
        bail!(
            "{}",
            trf(lang, "cli.deadline_not_found", &[("key", deadline_key)])
        );
    };
    let Some(s) = submissions::for_unit(&mut *tx, d.id, unit.id).await? else {
        bail!("{}", tr(lang, "cli.nothing_submitted"));
    };
    match review_by_id(tx, s.id, status, reason, now).await? {
        Review::Done(..) => Ok(()),
        Review::Already(done, unit, d) => bail!("{}", already(lang, done, &unit, &d)),
        Review::NotFound => bail!("{}", tr(lang, "cli.nothing_submitted")),
    }
}

/// The same review from the bot, by submission id.
pub async fn review_by_id(
    tx: &mut AnyConnection,
    submission_id: i64,
    status: Status,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Review> {
    let Some(s) = submissions::by_id(&mut *tx, submission_id).await? else {
        return Ok(Review::NotFound);
    };
    let (Some(d), Some(unit)) = (
        deadlines::get_one(&mut *tx, s.deadline_id).await?,
        units::by_id(&mut *tx, s.unit_id).await?,
    ) else {
        return Ok(Review::NotFound);
    };
    match submissions::review(&mut *tx, s.id, status, reason, now).await? {
        Reviewed::Done => {
            tell_chairs(tx, &unit, &d, status, reason, now).await?;
            Ok(Review::Done(unit, d))
        }
        Reviewed::Already(done) => Ok(Review::Already(done, unit, d)),
        Reviewed::Missing => Ok(Review::NotFound),
    }
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
                    ("command", command(d.spec.asks_for)),
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
