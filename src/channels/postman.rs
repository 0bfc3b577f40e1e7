//! Delivers what a turn says to whichever channel each message is addressed to: a
//! chair writing on Zalo notifies staff on Telegram and the other way round.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::zalo::api::{ZaloClient, ZaloError, MAX_TEXT as ZALO_MAX_TEXT};
use crate::app::{App, Body, FileSource, Incoming, IncomingFile, Outgoing};
use crate::conversation::{render, Reply};
use crate::delivery::rate::RateLimiter;
use crate::domain::member::{Address, Channel};
use crate::i18n::{tr, trf, Lang};
use crate::store::outbox::{self, NewItem, Purpose};
use crate::store::{members, Db};

/// Zalo publishes no limits; one message a second per chat stays well clear.
const ZALO_PER_CHAT: Duration = Duration::from_secs(1);
const ZALO_TRIES: u32 = 4;
/// A reply that meets "retry after" waits and goes again; past this many, it is handed
/// to the outbox, which keeps trying.
const REPLY_TRIES: u32 = 3;

#[derive(Debug)]
pub enum DeliveryError {
    /// Blocked the bot or left the platform: stop writing until they write again.
    Gone(String),
    /// The platform asked to slow down.
    RetryAfter(Duration),
    Failed(String),
}

#[derive(Clone)]
pub struct Postman {
    pub telegram: Option<teloxide::Bot>,
    pub zalo: Option<ZaloSender>,
    /// The bot's sending budget, shared by direct replies and the outbox worker.
    pub budget: Arc<RateLimiter>,
    /// Turns in hand at once, with their replies. The rest wait their turn in order:
    /// a thousand chats writing together then cost a thousand queued updates, not a
    /// thousand open requests and database waits (memory stays flat, and on SQLite,
    /// with one writer, more at once would not go faster).
    in_hand: Arc<tokio::sync::Semaphore>,
}

/// See `Postman::in_hand`.
const TURNS_IN_HAND: usize = 64;

impl Default for Postman {
    fn default() -> Postman {
        Postman::new(crate::delivery::DEFAULT_RATE)
    }
}

impl Postman {
    pub fn new(per_second: u32) -> Postman {
        Postman {
            telegram: None,
            zalo: None,
            budget: Arc::new(RateLimiter::new(per_second)),
            in_hand: Arc::new(tokio::sync::Semaphore::new(TURNS_IN_HAND)),
        }
    }

    /// Runs one turn and delivers every message it produced. A failing turn is logged
    /// and the person told; it never brings a channel down.
    pub async fn serve(&self, app: &App, incoming: Incoming) {
        let Ok(_in_hand) = self.in_hand.acquire().await else {
            return; // never closed
        };
        let here = Address {
            channel: incoming.channel,
            chat_id: incoming.chat_id.clone(),
        };
        let lang = Lang::from_client(incoming.language_code.as_deref());
        // A turn's future is large: boxed, it exists only for the turns in hand, not
        // for every chat waiting for a place. A panic in it stays in it: the other
        // chats never notice, and this one starts over instead of meeting it again.
        let turn = self.turn(app, incoming, here.clone(), lang);
        let turn = std::panic::AssertUnwindSafe(Box::pin(turn));
        if let Err(panic) = futures::FutureExt::catch_unwind(turn).await {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(channel = %here.channel, panic = %what, "a turn panicked; its chat starts over");
            if let Err(e) = app.start_over(&here).await {
                tracing::error!(error = %format!("{e:#}"), "could not reset the chat");
            }
            self.reply_all(app, &[apology(here, lang, "error.started_over")])
                .await;
        }
    }

