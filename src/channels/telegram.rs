//! Telegram by long polling, or by webhook when a public URL is set; each chat served
//! in order and chats side by side. Translates updates into `Incoming` and renders
//! replies with inline buttons; everything else is the app's business.

use anyhow::{Context, Result};
use futures::StreamExt;
use teloxide::prelude::*;
use teloxide::types::{
    AllowedUpdate, BotCommand, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup,
    InputFile, Message, Update, UpdateKind,
};
use teloxide::update_listeners::{AsUpdateStream, Polling, UpdateListener};
use teloxide::{ApiError, RequestError};

use std::sync::Arc;
use tokio::sync::watch;

use super::per_chat::PerChat;
use super::turns::Turns;
use crate::app::{menu, App};
use crate::channels::health::{Health, Mode};
use crate::channels::webhook::WebhookConfig;
use crate::conversation::{Action, Reply};
use crate::conversation::{Body, Incoming, IncomingFile, Outgoing, RawInput};
use crate::delivery::link::{BoxFuture, DeliveryError, Link};
use crate::domain::member::Channel;
use crate::i18n::{tr, Lang};
use crate::store::settings;

pub fn bot(token: &str, api_url: Option<&str>) -> Result<Bot> {
    let bot = Bot::new(token);
    Ok(match api_url {
        Some(url) => bot.set_api_url(url.parse().context("TELOXIDE_API_URL is not a URL")?),
        None => bot,
    })
}

/// Checks the token and sets the command menu, in both modes.
async fn start(app: &App, bot: &Bot) -> Result<()> {
    let me = bot
        .get_me()
        .await
        .context("Telegram refused the bot token (getMe failed)")?;
    if let Some(username) = &me.user.username {
        let mut tx = app.db.write().await?;
        settings::set_value(&mut tx, settings::TELEGRAM_USERNAME, username).await?;
        tx.commit().await?;
    }
    tracing::info!(bot = ?me.user.username, "Telegram channel started");
    for lang in Lang::ALL {
        let commands: Vec<BotCommand> = menu()
            .map(|(cmd, key)| BotCommand::new(cmd, tr(lang, key)))
            .collect();
        let mut req = bot.set_my_commands(commands);
        if lang != Lang::default() {
            req = req.language_code(lang.code());
        }
        if let Err(e) = req.await {
            tracing::warn!(error = %e, "setMyCommands failed; the menu may be outdated");
        }
    }
    Ok(())
}

/// Starts receiving: by webhook when one is configured, else by long polling.
pub async fn receive(
    bot: Bot,
    webhook: Option<&WebhookConfig>,
    w: super::Wiring,
) -> Result<super::Receiving> {
    Ok(match webhook {
        Some(hook) => {
            let (route, chats) = webhook_route(w.turns, bot, hook, w.health).await?;
            super::Receiving::Webhook { route, chats }
        }
        None => super::Receiving::Polling(Box::pin(poll(w.turns, bot, w.health, w.stopped))),
    })
}

