//! Delivers what a turn says to whichever channel each message is addressed to: a
//! chair writing on Zalo notifies staff on Telegram and the other way round. It knows
//! channels only as `Link`s; which ones there are is the composition root's business.

use std::collections::HashMap;
use std::sync::Arc;

use super::link::{DeliveryError, Link};
use super::receipts::Receipts;
use crate::conversation::Reply;
use crate::conversation::{Body, FileSource, IncomingFile, Outgoing};
use crate::delivery::rate::RateLimiter;
use crate::domain::member::{Address, Channel};
use crate::i18n::trf;
use crate::metric;
use crate::store::outbox::{self, NewItem};
use crate::store::{members, Db};

/// A reply that meets "retry after" waits and goes again; past this many, it is handed
/// to the outbox, which keeps trying.
const REPLY_TRIES: u32 = 3;

#[derive(Clone)]
pub struct Postman {
    /// The running channels, each behind its link.
    links: HashMap<Channel, Arc<dyn Link>>,
    /// The bot's sending budget, shared by direct replies and the outbox worker.
    pub budget: Arc<RateLimiter>,
    /// With several instances on one database, the budget they share (see
    /// `store::budget`): every message also takes a slot there.
    shared: Option<Shared>,
    /// Claims and marks turns' answers in batches, on the database of the first.
    receipts: Arc<std::sync::OnceLock<super::receipts::Receipts>>,
}

#[derive(Clone)]
struct Shared {
    db: Db,
    interval_us: i64,
}

impl Default for Postman {
    fn default() -> Postman {
        Postman::new(crate::delivery::DEFAULT_RATE)
    }
}

impl Postman {
    pub fn new(per_second: u32) -> Postman {
        Postman {
            links: HashMap::new(),
            shared: None,
            budget: Arc::new(RateLimiter::new(per_second)),
            receipts: Arc::default(),
        }
    }

    /// Paces with the other instances on `db` at `per_second` overall.
    pub fn sharing_budget(mut self, db: Db, per_second: u32) -> Postman {
        let interval_us = super::rate::spacing(per_second).as_micros() as i64;
        self.shared = Some(Shared { db, interval_us });
        self
    }

    /// The slot of a direct reply on `channel`: the next one overall, ahead of the
    /// outbox's.
    pub async fn reply_slot(&self, channel: Channel) {
        self.budget.acquire_reply(channel).await;
        self.shared_slot(channel).await;
    }

    /// The slot of an outbox message to `to` (also spaced per chat).
    pub async fn outbox_slot(&self, to: &Address) {
        self.budget.acquire(to).await;
        self.shared_slot(to.channel).await;
        self.ready(to).await;
    }

    /// The channel's own wait for this chat (Zalo: a second between two messages).
    async fn ready(&self, to: &Address) {
        if let Some(link) = self.links.get(&to.channel) {
            link.ready(to).await;
        }
    }

