//! The delivery queue: one row per message and recipient. A worker claims one row at
//! a time; a row is never claimed twice, so nobody gets a second copy.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use super::{get, ts};
use crate::conversation::{Action, Choice, Reply};
use crate::domain::member::{Address, Member};
use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Purpose {
    Broadcast,
    Reminder,
    Notice,
    /// A direct reply that could not go at once.
    Reply,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        self.into()
    }
}

/// "As soon as possible", whatever clock the sending process runs on (a rehearsal
/// with `--now` runs in another year than the operator's command line).
pub const ASAP: DateTime<Utc> = DateTime::<Utc>::UNIX_EPOCH;

/// A message queued for a person; due at once (only a retry is ever delayed).
pub struct NewItem<'a> {
    pub to: Address,
    pub member_id: Option<i64>,
    pub lang: Lang,
    pub reply: &'a Reply,
    pub purpose: Purpose,
    pub broadcast_id: Option<i64>,
    /// The deadlines it speaks of (see `Item::about`).
    pub about: &'a [i64],
}

impl<'a> NewItem<'a> {
    pub fn for_member(m: &Member, lang: Lang, reply: &'a Reply, purpose: Purpose) -> Self {
        NewItem {
            to: m.address(),
            member_id: Some(m.id),
            lang,
            reply,
            purpose,
            broadcast_id: None,
            about: &[],
        }
    }

    /// A direct answer to someone who wrote (a turn's reply), to go through the outbox.
    pub fn answer(to: &Address, lang: Lang, reply: &'a Reply) -> Self {
        NewItem {
            to: to.clone(),
            member_id: None,
            lang,
            reply,
            purpose: Purpose::Reply,
            broadcast_id: None,
            about: &[],
        }
    }

    /// A reminder, overdue notice or digest about these deadlines.
    pub fn about(self, deadlines: &'a [i64]) -> Self {
        NewItem {
            about: deadlines,
            ..self
        }
    }
}

#[derive(Debug, Clone)]
pub struct Item {
    pub id: i64,
    pub to: Address,
    pub member_id: Option<i64>,
    pub lang: Lang,
    pub reply: Reply,
    pub broadcast_id: Option<i64>,
    pub attempts: i64,
    /// The deadlines a reminder, overdue notice or digest speaks of: it lapses rather
    /// than go out once its unit has handed them all in, or long after its day.
    pub about: Vec<i64>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredBody {
    text: String,
    choices: Vec<(String, String)>,
}

/// The columns a queued row is written with, `status` first; `bind_item` binds the rest.
pub(super) const COLUMNS: &str =
    "status, channel, chat_id, member_id, locale, body, purpose, broadcast_id, \
                       not_before, created_at";

/// Binds one item's ten values: `COLUMNS` after the status, then `about`.
fn bind_item<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    item: &NewItem<'_>,
    (now, not_before): (DateTime<Utc>, DateTime<Utc>),
) -> Result<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>> {
    Ok(query
        .bind(item.to.channel.as_str())
        .bind(item.to.chat_id.clone())
        .bind(item.member_id)
        .bind(item.lang.code())
        .bind(body(item.reply)?)
        .bind(item.purpose.as_str())
        .bind(item.broadcast_id)
        .bind(ts(not_before))
        .bind(ts(now))
        .bind(about(item.about)))
}

fn about(deadlines: &[i64]) -> Option<String> {
    let ids: Vec<String> = deadlines.iter().map(i64::to_string).collect();
    (!ids.is_empty()).then(|| ids.join(","))
}

pub async fn enqueue(
    conn: &mut AnyConnection,
    item: &NewItem<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    enqueue_at(conn, item, now, ASAP).await
}

/// A turn's answer, queued in the turn's transaction before it is sent straight away:
/// the outbox takes it over only if it is still pending at `lease` (the process died
/// before it went). The direct send claims it right before the wire, as the worker
/// does, so it goes once either way.
pub async fn receipt(
    conn: &mut AnyConnection,
    item: &NewItem<'_>,
    now: DateTime<Utc>,
    lease: DateTime<Utc>,
) -> Result<i64> {
    enqueue_at(conn, item, now, lease).await
}