/// Long polling until `shutdown` turns true; the updates in hand are finished first.
async fn poll(
    turns: Turns,
    bot: Bot,
    health: Arc<Health>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<()> {
    start(&turns.app, &bot).await?;
    let clock = turns.app.clock.clone();
    health.started(Channel::Telegram, Mode::Polling, clock.now());
    // Our own loop over the updates instead of teloxide's dispatcher: the same
    // per-chat serving as Zalo, whose waiting chats cost a small queue entry each.
    // Starting to poll deletes a webhook left from webhook mode.
    let mut updates = Polling::builder(bot.clone())
        .timeout(std::time::Duration::from_secs(25))
        .delete_webhook()
        .await
        .build();
    let stop = updates.stop_token();
    tokio::spawn(async move {
        while !*shutdown.borrow() {
            if shutdown.changed().await.is_err() {
                break;
            }
        }
        stop.stop();
    });
    let chats = PerChat::new(turns);
    let stream = updates.as_stream();
    tokio::pin!(stream);
    while let Some(update) = stream.next().await {
        match update {
            Ok(update) => {
                health.heard(Channel::Telegram, clock.now());
                if let Some(inc) = incoming(&bot, update) {
                    chats.submit(inc);
                }
            }
            Err(e) => {
                health.failed(Channel::Telegram, clock.now());
                tracing::warn!(error = %e, "getUpdates failed");
            }
        }
    }
    chats.finish().await;
    Ok(())
}

/// Telegram's header carrying the `secret_token` given to setWebhook.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

#[derive(Clone)]
struct Hook {
    bot: Bot,
    secret: String,
    chats: Arc<PerChat>,
    health: Arc<Health>,
    clock: crate::clock::Clock,
}

/// Webhook mode: sets the webhook (with its secret) and returns the route for the
/// process's one HTTP server, with the chats it serves (finished after the server
/// stops). Stopping does not delete the webhook: another instance behind the same
/// URL may still be serving it.
async fn webhook_route(
    turns: Turns,
    bot: Bot,
    cfg: &WebhookConfig,
    health: Arc<Health>,
) -> Result<(axum::Router, Arc<PerChat>)> {
    let path = cfg.path()?;
    start(&turns.app, &bot).await?;
    let url = cfg
        .url
        .parse()
        .context("TELEGRAM_WEBHOOK_URL is not a URL")?;
    bot.set_webhook(url)
        .secret_token(cfg.secret.clone())
        .allowed_updates(vec![AllowedUpdate::Message, AllowedUpdate::CallbackQuery])
        .await
        .context("Telegram refused setWebhook")?;
    let clock = turns.app.clock.clone();
    health.started(Channel::Telegram, Mode::Webhook, clock.now());
    tracing::info!(path = %path, "Telegram webhook set");
    let chats = Arc::new(PerChat::new(turns));
    let hook = Hook {
        bot,
        secret: cfg.secret.clone(),
        chats: chats.clone(),
        health,
        clock,
    };
    let router = axum::Router::new()
        .route(&path, axum::routing::post(on_call))
        .with_state(hook);
    Ok((router, chats))
}

async fn on_call(
    axum::extract::State(hook): axum::extract::State<Hook>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> axum::http::StatusCode {
    use axum::http::StatusCode;
    if !crate::channels::webhook::has_secret(&headers, SECRET_HEADER, &hook.secret) {
        tracing::warn!("Telegram webhook call without the right secret token refused");
        return StatusCode::UNAUTHORIZED;
    }
    hook.health.heard(Channel::Telegram, hook.clock.now());
    match serde_json::from_slice::<Update>(&body) {
        Ok(update) => {
            let Some(inc) = incoming(&hook.bot, update) else {
                return StatusCode::OK;
            };
            // Answered once the turn is done: an instance killed before that leaves
            // the call unanswered, and Telegram (or the load balancer) gives the
            // update to another instance.
            match hook.chats.submit_and_wait(inc).await {
                Ok(()) => StatusCode::OK,
                Err(_) => StatusCode::SERVICE_UNAVAILABLE,
            }
        }
        Err(e) => {
            // Answered 200 all the same: Telegram would otherwise send it again and
            // again, and an update we cannot read will not read better later.
            tracing::warn!(error = %e, "unreadable Telegram update skipped");
            StatusCode::OK
        }
    }
}

/// What an update means for a turn; `None` for what the bot does not serve (groups,
/// edits, channel posts).
fn incoming(bot: &Bot, update: Update) -> Option<Incoming> {
    let update_id = Some(i64::from(update.id.0));
    match update.kind {
        UpdateKind::Message(msg) => from_message(bot, update_id, msg),
        UpdateKind::CallbackQuery(q) => from_button(bot, update_id, q),
        _ => None,
    }
}

fn from_message(bot: &Bot, update_id: Option<i64>, msg: Message) -> Option<Incoming> {
    let user = msg.from.as_ref()?;
    if !msg.chat.is_private() {
        // Dialogues are per chat: a form in a group would mix everyone's answers.
        if msg.text().is_some_and(|t| t.starts_with('/')) {
            let lang = Lang::from_client(user.language_code.as_deref());
            let req = bot.send_message(msg.chat.id, tr(lang, "telegram.private_only"));
            tokio::spawn(async move {
                if let Err(e) = req.await {
                    tracing::debug!(error = %e, "group answer failed");
                }
            });
        }
        return None;
    }
    let input = if let Some(t) = msg.text() {
        RawInput::Text(t.to_string())
    } else if let Some(doc) = msg.document() {
        RawInput::File(IncomingFile {
            file_id: doc.file.id.0.clone(),
            name: doc.file_name.clone().unwrap_or_else(|| "tep".into()),
            mime: doc.mime_type.as_ref().map(|m| m.essence_str().to_string()),
            size: known_size(doc.file.size),
        })
    } else if let Some(photo) = msg
        .photo()
        .and_then(|sizes| sizes.iter().max_by_key(|p| p.width * p.height))
    {
        // Telegram recompresses photos to JPEG; the largest size is the scan as sent.
        RawInput::File(IncomingFile {
            file_id: photo.file.id.0.clone(),
            name: format!("anh-{}.jpg", photo.file.unique_id.0),
            mime: Some("image/jpeg".into()),
            size: known_size(photo.file.size),
        })
    } else {
        RawInput::Unsupported
    };
    Some(Incoming {
        channel: Channel::Telegram,
        user_id: user.id.0.to_string(),
        chat_id: msg.chat.id.0.to_string(),
        display_name: user.full_name(),
        language_code: user.language_code.clone(),
        update_id,
        message_id: None,
        input,
    })
}

/// teloxide reads a missing `file_size` as `u32::MAX`: unknown, checked while the
/// file is downloaded, not refused as too big.
fn known_size(size: u32) -> Option<u64> {
    (size != u32::MAX).then_some(u64::from(size))
}

fn from_button(bot: &Bot, update_id: Option<i64>, q: CallbackQuery) -> Option<Incoming> {
    // Stop the button's spinner whatever happens next.
    let answer = bot.answer_callback_query(q.id.clone());
    tokio::spawn(async move {
        if let Err(e) = answer.await {
            tracing::debug!(error = %e, "answerCallbackQuery failed");
        }
    });
    let chat_id = match &q.message {
        Some(m) if !m.chat().is_private() => return None,
        Some(m) => m.chat().id.0,
        None => q.from.id.0 as i64,
    };
    Some(Incoming {
        channel: Channel::Telegram,
        user_id: q.from.id.0.to_string(),
        chat_id: chat_id.to_string(),
        display_name: q.from.full_name(),
        language_code: q.from.language_code.clone(),
        update_id,
        message_id: None,
        input: RawInput::Button(q.data.clone().unwrap_or_default()),
    })
}

/// Sending to Telegram, behind the postman's `Link`.
pub struct TelegramLink(pub Bot);

impl Link for TelegramLink {
    fn channel(&self) -> Channel {
        Channel::Telegram
    }

    fn deliver<'a>(&'a self, out: &'a Outgoing) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            deliver(&self.0, out).await.map_err(|e| match &e {
                RequestError::RetryAfter(wait) => DeliveryError::RetryAfter(wait.duration()),
                e if is_gone(e) => DeliveryError::Gone(e.to_string()),
                e => DeliveryError::Failed(e.to_string()),
            })
        })
    }

    fn fetch<'a>(&'a self, file_id: &'a str, max: u64) -> BoxFuture<'a, anyhow::Result<Vec<u8>>> {
        Box::pin(fetch(&self.0, file_id, max))
    }
}

