//! Reminders before deadlines, an overdue notice after, a digest for staff. The
//! database is the schedule: every tick asks "what is due and not yet claimed", so a
//! missed tick, a restart or a second process changes nothing. Each message is
//! claimed under a unique key and queued in the same transaction.

pub mod messages;
pub mod preview;

use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::clock::Clock;
use crate::domain::member::Member;
use crate::domain::reminders::{self, Due};
use crate::store::outbox::{self, NewItem, Purpose};
use std::collections::HashSet;

use crate::conversation::Reply;
use crate::i18n::Lang;
use crate::store::deadlines::Deadline;
use crate::store::{
    campaigns, deadlines, members, registrations, reminders as claims, scope, settings,
    submissions, Db,
};

/// How often the scheduler looks. Cheap: a handful of queries.
pub const TICK: Duration = Duration::from_secs(5);

/// The key under which one message (or one unit's reminder) is claimed.
pub fn key(deadline_id: i64, due: Due, unit_id: i64) -> String {
    format!("{}{unit_id}", key_prefix(deadline_id, due))
}

pub fn digest_key(deadline_id: i64) -> String {
    format!("d:{deadline_id}")
}

/// The part of a unit's key before its id: a whole slot is claimed at once by
/// appending each missing unit's id in SQL.
pub(crate) fn key_prefix(deadline_id: i64, due: Due) -> String {
    match due {
        Due::Reminder { days_before } => format!("r:{deadline_id}:{days_before}:"),
        Due::Overdue => format!("o:{deadline_id}:"),
    }
}

/// Marks a slot as swept: later ticks in its window cost one look-up, not a sweep.
fn slot_key(deadline_id: i64, due: Due) -> String {
    format!("s:{}", key_prefix(deadline_id, due))
}

/// One look at the calendar. Returns how many messages were queued. Each due slot is
/// swept once, set-based: one statement claims every missing unit, one query finds
/// their chairs, a few hundred inserts queue the messages, in one transaction.
pub async fn tick(db: &Db, now: DateTime<Utc>) -> Result<usize> {
    tick_with(db, now, true).await
}

/// `tick`, saying whether a person on both channels is reminded on Telegram only
/// (`THIDUA_PREFER_TELEGRAM`, yes by default).
pub async fn tick_with(db: &Db, now: DateTime<Utc>, telegram_first: bool) -> Result<usize> {
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
                let swept = claims::is_claimed(&mut conn, &slot_key(d.id, due)).await?;
                let digested =
                    due != Due::Overdue || claims::is_claimed(&mut conn, &digest_key(d.id)).await?;
                if !(swept && digested) {
                    due_now.push((d, due));
                }
            }
        }
        (campaign, due_now)
    };
    let tz = campaign.tz();
    // Every slot due now in one transaction, so what one person is told at this moment
    // (two deadlines the same morning) is one message: on Zalo each counts against the
    // bot's month.
    let mut tx = db.write().await?;
    let mut told: Vec<(Member, Lang, Vec<String>, Vec<i64>)> = Vec::new();
    let mut at: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for (d, due) in &due_now {
        for (chair, lang, text) in sweep(&mut tx, d, (*due, telegram_first), tz, now).await? {
            match at.get(&chair.id) {
                Some(i) => {
                    told[*i].2.push(text);
                    told[*i].3.push(d.id);
                }
                None => {
                    at.insert(chair.id, told.len());
                    told.push((chair, lang, vec![text], vec![d.id]));
                }
            }
        }
    }
    let replies: Vec<(Member, Lang, Reply, Vec<i64>)> = told
        .into_iter()
        .map(|(m, lang, texts, about)| (m, lang, Reply::text(texts.join("\n\n")), about))
        .collect();
    let mut queued = queue_all(&mut tx, &replies, now).await?;
    tx.commit().await?;
    metrics::counter!(crate::metric::REMINDERS).increment(queued as u64);
    for (d, due) in &due_now {
        if *due == Due::Overdue {
            queued += digest(db, d, now).await?;
        }
    }
    queued += ask_results(db, &campaign, now).await?;
    Ok(queued)
}

