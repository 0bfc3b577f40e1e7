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

use super::api::ZaloClient;
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
    secret: String,
    chats: Arc<PerChat>,
    health: Arc<Health>,
    clock: Clock,
}

/// Registers the webhook with Zalo and returns its route, for the process's one HTTP
/// server, with the chats it serves (finished after the server stops).
pub(super) async fn route(
    turns: Turns,
    client: ZaloClient,
    cfg: &WebhookConfig,
    health: Arc<Health>,
) -> Result<(Router, Arc<PerChat>)> {
    let path = cfg.path()?;
    super::check_token(&client).await?;
    client
        .set_webhook(&cfg.url, &cfg.secret)
        .await
        .context("Zalo refused setWebhook")?;
    let clock = turns.app.clock.clone();
    health.started(Channel::Zalo, Mode::Webhook, clock.now());
    tracing::info!(path = %path, "Zalo webhook set");
    let chats = Arc::new(PerChat::new(turns));
    let router = Router::new().route(&path, post(receive)).with_state(Hook {
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
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    // Answered once the turns are done, as for Telegram: an instance that dies first
    // leaves the call unanswered, for Zalo to deliver again.
    let waiting: Vec<_> = update::parse(&json)
        .into_iter()
        .filter(|u| u.is_private)
        .map(|u| hook.chats.submit_and_wait(u.into_incoming()))
        .collect();
    for done in waiting {
        if done.await.is_err() {
            return StatusCode::SERVICE_UNAVAILABLE;
        }
    }
    StatusCode::OK
}
