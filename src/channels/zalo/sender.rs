//! Sending to Zalo, behind the postman's `Link`: numbered text for choices, long text
//! cut at 2 000 characters, through the bot the chat is with, counted against that
//! bot's month (`delivery::quota`). Errors mean what Zalo documents: 429 is the month's
//! quota spent (the message is held until the month turns, never retried in a loop),
//! 403 is Zalo's internal error (retried by the outbox with back-off; it never says a
//! person left).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::api::ZaloError;
use super::bots::Bots;
use crate::conversation::render;
use crate::conversation::{Body, Outgoing};
use crate::delivery::link::{BoxFuture, DeliveryError, Link};
use crate::delivery::quota::{Take, ZaloQuota, HELD};
use crate::domain::member::Channel;
use crate::i18n::tr;

/// Zalo publishes no per-second limit; one message a second per chat stays clear.
const ZALO_PER_CHAT: Duration = Duration::from_secs(1);
const ZALO_TRIES: u32 = 4;

#[derive(Clone)]
pub struct ZaloSender {
    pub bots: Bots,
    quota: ZaloQuota,
    last_sent: Arc<Mutex<HashMap<String, Instant>>>,
}

impl ZaloSender {
    pub fn new(bots: Bots, quota: ZaloQuota) -> ZaloSender {
        ZaloSender {
            bots,
            quota,
            last_sent: Arc::default(),
        }
    }

    pub async fn deliver(&self, out: &Outgoing) -> Result<(), DeliveryError> {
        let Some((bot, chat)) = self.bots.route(&out.to) else {
            return Err(DeliveryError::Failed(
                "this chat's Zalo bot is not configured (ZALO_BOT_TOKENS)".into(),
            ));
        };
        let text = match &out.body {
            Body::Reply(reply) => render::numbered_text(reply, out.lang),
            // Zalo bots cannot send files: say so instead of failing silently.
            Body::Document { caption, .. } => {
                format!("{caption}\n{}", tr(out.lang, "zalo.no_documents"))
            }
        };
        let parts = crate::channels::split_text(&text, Channel::Zalo.capabilities().max_text);
        let n = parts.len() as u32;
        // All parts or none: a message half sent and then held would be sent again.
        match self.quota.take(&bot.id, n).await {
            Ok(Take::Taken(_)) => {}
            Ok(Take::Spent { until }) => {
                return Err(DeliveryError::Held {
                    until,
                    why: HELD.into(),
                })
            }
            Err(e) => return Err(DeliveryError::Failed(format!("quota unavailable: {e:#}"))),
        }
        for (i, part) in parts.iter().enumerate() {
            // The first part's slot was taken by `ready`.
            if i > 0 {
                self.pace(&out.to.chat_id).await;
            }
            // The first part's failure goes back to the outbox, whose retry survives a
            // restart and asks again whether the message still matters (a reminder to a
            // unit that handed in meanwhile is not sent). Later parts cannot be sent
            // again alone, so they are retried here.
            let sent = if i == 0 {
                bot.client.send_message(chat, part).await
            } else {
                self.send_with_retry(&bot.client, chat, part).await
            };
            let Err(e) = sent else {
                continue;
            };
            let unsent = n - i as u32;
            if let Err(e) = self.quota.give_back(&bot.id, unsent).await {
                tracing::warn!(error = %format!("{e:#}"), "Zalo quota not given back");
            }
            if e.is_quota() {
                tracing::warn!(bot = %bot.id, error = %e, "Zalo refused: the month's quota is spent");
                let until = self
                    .quota
                    .spent(&bot.id)
                    .await
                    .map_err(|e| DeliveryError::Failed(format!("quota unavailable: {e:#}")))?;
                // The one reason a raised limit looks for (`ZaloQuota::release_if_room`).
                return Err(DeliveryError::Held {
                    until,
                    why: HELD.into(),
                });
            }
            return Err(DeliveryError::Failed(e.to_string()));
        }
        Ok(())
    }

    /// Reserves this chat's next slot, then waits for it without holding the lock, so
    /// other chats are not held up.
    async fn pace(&self, chat_id: &str) {
        let ready = {
            let mut last = self.last_sent.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            if last.len() > 10_000 {
                last.retain(|_, at| *at + ZALO_PER_CHAT > now);
            }
            let ready = last
                .get(chat_id)
                .map(|at| *at + ZALO_PER_CHAT)
                .filter(|r| *r > now)
                .unwrap_or(now);
            last.insert(chat_id.to_string(), ready);
            ready
        };
        tokio::time::sleep_until(ready).await;
    }

    async fn send_with_retry(
        &self,
        client: &super::api::ZaloClient,
        chat_id: &str,
        text: &str,
    ) -> Result<(), ZaloError> {
        let mut wait = Duration::from_secs(1);
        for attempt in 1..=ZALO_TRIES {
            match client.send_message(chat_id, text).await {
                Err(e) if e.is_transient() && attempt < ZALO_TRIES => {
                    tracing::warn!(error = %e, attempt, "Zalo send failed; retrying");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                other => return other,
            }
        }
        unreachable!("the last attempt returns")
    }
}

impl Link for ZaloSender {
    fn channel(&self) -> Channel {
        Channel::Zalo
    }

    fn deliver<'a>(&'a self, out: &'a Outgoing) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(ZaloSender::deliver(self, out))
    }

    fn ready<'a>(&'a self, to: &'a crate::domain::member::Address) -> BoxFuture<'a, ()> {
        Box::pin(self.pace(&to.chat_id))
    }

    fn fetch<'a>(&'a self, file_id: &'a str, max: u64) -> BoxFuture<'a, anyhow::Result<Vec<u8>>> {
        Box::pin(async move {
            match self.bots.all.first() {
                Some(bot) => bot.client.download(file_id, max).await,
                None => anyhow::bail!("no Zalo bot"),
            }
        })
    }
}