/// Claims the slot and the units still missing, in the tick's transaction; what each
/// of their chairs is to be told (nothing when another process had the slot).
async fn sweep(
    tx: &mut sqlx::AnyConnection,
    d: &Deadline,
    (due, telegram_first): (Due, bool),
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Vec<(Member, Lang, String)>> {
    if !claims::claim(&mut *tx, &slot_key(d.id, due), d.id, None, "slot", now).await? {
        return Ok(Vec::new());
    }
    let kind = if due == Due::Overdue {
        "overdue"
    } else {
        "reminder"
    };
    let claimed: HashSet<i64> =
        claims::claim_missing(&mut *tx, d, &key_prefix(d.id, due), kind, now)
            .await?
            .into_iter()
            .collect();
    Ok(members::chairs_of_missing(&mut *tx, d, telegram_first)
        .await?
        .into_iter()
        .filter(|(chair, _)| claimed.contains(&chair.unit_id))
        .map(|(chair, lang)| {
            let text = messages::to_chair(d, due, &chair.unit_name, tz, now, lang);
            (chair, lang, text)
        })
        .collect())
}

/// After a deadline, staff get one digest of who is still missing.
async fn digest(db: &Db, d: &Deadline, now: DateTime<Utc>) -> Result<usize> {
    let mut tx = db.write().await?;
    if !claims::claim(&mut tx, &digest_key(d.id), d.id, None, "digest", now).await? {
        return Ok(0);
    }
    let staff = members::active_staff(&mut tx).await?;
    let mut queued = 0;
    // Staff come ordered by unit: each federation's figures are counted once, over
    // the units below it (a province's over all its districts).
    for unit_staff in staff.chunk_by(|(a, _), (b, _)| a.unit_id == b.unit_id) {
        let unit_id = unit_staff[0].0.unit_id;
        let within = scope::of_staff(&mut tx, unit_id).await?;
        let (missing, first) =
            submissions::missing_page(&mut tx, d, within, messages::DIGEST_LIMIT).await?;
        let total = submissions::subject_count(&mut tx, within).await?;
        let branches = submissions::by_branch(&mut tx, d, unit_id, within).await?;
        for (s, lang) in unit_staff {
            let mut text = messages::digest(d, &first, missing, total, *lang);
            text.push_str(&messages::branch_lines(*lang, &branches));
            queue(&mut tx, (s, *lang), d, text, now).await?;
            queued += 1;
        }
    }
    tx.commit().await?;
    Ok(queued)
}

/// When, local time, the day's questions about works that ended go out.
const RESULTS_AT: chrono::NaiveTime = match chrono::NaiveTime::from_hms_opt(8, 0, 0) {
    Some(t) => t,
    None => panic!("08:00"),
};

/// Questions stop this long after the campaign ends: a bot started a year later does
/// not ask about works of a finished campaign (chairs can still answer from `/cuatoi`).
const RESULTS_WINDOW_DAYS: u64 = 90;

/// Once a day (after `RESULTS_AT`): every still-registered work whose end date, or the
/// day its chair asked to be asked again, has passed is claimed and its unit's chairs
/// asked how it ended. The day is claimed first, so the other ticks of the day cost one
/// look-up; each work is claimed per round, so nobody is asked twice.
async fn ask_results(
    db: &Db,
    campaign: &crate::domain::campaign::Campaign,
    now: DateTime<Utc>,
) -> Result<usize> {
    let local = now.with_timezone(&campaign.tz());
    let today = local.date_naive();
    let last_day = campaign.ends_on + chrono::Days::new(RESULTS_WINDOW_DAYS);
    if local.time() < RESULTS_AT || today > last_day {
        return Ok(0);
    }
    let key = format!("results_asked_on:{}", campaign.id);
    {
        let mut conn = db.read().await?;
        let last = settings::get_value(&mut conn, &key).await?;
        if last.is_some_and(|d| d >= today.to_string()) {
            return Ok(0);
        }
    }
    let mut tx = db.write().await?;
    if !settings::advance(&mut tx, &key, &today.to_string()).await? {
        return Ok(0);
    }
    let ids = registrations::claim_result_questions(&mut tx, campaign.id, today, now).await?;
    let works = registrations::by_ids(&mut tx, &ids).await?;
    let mut units: Vec<i64> = works.iter().map(|w| w.unit_id).collect();
    units.sort_unstable();
    units.dedup();
    let chairs = members::active_chairs_of_units(&mut tx, &units).await?;
    let replies: Vec<(&Member, Lang, Reply, Vec<i64>)> = works
        .iter()
        .flat_map(|w| {
            chairs
                .iter()
                .filter(move |(c, _)| c.unit_id == w.unit_id)
                .map(move |(c, lang)| (c, *lang, messages::result_question(*lang, w), vec![]))
        })
        .collect();
    let queued = queue_all(&mut tx, &replies, now).await?;
    tx.commit().await?;
    Ok(queued)
}

/// Messages for many chairs, each with the deadlines it speaks of, in the claiming
/// transaction; how many.
async fn queue_all<M: std::borrow::Borrow<Member>>(
    conn: &mut sqlx::AnyConnection,
    replies: &[(M, Lang, Reply, Vec<i64>)],
    now: DateTime<Utc>,
) -> Result<usize> {
    let items: Vec<NewItem> = replies
        .iter()
        .map(|(chair, lang, reply, about)| {
            NewItem::for_member(chair.borrow(), *lang, reply, Purpose::Reminder).about(about)
        })
        .collect();
    outbox::enqueue_many(conn, &items, now).await?;
    Ok(items.len())
}

/// A digest of deadline `d` for one staff member, in the claiming transaction.
async fn queue(
    conn: &mut sqlx::AnyConnection,
    (to, lang): (&Member, crate::i18n::Lang),
    d: &Deadline,
    text: String,
    now: DateTime<Utc>,
) -> Result<()> {
    let reply = crate::conversation::Reply::text(text);
    let about = [d.id];
    outbox::enqueue(
        conn,
        &NewItem::for_member(to, lang, &reply, Purpose::Reminder).about(&about),
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
    (mut shutdown, telegram_first): (watch::Receiver<bool>, bool),
) -> Result<()> {
    loop {
        match tick_with(&db, clock.now(), telegram_first).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(queued = n, "reminders queued");
                wake.notify_one();
            }
            Err(e) => tracing::error!(error = %format!("{e:#}"), "reminder tick failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(clock.real(TICK)) => {}
            _ = shutdown.changed() => return Ok(()),
        }
    }
}
