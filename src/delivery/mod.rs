//! The outbox worker: delivers queued announcements, reminders and notices at a pace
//! the platforms accept, survives crashes without sending a second copy, and tells
//! a broadcast's author how it went.

pub mod link;
pub mod postman;
pub mod quota;
pub mod rate;
pub mod receipts;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use strum::VariantArray;
use tokio::sync::{watch, Notify, Semaphore};
use tokio::task::JoinSet;

use crate::clock::Clock;
use crate::conversation::{Body, Outgoing};
use crate::domain::member::{Address, Channel};
use crate::store::{self, members, outbox, submissions, Db};
use link::DeliveryError;
use postman::Postman;

/// Telegram allows about 30 messages a second overall.
pub const DEFAULT_RATE: u32 = 30;
/// Tries of a message that fails, 2 s to 64 s apart (about three minutes in all): a
/// Zalo 403 is retried here, one call a try, so its retry survives a restart.
const MAX_ATTEMPTS: i64 = 8;
/// Why a reminder lapsed at its sending: its unit handed in after it was queued.
const HANDED_IN: &str = "handed in since it was queued";
/// Why a message was not tried: its chat had blocked the bot by then.
const GONE: &str = "the person had blocked the bot";
const IDLE: Duration = Duration::from_millis(500);
/// Longer than any send takes (a long Zalo message's later parts, four tries each with
/// back-off, stay under 90 s): a row 'sending' for longer was left by an instance that
/// died.
const SENDING_LEASE: Duration = Duration::from_secs(180);
const RECOVER_EVERY: Duration = Duration::from_secs(60);
/// Sends under way at once on each channel.
const LANES: usize = 8;

/// The messages being sent and their chats: a chat's next message waits for the one
/// before it, and a row waiting for its slot is not started twice.
#[derive(Default)]
struct InFlight {
    ids: HashSet<i64>,
    chats: HashSet<Address>,
}

impl InFlight {
    fn take(&mut self, item: &outbox::Item) -> bool {
        if self.ids.contains(&item.id) || self.chats.contains(&item.to) {
            return false;
        }
        self.ids.insert(item.id);
        self.chats.insert(item.to.clone());
        true
    }

    fn done(&mut self, id: i64, to: &Address) {
        self.ids.remove(&id);
        self.chats.remove(to);
    }
}

#[derive(Clone)]
pub struct Worker {
    pub db: Db,
    pub postman: Postman,
    pub clock: Clock,
    /// Poked when something is queued, so delivery starts at once.
    pub wake: Arc<Notify>,
}