fn is_gone(e: &RequestError) -> bool {
    matches!(
        e,
        RequestError::Api(
            ApiError::BotBlocked | ApiError::UserDeactivated | ApiError::ChatNotFound
        )
    )
}

async fn deliver(bot: &Bot, out: &Outgoing) -> Result<(), RequestError> {
    let chat = ChatId(out.to.chat_id.parse().unwrap_or_default());
    match &out.body {
        Body::Reply(reply) => {
            let parts = super::split_text(&reply.text, Channel::Telegram.capabilities().max_text);
            let last = parts.len().saturating_sub(1);
            for (i, part) in parts.into_iter().enumerate() {
                let req = bot.send_message(chat, part);
                if i == last && !reply.choices.is_empty() {
                    req.reply_markup(keyboard(reply)).await?;
                } else {
                    req.await?;
                }
            }
        }
        Body::Document {
            file_name,
            bytes,
            caption,
        } => {
            bot.send_document(
                chat,
                InputFile::memory(bytes.clone())
                    .file_name(crate::domain::text::clean_file_name(file_name)),
            )
            .caption(caption.clone())
            .await?;
        }
    }
    Ok(())
}

/// Answers one per row (two per row when short), navigation together in the last row.
fn keyboard(reply: &Reply) -> InlineKeyboardMarkup {
    let button = |c: &crate::conversation::Choice| {
        InlineKeyboardButton::callback(c.label.clone(), c.action.encode())
    };
    let (nav, answers): (Vec<_>, Vec<_>) = reply
        .choices
        .iter()
        .partition(|c| matches!(c.action, Action::Back | Action::Skip));
    let per_row = if answers.iter().all(|c| c.label.chars().count() <= 18) {
        2
    } else {
        1
    };
    let mut rows: Vec<Vec<InlineKeyboardButton>> = answers
        .chunks(per_row)
        .map(|chunk| chunk.iter().map(|c| button(c)).collect())
        .collect();
    if !nav.is_empty() {
        rows.push(nav.iter().map(|c| button(c)).collect());
    }
    InlineKeyboardMarkup::new(rows)
}

/// Downloads a file a chat sent, refusing more than `max` bytes.
async fn fetch(bot: &Bot, file_id: &str, max: u64) -> anyhow::Result<Vec<u8>> {
    use crate::domain::document_file::TooLarge;
    use teloxide::net::Download;
    let file = bot
        .get_file(teloxide::types::FileId(file_id.to_string()))
        .await
        .context("getFile")?;
    if u64::from(file.meta.size) > max && file.meta.size != u32::MAX {
        return Err(TooLarge {
            bytes: file.meta.size.into(),
        }
        .into());
    }
    let mut bytes = Vec::new();
    bot.download_file(&file.path, &mut bytes)
        .await
        .context("file download")?;
    if bytes.len() as u64 > max {
        return Err(TooLarge {
            bytes: bytes.len() as u64,
        }
        .into());
    }
    Ok(bytes)
}