    /// The slot every instance shares, on a channel whose platform caps the bot
    /// overall.
    async fn shared_slot(&self, channel: Channel) {
        let Some(shared) = self
            .shared
            .as_ref()
            .filter(|_| channel.capabilities().overall_limit)
        else {
            return;
        };
        let reserved = async {
            let mut conn = shared.db.read().await?;
            crate::store::budget::reserve(&mut conn, chrono::Utc::now(), shared.interval_us).await
        };
        match reserved.await {
            Ok(at) => {
                if let Ok(wait) = (at - chrono::Utc::now()).to_std() {
                    tokio::time::sleep(wait).await;
                }
            }
            // The database is away: this process's own pace still holds.
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "shared send budget unavailable"),
        }
    }

    /// The channel's platform said "retry after": this process and, when shared,
    /// every instance.
    pub async fn pause(&self, channel: Channel, wait: std::time::Duration) {
        self.budget.pause(channel, wait);
        if let Some(shared) = self
            .shared
            .as_ref()
            .filter(|_| channel.capabilities().overall_limit)
        {
            let until = chrono::Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
            let held = async {
                let mut conn = shared.db.read().await?;
                crate::store::budget::hold_until(&mut conn, until, shared.interval_us).await
            };
            if let Err(e) = held.await {
                tracing::warn!(error = %format!("{e:#}"), "shared send budget unavailable");
            }
        }
    }

    /// Delivers through `link` to its channel from now on.
    pub fn with_link(mut self, link: Arc<dyn Link>) -> Postman {
        self.links.insert(link.channel(), link);
        self
    }

    /// A direct answer to someone who just wrote: it takes the next slot of the sending
    /// budget (ahead of the outbox, which books one slot at a time), waits out "retry
    /// after" and goes again; if it still cannot go, the outbox takes it over: its
    /// `receipt` row (written with the turn) when it has one, a new row otherwise.
    pub async fn reply(
        &self,
        db: &Db,
        now: chrono::DateTime<chrono::Utc>,
        out: &Outgoing,
        receipt: Option<i64>,
    ) -> anyhow::Result<()> {
        let mut why = String::new();
        let receipts = receipt.map(|id| {
            let batch = self.receipts.get_or_init(|| Receipts::start(db.clone()));
            (id, batch)
        });
        for attempt in 0..REPLY_TRIES {
            self.reply_slot(out.to.channel).await;
            self.ready(&out.to).await;
            if let Some((id, batch)) = receipts.filter(|_| attempt == 0) {
                if !batch.take(id, now).await {
                    return Ok(()); // the outbox took it over: it sends it
                }
            }
            match self.deliver(out).await {
                Ok(()) => {
                    if let Some((id, batch)) = receipts {
                        batch.sent(id, now);
                    }
                    return Ok(());
                }
                Err(DeliveryError::Gone(e)) => {
                    tracing::info!(channel = %out.to.channel, error = %e, "recipient gone; marked inactive");
                    let mut tx = db.write().await?;
                    members::deactivate_chat(&mut tx, &out.to).await?;
                    if let Some(id) = receipt {
                        outbox::mark_blocked(&mut tx, id, &e, now).await?;
                    }
                    return tx.commit().await;
                }
                Err(DeliveryError::RetryAfter(wait)) => {
                    self.pause(out.to.channel, wait).await;
                    why = format!("rate limited, retry after {wait:?}");
                    tokio::time::sleep(wait).await;
                }
                Err(DeliveryError::Failed(e)) => {
                    why = e;
                    break;
                }
                Err(DeliveryError::Held { until, why }) => {
                    return self.hold_reply(db, (now, until), out, receipt, &why).await;
                }
            }
        }
        tracing::warn!(channel = %out.to.channel, error = %why, "reply handed to the outbox");
        match receipt {
            Some(id) => {
                let mut tx = db.write().await?;
                outbox::hand_over(&mut tx, id).await?;
                tx.commit().await
            }
            None => self.queue_reply(db, now, out, None).await,
        }
    }

    /// A reply that cannot go before `until`: queued to go then.
    async fn hold_reply(
        &self,
        db: &Db,
        (now, until): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
        out: &Outgoing,
        receipt: Option<i64>,
        why: &str,
    ) -> anyhow::Result<()> {
        tracing::warn!(channel = %out.to.channel, error = %why, until = %until, "reply held");
        match receipt {
            Some(id) => {
                let mut tx = db.write().await?;
                outbox::hold(&mut tx, id, until, why).await?;
                tx.commit().await
            }
            None => self.queue_reply(db, now, out, Some((until, why))).await,
        }
    }

    /// The reply into the outbox, to go when it can (`held`: not before then). A file
    /// is not queued (it may be megabytes): the person is told to ask for it again.
    async fn queue_reply(
        &self,
        db: &Db,
        now: chrono::DateTime<chrono::Utc>,
        out: &Outgoing,
        held: Option<(chrono::DateTime<chrono::Utc>, &str)>,
    ) -> anyhow::Result<()> {
        let apology;
        let reply = match &out.body {
            Body::Reply(reply) => reply,
            Body::Document { file_name, .. } => {
                let text = trf(out.lang, "error.document_failed", &[("file", file_name)]);
                apology = Reply::text(text);
                &apology
            }
        };
        let mut tx = db.write().await?;
        let item = NewItem::answer(&out.to, out.lang, reply);
        let id = outbox::enqueue(&mut tx, &item, now).await?;
        if let Some((until, why)) = held {
            outbox::hold(&mut tx, id, until, why).await?;
        }
        tx.commit().await
    }

    pub async fn deliver(&self, out: &Outgoing) -> Result<(), DeliveryError> {
        let result = match self.links.get(&out.to.channel) {
            Some(link) => link.deliver(out).await,
            // The console prints its own answers; nothing reaches it from elsewhere.
            None if out.to.channel == Channel::Console => return Ok(()),
            None => Err(DeliveryError::Failed(format!(
                "{} is not running",
                out.to.channel
            ))),
        };
        let label = match &result {
            Ok(()) => "ok",
            Err(DeliveryError::RetryAfter(_)) => "429",
            Err(DeliveryError::Gone(_)) => "blocked",
            Err(DeliveryError::Failed(_)) => "failed",
            Err(DeliveryError::Held { .. }) => "held",
        };
        metrics::counter!(metric::DELIVERIES, "result" => label).increment(1);
        result
    }
}

impl FileSource for Postman {
    fn fetch<'a>(
        &'a self,
        channel: Channel,
        file: &'a IncomingFile,
        max: u64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<Vec<u8>>> + Send + 'a>>
    {
        Box::pin(async move {
            match self.links.get(&channel) {
                Some(link) => link.fetch(&file.file_id, max).await,
                None => anyhow::bail!("{channel} has no files here"),
            }
        })
    }
}