impl Worker {
    /// Sends at the pace of the postman's budget, which direct replies share.
    pub fn new(db: Db, postman: Postman, clock: Clock) -> Worker {
        Worker {
            db,
            postman,
            clock,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Messages left 'sending' by a process that died: on SQLite, every such row at
    /// start (it was this process's); on PostgreSQL, where other instances may be
    /// sending theirs, rows taken longer than `SENDING_LEASE` ago, checked now and then.
    async fn recover(&self) -> Result<()> {
        let before = match self.db.backend {
            store::Backend::Sqlite => None,
            store::Backend::Postgres => {
                Some(self.clock.now() - chrono::Duration::from_std(SENDING_LEASE)?)
            }
        };
        let mut tx = self.db.write().await?;
        let n = outbox::recover_interrupted(&mut tx, before).await?;
        tx.commit().await?;
        if n > 0 {
            tracing::warn!(
                interrupted = n,
                "messages interrupted by a crash are not sent again"
            );
        }
        Ok(())
    }

    /// Sends what is due, each channel through `LANES` sends at once: a send that
    /// waits (Zalo's second between two messages to a chat, its retries after a 403,
    /// Telegram's "retry after") holds one lane of its channel, never another channel.
    /// One chat's messages go one at a time, in order.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) -> Result<()> {
        self.recover().await?;
        let mut recovered_at = tokio::time::Instant::now();
        let lanes: HashMap<Channel, Arc<Semaphore>> = Channel::VARIANTS
            .iter()
            .map(|c| (*c, Arc::new(Semaphore::new(LANES))))
            .collect();
        let flight: Arc<Mutex<InFlight>> = Arc::default();
        let mut sending = JoinSet::new();
        loop {
            if *shutdown.borrow() {
                // What is on the wire finishes; nothing new starts.
                while sending.join_next().await.is_some() {}
                return Ok(());
            }
            if self.db.backend == store::Backend::Postgres && recovered_at.elapsed() > RECOVER_EVERY
            {
                recovered_at = tokio::time::Instant::now();
                if let Err(e) = self.recover().await {
                    tracing::warn!(error = %format!("{e:#}"), "outbox recovery failed");
                }
            }
            while sending.try_join_next().is_some() {}
            let started = match self.start_due(&lanes, &flight, &mut sending).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "outbox unavailable");
                    tokio::time::sleep(IDLE).await;
                    continue;
                }
            };
            if started == 0 {
                tokio::select! {
                    _ = tokio::time::sleep(IDLE) => {}
                    _ = self.wake.notified() => {}
                    _ = shutdown.changed() => {}
                    Some(_) = sending.join_next(), if !sending.is_empty() => {}
                }
            }
        }
    }

    /// Starts a send for each due message of a channel with a free lane whose chat
    /// has nothing in flight; returns how many started.
    async fn start_due(
        &self,
        lanes: &HashMap<Channel, Arc<Semaphore>>,
        flight: &Arc<Mutex<InFlight>>,
        sending: &mut JoinSet<()>,
    ) -> Result<usize> {
        let mut started = 0;
        for (channel, lane) in lanes {
            let free = lane.available_permits();
            if free == 0 {
                continue;
            }
            let due = {
                let mut conn = self.db.read().await?;
                outbox::due_on(&mut conn, *channel, self.clock.now(), (LANES * 4) as i64).await?
            };
            for item in due {
                if !flight.lock().unwrap_or_else(|p| p.into_inner()).take(&item) {
                    continue;
                }
                let Ok(permit) = lane.clone().try_acquire_owned() else {
                    flight
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .done(item.id, &item.to);
                    break;
                };
                let (worker, flight) = (self.clone(), flight.clone());
                sending.spawn(async move {
                    let (id, to) = (item.id, item.to.clone());
                    if let Err(e) = worker.deliver(item).await {
                        // The row stays 'sending': after a restart it counts as
                        // uncertain, never sent twice.
                        tracing::error!(error = %format!("{e:#}"), "delivery outcome not recorded");
                    }
                    flight
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .done(id, &to);
                    drop(permit);
                });
                started += 1;
            }
        }
        Ok(started)
    }

    /// Waits for the message's slot, then takes it: only what is really about to go on
    /// the wire is marked as sending.
    async fn deliver(&self, mut item: outbox::Item) -> Result<()> {
        self.postman.outbox_slot(&item.to).await;
        let claimed = store::retry_transient(|| async {
            let mut tx = self.db.write().await?;
            let now = self.clock.now();
            let mut claimed = outbox::claim(&mut tx, item.id, now).await?;
            // Another message (another instance's) found the person gone meanwhile.
            if claimed && members::chat_gone(&mut tx, &item.to).await? {
                outbox::mark_blocked(&mut tx, item.id, GONE, now).await?;
                claimed = false;
            }
            // A reminder queued at 08:00 that waited (a backlog, Zalo's 403s) is not
            // sent to a unit that handed in meanwhile.
            if claimed && !item.about.is_empty() {
                if let Some(member) = item.member_id {
                    if submissions::handed_in_all(&mut tx, member, &item.about).await? {
                        outbox::mark_lapsed(&mut tx, item.id, HANDED_IN, now).await?;
                        claimed = false;
                    }
                }
            }
            tx.commit().await?;
            Ok(claimed)
        })
        .await?;
        if !claimed {
            return Ok(());
        }
        item.attempts += 1;
        let out = Outgoing {
            to: item.to.clone(),
            lang: item.lang,
            body: Body::Reply(item.reply.clone()),
        };
        let result = self.postman.deliver(&out).await;
        let now = self.clock.now();
        if let Err(DeliveryError::RetryAfter(wait)) = &result {
            self.postman.pause(item.to.channel, *wait).await;
        }
        store::retry_transient(|| self.record(&item, &result, now)).await?;
        if item.broadcast_id.is_some() {
            self.wake.notify_one();
        }
        Ok(())
    }

    /// The outcome and, for the last message of an announcement, its report: one
    /// transaction, so a crash between them cannot lose the report.
    async fn record(
        &self,
        item: &outbox::Item,
        result: &Result<(), DeliveryError>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        let mut tx = self.db.write().await?;
        match result {
            Ok(()) => outbox::mark_sent(&mut tx, item.id, now).await?,
            Err(DeliveryError::Gone(e)) => {
                outbox::mark_blocked(&mut tx, item.id, e, now).await?;
                members::deactivate_chat(&mut tx, &item.to).await?;
            }
            Err(DeliveryError::RetryAfter(wait)) => {
                let when = now + chrono::Duration::from_std(*wait)?;
                outbox::retry_later(&mut tx, item.id, when, "rate limited").await?;
            }
            // Held for a month, a reminder would come weeks after its day.
            Err(DeliveryError::Held { why, .. }) if !item.about.is_empty() => {
                outbox::mark_lapsed(&mut tx, item.id, why, now).await?;
            }
            Err(DeliveryError::Held { until, why }) => {
                outbox::hold(&mut tx, item.id, *until, why).await?;
            }
            Err(DeliveryError::Failed(e)) if item.attempts < MAX_ATTEMPTS => {
                let backoff = chrono::Duration::seconds(1 << item.attempts.min(6));
                outbox::retry_later(&mut tx, item.id, now + backoff, e).await?;
            }
            Err(DeliveryError::Failed(e)) => outbox::mark_failed(&mut tx, item.id, e, now).await?,
        }
        if let Some(b) = item.broadcast_id {
            crate::broadcast::report_if_done(&mut tx, b, now).await?;
        }
        tx.commit().await
    }
}
