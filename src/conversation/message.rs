//! What a channel hands in (`Incoming`) and gets out (`Outgoing`): the envelope of one
//! message around the conversation, the same for every channel. Channels translate
//! their platform's updates into these and render these back; `app` runs the turn.

use anyhow::Result;

use super::Reply;
use crate::domain::member::{Address, Channel};
use crate::i18n::Lang;

#[derive(Debug, Clone)]
pub enum RawInput {
    Text(String),
    /// A pressed button's data.
    Button(String),
    /// A document or a photo: what a submission is made of.
    File(IncomingFile),
    /// A sticker, voice, location... anything that is neither text nor a file.
    Unsupported,
}

/// A file someone sent, as the channel describes it; fetched only when wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingFile {
    /// The channel's id for it (Telegram file_id); a URL where that is all there is (Zalo).
    pub file_id: String,
    pub name: String,
    pub mime: Option<String>,
    /// Bytes, when the channel says so before download.
    pub size: Option<u64>,
}

/// Brings a file's bytes from the channel it arrived on, refusing more than `max`.
pub trait FileSource: Send + Sync {
    fn fetch<'a>(
        &'a self,
        channel: Channel,
        file: &'a IncomingFile,
        max: u64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<u8>>> + Send + 'a>>;
}

#[derive(Debug, Clone)]
pub struct Incoming {
    pub channel: Channel,
    pub user_id: String,
    pub chat_id: String,
    pub display_name: String,
    pub language_code: Option<String>,
    /// The channel's update id where it has one: a redelivered update is ignored.
    pub update_id: Option<i64>,
    /// The message's own id where updates have no ordered id (Zalo): the same message
    /// delivered twice in a row is ignored.
    pub message_id: Option<String>,
    pub input: RawInput,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Reply(Reply),
    Document {
        file_name: String,
        bytes: Vec<u8>,
        caption: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub to: Address,
    pub lang: Lang,
    pub body: Body,
}
