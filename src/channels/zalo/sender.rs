//! Sending to Zalo, behind the postman's `Link`: numbered text for choices, long text
//! cut at 2 000 characters, a pause between messages to one chat, retries with
//! back-off on transient errors.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::api::{ZaloClient, ZaloError};
use crate::conversation::render;
use crate::conversation::{Body, Outgoing};
use crate::delivery::link::{BoxFuture, DeliveryError, Link};
use crate::domain::member::Channel;
use crate::i18n::tr;

/// Zalo publishes no limits; one message a second per chat stays well clear.
const ZALO_PER_CHAT: Duration = Duration::from_secs(1);
const ZALO_TRIES: u32 = 4;

#[derive(Clone)]
pub struct ZaloSender {
    pub client: ZaloClient,
    last_sent: Arc<Mutex<HashMap<String, Instant>>>,
}

impl ZaloSender {
    pub fn new(client: ZaloClient) -> ZaloSender {
        ZaloSender {
            client,
            last_sent: Arc::default(),
        }
    }

    pub async fn deliver(&self, out: &Outgoing) -> Result<(), ZaloError> {
        let text = match &out.body {
            Body::Reply(reply) => render::numbered_text(reply, out.lang),
            // Zalo bots cannot send files: say so instead of failing silently.
            Body::Document { caption, .. } => {
                format!("{caption}\n{}", tr(out.lang, "zalo.no_documents"))
            }
        };
        for part in crate::channels::split_text(&text, Channel::Zalo.capabilities().max_text) {
            self.pace(&out.to.chat_id).await;
            self.send_with_retry(&out.to.chat_id, &part).await?;
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

    async fn send_with_retry(&self, chat_id: &str, text: &str) -> Result<(), ZaloError> {
        let mut wait = Duration::from_secs(1);
        for attempt in 1..=ZALO_TRIES {
            match self.client.send_message(chat_id, text).await {
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
        Box::pin(async move {
            ZaloSender::deliver(self, out).await.map_err(|e| {
                if e.is_gone() {
                    DeliveryError::Gone(e.to_string())
                } else if e.is_transient() {
                    DeliveryError::RetryAfter(Duration::from_secs(1))
                } else {
                    DeliveryError::Failed(e.to_string())
                }
            })
        })
    }

    fn fetch<'a>(&'a self, file_id: &'a str, max: u64) -> BoxFuture<'a, anyhow::Result<Vec<u8>>> {
        Box::pin(self.client.download(file_id, max))
    }
}
