//! One turn per message, and its replies delivered: what every channel does with a
//! message once it has translated it. A failing or panicking turn is logged and the
//! person told; it never brings a channel down.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::app::{Answer, App};
use crate::conversation::{Body, Incoming, Outgoing, Reply};
use crate::delivery::postman::Postman;
use crate::domain::member::Address;
use crate::i18n::{tr, Lang};
use crate::metric;

/// See `Turns::in_hand`.
const TURNS_IN_HAND: usize = 64;

/// The app and the postman, shared by every channel of the process.
#[derive(Clone)]
pub struct Turns {
    pub app: App,
    pub postman: Postman,
    /// Turns in hand at once, with their replies, over all channels. The rest wait
    /// their turn in order: a thousand chats writing together then cost a thousand
    /// queued updates, not a thousand open requests and database waits (memory stays
    /// flat, and on SQLite, with one writer, more at once would not go faster).
    in_hand: Arc<Semaphore>,
}

impl Turns {
    pub fn new(app: App, postman: Postman) -> Turns {
        Turns {
            app,
            postman,
            in_hand: Arc::new(Semaphore::new(TURNS_IN_HAND)),
        }
    }

    /// Runs one turn and delivers every message it produced. A failing turn is logged
    /// and the person told; it never brings a channel down.
    pub async fn serve(&self, incoming: Incoming) {
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
        let started = std::time::Instant::now();
        let turn = self.turn(incoming, here.clone(), lang);
        let turn = std::panic::AssertUnwindSafe(Box::pin(turn));
        let outcome = futures::FutureExt::catch_unwind(turn).await;
        let label = match &outcome {
            Ok(true) => "ok",
            Ok(false) => "failed",
            Err(_) => "panicked",
        };
        metrics::counter!(metric::TURNS, "outcome" => label).increment(1);
        metrics::histogram!(metric::TURN_SECONDS).record(started.elapsed().as_secs_f64());
        if let Err(panic) = outcome {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(channel = %here.channel, panic = %what, "a turn panicked; its chat starts over");
            if let Err(e) = self.app.start_over(&here).await {
                tracing::error!(error = %format!("{e:#}"), "could not reset the chat");
            }
            self.reply_all(vec![apology(here, lang, "error.started_over")])
                .await;
        }
    }

    /// Whether the turn itself went through (its replies are delivered either way).
    async fn turn(&self, incoming: Incoming, here: Address, lang: Lang) -> bool {
        let (answers, ok) = match self.app.handle(incoming).await {
            Ok(answers) => (answers, true),
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "turn failed");
                // Nothing of the turn was kept, and nothing before it was lost: the
                // person can simply send it again once there is room.
                let why = if crate::store::is_out_of_space(&e) {
                    "error.out_of_space"
                } else {
                    "error.generic"
                };
                (vec![apology(here, lang, why)], false)
            }
        };
        self.reply_all(answers).await;
        ok
    }

    async fn reply_all(&self, answers: Vec<Answer>) {
        for a in &answers {
            let (db, now) = (&self.app.db, self.app.clock.now());
            if let Err(e) = self.postman.reply(db, now, &a.out, a.receipt).await {
                tracing::error!(channel = %a.out.to.channel, error = %format!("{e:#}"), "reply lost");
            }
        }
    }
}

/// What a person is told when their turn could not be done (no receipt: nothing of
/// the turn was kept).
fn apology(to: Address, lang: Lang, key: &str) -> Answer {
    Answer {
        out: Outgoing {
            to,
            lang,
            body: Body::Reply(Reply::text(tr(lang, key))),
        },
        receipt: None,
    }
}
