//! The outbox worker: delivers queued announcements, reminders and notices at a pace
//! the platforms accept, survives crashes without sending a second copy, and tells
//! a broadcast's author how it went.

pub mod rate;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use tokio::sync::{watch, Notify};

use crate::app::{Body, Outgoing};
use crate::channels::postman::{DeliveryError, Postman};
use crate::clock::Clock;
use crate::store::{members, outbox, Db};
use rate::RateLimiter;

/// Telegram allows about 30 messages a second overall.
pub const DEFAULT_RATE: u32 = 30;
const MAX_ATTEMPTS: i64 = 5;
const IDLE: Duration = Duration::from_millis(500);

#[derive(Clone)]
pub struct Worker {
    pub db: Db,
    pub postman: Postman,
    pub clock: Clock,
    limiter: Arc<RateLimiter>,
    /// Poked when something is queued, so delivery starts at once.
    pub wake: Arc<Notify>,
}

impl Worker {
    pub fn new(db: Db, postman: Postman, clock: Clock, per_second: u32) -> Worker {
        Worker {
            db,
            postman,
            clock,
            limiter: Arc::new(RateLimiter::new(per_second)),
            wake: Arc::new(Notify::new()),
        }
    }

    pub async fn run(self, mut shutdown: watch::Receiver<bool>) -> Result<()> {
        let interrupted = outbox::recover_interrupted(&self.db).await?;
        if interrupted > 0 {
            tracing::warn!(
                interrupted,
                "messages interrupted by a crash are not sent again"
            );
        }
        loop {
            if *shutdown.borrow() {
                return Ok(());
            }
            match outbox::claim_next(&self.db, self.clock.now()).await {
                Ok(Some(item)) => self.deliver(item).await?,
                Ok(None) => {
                    tokio::select! {
                        _ = tokio::time::sleep(IDLE) => {}
                        _ = self.wake.notified() => {}
                        _ = shutdown.changed() => {}
                    }
                }
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "outbox unavailable");
                    tokio::time::sleep(IDLE).await;
                }
            }
        }
    }

    async fn deliver(&self, item: outbox::Item) -> Result<()> {
        self.limiter.acquire(&item.to).await;
        let out = Outgoing {
            to: item.to.clone(),
            lang: item.lang,
            body: Body::Reply(item.reply.clone()),
        };
        let result = self.postman.deliver(&out).await;
        let now = self.clock.now();
        match result {
            Ok(()) => outbox::mark_sent(&self.db, item.id, now).await?,
            Err(DeliveryError::Gone(e)) => {
                outbox::mark_blocked(&self.db, item.id, &e, now).await?;
                members::deactivate_chat(&self.db, &item.to).await?;
            }
            Err(DeliveryError::RetryAfter(wait)) => {
                self.limiter.pause(wait);
                let when = now + chrono::Duration::from_std(wait)?;
                outbox::retry_later(&self.db, item.id, when, "rate limited").await?;
            }
            Err(DeliveryError::Failed(e)) if item.attempts < MAX_ATTEMPTS => {
                let backoff = chrono::Duration::seconds(1 << item.attempts.min(6));
                outbox::retry_later(&self.db, item.id, now + backoff, &e).await?;
            }
            Err(DeliveryError::Failed(e)) => {
                outbox::mark_failed(&self.db, item.id, &e, now).await?
            }
        }
        if let Some(b) = item.broadcast_id {
            crate::broadcast::report_if_done(&self.db, b, now).await?;
            self.wake.notify_one();
        }
        Ok(())
    }
}
