//! Staff review of a submission: approve, or return it with a reason. The unit's
//! chairs are told through the outbox, on every channel they use.

use anyhow::{bail, Result};
use chrono::{DateTime, Utc};

use crate::conversation::Reply;
use crate::domain::unit::Unit;
use crate::i18n::{tr, trf, Lang};
use crate::scheduler::command;
use crate::store::deadlines::Deadline;
use crate::store::outbox::{self, NewItem, Purpose};
use crate::store::submissions::{self, Status};
use crate::store::{campaigns, chats, deadlines, members, units, Db};

pub async fn review_submission(
    db: &Db,
    unit: &Unit,
    deadline_key: &str,
    status: Status,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let lang = Lang::default();
    let campaign = campaigns::current_or_seed(db).await?;
    let Some(d) = deadlines::for_campaign(db, campaign.id)
        .await?
        .into_iter()
        .find(|d| d.spec.key == deadline_key)
    else {
        bail!(
            "{}",
            trf(lang, "cli.deadline_not_found", &[("key", deadline_key)])
        );
    };
    if !submissions::review(db, d.id, unit.id, status, reason, now).await? {
        bail!("{}", tr(lang, "cli.nothing_submitted"));
    }
    tell_chairs(db, unit, &d, status, reason, now).await
}

/// The same review from the bot, by submission id.
pub async fn review_by_id(
    db: &Db,
    submission_id: i64,
    status: Status,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<(Unit, Deadline)>> {
    let Some(s) = submissions::by_id(db, submission_id).await? else {
        return Ok(None);
    };
    let (Some(d), Some(unit)) = (
        deadlines::get_one(db, s.deadline_id).await?,
        units::find(db, &s.unit_id.to_string()).await?,
    ) else {
        return Ok(None);
    };
    submissions::review(db, d.id, unit.id, status, reason, now).await?;
    tell_chairs(db, &unit, &d, status, reason, now).await?;
    Ok(Some((unit, d)))
}

async fn tell_chairs(
    db: &Db,
    unit: &Unit,
    d: &Deadline,
    status: Status,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = db.pool.begin().await?;
    for chair in members::active_chairs_of(db, unit.id).await? {
        let lang = chats::lang_of(db, &chair.address()).await?;
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
        outbox::enqueue(&mut tx, &item, now).await?;
    }
    tx.commit().await?;
    Ok(())
}
