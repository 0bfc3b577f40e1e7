//! Webhook mode: Zalo POSTs each event to our URL with `X-Bot-Api-Secret-Token`.
//! A request without the right secret is refused; accepted events are queued and
//! served one at a time, so the HTTP answer is immediate and order is kept.

use anyhow::{Context, Result};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use std::sync::Arc;

use super::bots::{Bot, Bots};
use super::update;
use crate::channels::health::{Health, Mode};
use crate::channels::per_chat::PerChat;
use crate::channels::turns::Turns;
use crate::channels::webhook::WebhookConfig;
use crate::clock::Clock;
use crate::domain::member::Channel;

pub const SECRET_HEADER: &str = "x-bot-api-secret-token";

#[derive(Clone)]
struct Hook {
    bots: Bots,
    bot: Bot,
    secret: String,
    chats: Arc<PerChat>,
    health: Arc<Health>,
    clock: Clock,
}

/// Registers the webhook with Zalo and returns its route, for the process's one HTTP
/// server, with the chats it serves (finished after the server stops).
pub(super) async fn route(
    turns: Turns,
    bots: &Bots,
    bot: &Bot,
    cfg: &WebhookConfig,
    health: Arc<Health>,
) -> Result<(Router, Arc<PerChat>)> {
    let path = cfg.path()?;
    let client = &bot.client;
    super::check_token(bot, &turns.app.db).await?;
    let verification = client
        .set_webhook(&cfg.url, &cfg.secret)
        .await
        .context("Zalo refused setWebhook")?;
    tracing::info!(bot = %bot.id, verification = %verification, "Zalo webhook verification");
    // Kept for `thidua doctor`, which cannot set the webhook to see it.
    let mut tx = turns.app.db.write().await?;
    let key = format!("{}{}", crate::store::settings::ZALO_VERIFICATION, bot.id);
    crate::store::settings::set_value(&mut tx, &key, &verification).await?;
    tx.commit().await?;
    let clock = turns.app.clock.clone();
    health.started(Channel::Zalo, Mode::Webhook, clock.now());
    tracing::info!(path = %path, "Zalo webhook set");
    let chats = Arc::new(PerChat::new(turns));
    let router = Router::new().route(&path, post(receive)).with_state(Hook {
        bots: bots.clone(),
        bot: bot.clone(),
        secret: cfg.secret.clone(),
        chats: chats.clone(),
        health,
        clock,
    });
    Ok((router, chats))
}

async fn receive(State(hook): State<Hook>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if !crate::channels::webhook::has_secret(&headers, SECRET_HEADER, &hook.secret) {
        tracing::warn!("webhook call without the right secret token refused");
        return StatusCode::UNAUTHORIZED;
    }
    hook.health.heard(Channel::Zalo, hook.clock.now());
    // What is not an event (Zalo's test call when the webhook is set, a body we do
    // not understand) is taken and ignored: a 400 would only make Zalo call again.
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&body) else {
        tracing::info!(
            bytes = body.len(),
            "Zalo webhook call that is not JSON ignored"
        );
        return StatusCode::OK;
    };
    // Answered once the turns are done, as for Telegram: an instance that dies first
    // leaves the call unanswered, for Zalo to deliver again.
    let waiting: Vec<_> = update::parse(&json)
        .into_iter()
        .filter(|u| u.is_private)
        .map(|u| hook.chats.submit_and_wait(hook.bots.incoming(&hook.bot, u)))
        .collect();
    for done in waiting {
        if done.await.is_err() {
            return StatusCode::SERVICE_UNAVAILABLE;
        }
    }
    StatusCode::OK
}