/// `claim` for many rows at once: the ids taken.
pub async fn claim_many(
    conn: &mut AnyConnection,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let sql = format!(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_at = $1 \
         WHERE status = 'pending' AND id IN ({}) RETURNING id",
        super::id_list(ids)
    );
    let rows = sqlx::query(&sql)
        .bind(ts(now))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| get(r, "id")).collect()
}

/// `mark_sent` for many rows at once.
pub async fn mark_sent_many(
    conn: &mut AnyConnection,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = format!(
        "UPDATE outbox SET status = 'sent', error = NULL, sent_at = $1 WHERE id IN ({})",
        super::id_list(ids)
    );
    sqlx::query(&sql).bind(ts(now)).execute(&mut *conn).await?;
    Ok(())
}

/// A receipt's answer could not go directly: the outbox sends it now, with its retries.
pub async fn hand_over(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE outbox SET status = 'pending', not_before = $2 WHERE id = $1 AND status = 'sending'")
        .bind(id)
        .bind(ts(ASAP))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn enqueue_at(
    conn: &mut AnyConnection,
    item: &NewItem<'_>,
    now: DateTime<Utc>,
    not_before: DateTime<Utc>,
) -> Result<i64> {
    let sql = format!(
        "INSERT INTO outbox ({COLUMNS}, about) VALUES {} RETURNING id",
        super::placeholders(1, 10, 1, "'pending'")
    );
    let row = bind_item(sqlx::query(&sql), item, (now, not_before))?
        .fetch_one(conn)
        .await?;
    get(&row, "id")
}

/// Queues many messages with few statements: a sweep of 100 000 reminders is a few
/// hundred inserts, not 100 000.
pub async fn enqueue_many(
    conn: &mut AnyConnection,
    items: &[NewItem<'_>],
    now: DateTime<Utc>,
) -> Result<()> {
    // Measured queueing 100 000 on SQLite: 50 rows a statement 1.6 s, 100 → 1.8 s,
    // 200 → 2.6 s, 1 000 → 8.6 s: a statement's cost grows faster than its rows.
    const ROWS: usize = 50;
    for chunk in items.chunks(ROWS) {
        let sql = format!(
            "INSERT INTO outbox ({COLUMNS}, about) VALUES {}",
            super::placeholders(chunk.len(), 10, 1, "'pending'")
        );
        let mut query = sqlx::query(&sql);
        for item in chunk {
            query = bind_item(query, item, (now, ASAP))?;
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

pub(super) fn body(reply: &Reply) -> Result<String> {
    Ok(serde_json::to_string(&StoredBody {
        text: reply.text.clone(),
        choices: reply
            .choices
            .iter()
            .map(|c| (c.label.clone(), c.action.encode()))
            .collect(),
    })?)
}

/// The choices a person last saw, when they came with a message the bot sent on its
/// own (a result question, an announcement's "Đã xem") after the chat's last answer:
/// on a channel without buttons the number they type picks from it. `None` when the
/// chat's own last answer came later (its menu stands) or no such message was sent.
pub async fn menu_sent_after_answer(
    conn: &mut AnyConnection,
    at: &Address,
) -> Result<Option<Reply>> {
    // A few rows back is enough: what lies further is older than the chat's last answer
    // or carries no choices (then the answer's menu stands as well).
    let rows = sqlx::query(
        "SELECT purpose, body FROM outbox WHERE channel = $1 AND chat_id = $2 \
         AND status IN ('sent', 'uncertain') ORDER BY id DESC LIMIT 20",
    )
    .bind(at.channel.as_str())
    .bind(&at.chat_id)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        if get::<String>(r, "purpose")? == Purpose::Reply.as_str() {
            return Ok(None);
        }
        let reply = reply_from_body(&get::<String>(r, "body")?)?;
        if !reply.choices.is_empty() {
            return Ok(Some(reply));
        }
    }
    Ok(None)
}

/// A reply as `body` stored it.
pub(super) fn reply_from_body(json: &str) -> Result<Reply> {
    let body: StoredBody = serde_json::from_str(json).context("stored reply")?;
    Ok(Reply {
        text: body.text,
        choices: body
            .choices
            .into_iter()
            .filter_map(|(label, data)| Action::decode(&data).map(|a| Choice::new(label, a)))
            .collect(),
    })
}

fn from_row(r: &AnyRow) -> Result<Item> {
    Ok(Item {
        id: get(r, "id")?,
        to: Address {
            channel: get::<String>(r, "channel")?
                .parse()
                .map_err(anyhow::Error::msg)?,
            chat_id: get(r, "chat_id")?,
        },
        member_id: get(r, "member_id")?,
        lang: Lang::from_code(&get::<String>(r, "locale")?).unwrap_or_default(),
        reply: reply_from_body(&get::<String>(r, "body")?)?,
        broadcast_id: get(r, "broadcast_id")?,
        attempts: get(r, "attempts")?,
        about: get::<Option<String>>(r, "about")?
            .unwrap_or_default()
            .split(',')
            .filter_map(|id| id.parse().ok())
            .collect(),
    })
}

/// What `from_row` reads of a queued message.
const ITEM: &str = "SELECT id, channel, chat_id, member_id, locale, body, broadcast_id, attempts, \
                    about FROM outbox";

/// The oldest message that is due on any channel, without taking it (the worker reads
/// them by channel, `due_on`; tests look at the queue through this).
pub async fn next_due(conn: &mut AnyConnection, now: DateTime<Utc>) -> Result<Option<Item>> {
    let row = sqlx::query(&format!(
        "{ITEM} WHERE status = 'pending' AND not_before <= $1 ORDER BY id LIMIT 1"
    ))
    .bind(ts(now))
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Up to `limit` messages due on `channel`, without taking them: the worker first
/// waits for each one's sending slot, and a crash during that wait must leave it
/// pending, not uncertain. Answers to someone who just wrote come first, then the
/// oldest: a chair whose reply met a 403 must not wait behind an announcement's
/// thousand copies. (The due rows are sorted either way: `not_before` is a range.)
pub async fn due_on(
    conn: &mut AnyConnection,
    channel: crate::domain::member::Channel,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Item>> {
    let rows = sqlx::query(&format!(
        "{ITEM} WHERE status = 'pending' AND not_before <= $1 AND channel = $2 \
             ORDER BY CASE WHEN purpose = $4 THEN 0 ELSE 1 END, id LIMIT $3"
    ))
    .bind(ts(now))
    .bind(channel.as_str())
    .bind(limit)
    .bind(Purpose::Reply.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Takes the message for sending, right before it goes on the wire. The status check
/// makes a race between two workers harmless: only one of them gets `true`.
pub async fn claim(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_at = $2 \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE outbox SET status = $2, error = $3, sent_at = $4 WHERE id = $1")
        .bind(id)
        .bind(status)
        .bind(error)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn mark_sent(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> Result<()> {
    set_status(&mut *conn, id, "sent", None, now).await
}

/// A message about deadlines that has nothing left to say (see `Item::about`): not
/// sent; `why` says which way it lapsed.
pub async fn mark_lapsed(
    conn: &mut AnyConnection,
    id: i64,
    why: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    set_status(&mut *conn, id, "lapsed", Some(why), now).await
}

pub async fn mark_blocked(
    conn: &mut AnyConnection,
    id: i64,
    error: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    set_status(&mut *conn, id, "blocked", Some(error), now).await
}

pub async fn mark_failed(
    conn: &mut AnyConnection,
    id: i64,
    error: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    set_status(&mut *conn, id, "failed", Some(error), now).await
}

pub async fn retry_later(
    conn: &mut AnyConnection,
    id: i64,
    not_before: DateTime<Utc>,
    error: &str,
) -> Result<()> {
    sqlx::query("UPDATE outbox SET status = 'pending', not_before = $2, error = $3 WHERE id = $1")
        .bind(id)
        .bind(ts(not_before))
        .bind(error)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Back to waiting until `not_before` without counting the try: the platform did not
/// take it, and a month's wait must not use up its tries.
pub async fn hold(
    conn: &mut AnyConnection,
    id: i64,
    not_before: DateTime<Utc>,
    why: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET status = 'pending', not_before = $2, error = $3, \
         attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END WHERE id = $1",
    )
    .bind(id)
    .bind(ts(not_before))
    .bind(why)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Rows waiting with `why` (see `hold`) are due at once.
pub async fn release(conn: &mut AnyConnection, why: &str) -> Result<u64> {
    let done =
        sqlx::query("UPDATE outbox SET not_before = $2 WHERE status = 'pending' AND error = $1")
            .bind(why)
            .bind(ts(ASAP))
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected())
}

/// After a crash, a row still marked 'sending' may or may not have reached the person.
/// It is not sent again (no second copy); the author's report counts it as uncertain.
/// `claimed_before`: only rows taken before then, when other instances may be
/// sending theirs right now; `None`: all of them (the only process there is).
pub async fn recover_interrupted(
    conn: &mut AnyConnection,
    claimed_before: Option<DateTime<Utc>>,
) -> Result<u64> {
    let query = match claimed_before {
        None => sqlx::query(
            "UPDATE outbox SET status = 'uncertain', error = 'interrupted while sending' \
             WHERE status = 'sending'",
        ),
        Some(t) => sqlx::query(
            "UPDATE outbox SET status = 'uncertain', error = 'interrupted while sending' \
             WHERE status = 'sending' AND (claimed_at IS NULL OR claimed_at < $1)",
        )
        .bind(ts(t)),
    };
    Ok(query.execute(&mut *conn).await?.rows_affected())
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub pending: i64,
    pub sent: i64,
    pub blocked: i64,
    pub failed: i64,
    pub uncertain: i64,
}

impl Counts {
    pub fn total(&self) -> i64 {
        self.pending + self.sent + self.blocked + self.failed + self.uncertain
    }
}

pub async fn counts(conn: &mut AnyConnection, broadcast_id: i64) -> Result<Counts> {
    let rows = sqlx::query(
        "SELECT status, COUNT(*) AS n FROM outbox WHERE broadcast_id = $1 GROUP BY status",
    )
    .bind(broadcast_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut c = Counts::default();
    for r in rows {
        let n: i64 = get(&r, "n")?;
        match get::<String>(&r, "status")?.as_str() {
            "pending" | "sending" => c.pending += n,
            "sent" => c.sent += n,
            "blocked" => c.blocked += n,
            "failed" => c.failed += n,
            _ => c.uncertain += n,
        }
    }
    Ok(c)
}

/// Whether anything is still waiting to be sent (for tools that drain the queue).
pub async fn pending(conn: &mut AnyConnection) -> Result<i64> {
    let row =
        sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'sending')")
            .fetch_one(&mut *conn)
            .await?;
    get(&row, "n")
}

/// What is due and not yet sent: how many, and since when the oldest has waited
/// (`/healthz`, `/metrics`). Messages held for quiet hours are not due yet.
pub async fn due_backlog(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>)> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(not_before) AS oldest FROM outbox \
         WHERE status = 'pending' AND not_before <= $1",
    )
    .bind(ts(now))
    .fetch_one(&mut *conn)
    .await?;
    let oldest = get::<Option<String>>(&row, "oldest")?
        .map(|t| super::parse_ts(&t))
        .transpose()?;
    Ok((get(&row, "n")?, oldest))
}

/// Deletes messages delivered (sent, blocked, failed or lapsed) before `before`; pending and
/// uncertain ones stay. Rows an announcement's report still counts go with it: the
/// report of an announcement older than the cut-off is history.
pub async fn prune_delivered(conn: &mut AnyConnection, before: DateTime<Utc>) -> Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM outbox WHERE status IN ('sent', 'blocked', 'failed', 'lapsed') AND sent_at < $1",
    )
    .bind(ts(before))
    .execute(&mut *conn)
    .await?
    .rows_affected())
}
