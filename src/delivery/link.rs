//! What a channel does for delivery: send a message (a reply with its choices, or a
//! file) to one of its chats, and bring a file someone sent. Telegram and Zalo each
//! implement it in `channels/`; the postman and the outbox know no channel by name.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::conversation::Outgoing;
use crate::domain::member::Channel;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

#[derive(Debug)]
pub enum DeliveryError {
    /// Blocked the bot or left the platform: stop writing until they write again.
    Gone(String),
    /// The platform asked to slow down.
    RetryAfter(Duration),
    /// Nothing can go this way before `until` (a Zalo bot's month is spent): the
    /// message waits, its tries not counted.
    Held {
        until: chrono::DateTime<chrono::Utc>,
        why: String,
    },
    Failed(String),
}

pub trait Link: Send + Sync {
    fn channel(&self) -> Channel;
    /// One message, rendered as the channel's capabilities allow
    /// (`Channel::capabilities`).
    fn deliver<'a>(&'a self, out: &'a Outgoing) -> BoxFuture<'a, Result<(), DeliveryError>>;
    /// Waits until a message to `to` may go (a channel that paces each chat), so a
    /// sender claims its message only once nothing stands between it and the wire.
    fn ready<'a>(&'a self, _to: &'a crate::domain::member::Address) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
    /// A file's bytes by the channel's id for it, refusing more than `max`.
    fn fetch<'a>(&'a self, file_id: &'a str, max: u64) -> BoxFuture<'a, anyhow::Result<Vec<u8>>>;
}