    async fn turn(&self, app: &App, incoming: Incoming, here: Address, lang: Lang) {
        let outgoing = match app.handle(incoming).await {
            Ok(out) => out,
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "turn failed");
                vec![apology(here, lang, "error.generic")]
            }
        };
        self.reply_all(app, &outgoing).await;
    }

    async fn reply_all(&self, app: &App, outgoing: &[Outgoing]) {
        for out in outgoing {
            if let Err(e) = self.reply(&app.db, app.clock.now(), out).await {
                tracing::error!(channel = %out.to.channel, error = %format!("{e:#}"), "reply lost");
            }
        }
    }

    /// A direct answer to someone who just wrote: it takes the next slot of the sending
    /// budget (ahead of the outbox, which books one slot at a time), waits out "retry
    /// after" and goes again; if it still cannot go, the outbox takes it over.
    async fn reply(
        &self,
        db: &Db,
        now: chrono::DateTime<chrono::Utc>,
        out: &Outgoing,
    ) -> anyhow::Result<()> {
        let mut why = String::new();
        for _ in 0..REPLY_TRIES {
            self.budget.acquire_reply().await;
            match self.deliver(out).await {
                Ok(()) => return Ok(()),
                Err(DeliveryError::Gone(e)) => {
                    tracing::info!(channel = %out.to.channel, error = %e, "recipient gone; marked inactive");
                    let mut tx = db.write().await?;
                    members::deactivate_chat(&mut tx, &out.to).await?;
                    return tx.commit().await;
                }
                Err(DeliveryError::RetryAfter(wait)) => {
                    self.budget.pause(wait);
                    why = format!("rate limited, retry after {wait:?}");
                    tokio::time::sleep(wait).await;
                }
                Err(DeliveryError::Failed(e)) => {
                    why = e;
                    break;
                }
            }
        }
        // A file that cannot go is not queued (it may be megabytes); the person is told,
        // through the outbox, to ask for it again.
        let apology;
        let reply = match &out.body {
            Body::Reply(reply) => reply,
            Body::Document { file_name, .. } => {
                let text = trf(out.lang, "error.document_failed", &[("file", file_name)]);
                apology = Reply::text(text);
                &apology
            }
        };
        tracing::warn!(channel = %out.to.channel, error = %why, "reply handed to the outbox");
        let mut tx = db.write().await?;
        let item = NewItem {
            to: out.to.clone(),
            member_id: None,
            lang: out.lang,
            reply,
            purpose: Purpose::Reply,
            broadcast_id: None,
        };
        outbox::enqueue(&mut tx, &item, now).await?;
        tx.commit().await
    }

    pub async fn deliver(&self, out: &Outgoing) -> Result<(), DeliveryError> {
        match out.to.channel {
            Channel::Telegram => match &self.telegram {
                Some(bot) => super::telegram::deliver(bot, out)
                    .await
                    .map_err(|e| match &e {
                        teloxide::RequestError::RetryAfter(wait) => {
                            DeliveryError::RetryAfter(wait.duration())
                        }
                        e if super::telegram::is_gone(e) => DeliveryError::Gone(e.to_string()),
                        e => DeliveryError::Failed(e.to_string()),
                    }),
                None => Err(DeliveryError::Failed("Telegram is not running".into())),
            },
            Channel::Zalo => match &self.zalo {
                Some(z) => z.deliver(out).await.map_err(|e| {
                    if e.is_gone() {
                        DeliveryError::Gone(e.to_string())
                    } else if e.is_transient() {
                        DeliveryError::RetryAfter(Duration::from_secs(1))
                    } else {
                        DeliveryError::Failed(e.to_string())
                    }
                }),
                None => Err(DeliveryError::Failed("Zalo is not running".into())),
            },
            // The console prints its own answers; nothing reaches it from elsewhere.
            Channel::Console => Ok(()),
        }
    }
}

/// Sends to Zalo: numbered text for choices, long text cut at 2 000 characters, a
/// pause between messages to one chat, retries with back-off on transient errors.
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
        for part in super::split_text(&text, ZALO_MAX_TEXT) {
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

impl FileSource for Postman {
    fn fetch<'a>(
        &'a self,
        channel: Channel,
        file: &'a IncomingFile,
        max: u64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<Vec<u8>>> + Send + 'a>>
    {
        Box::pin(async move {
            match channel {
                Channel::Telegram => match &self.telegram {
                    Some(bot) => super::telegram::fetch(bot, &file.file_id, max).await,
                    None => anyhow::bail!("Telegram is not running"),
                },
                Channel::Zalo => match &self.zalo {
                    Some(z) => z.client.download(&file.file_id, max).await,
                    None => anyhow::bail!("Zalo is not running"),
                },
                Channel::Console => anyhow::bail!("the console has no files"),
            }
        })
    }
}

/// What a person is told when their turn could not be done.
fn apology(to: Address, lang: Lang, key: &str) -> Outgoing {
    Outgoing {
        to,
        lang,
        body: Body::Reply(Reply::text(tr(lang, key))),
    }
}
