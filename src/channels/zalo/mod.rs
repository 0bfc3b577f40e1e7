//! Zalo Bot Platform: long polling by default, a webhook when a public URL is set.
//! No buttons and no documents on Zalo: choices arrive as numbered text (the same
//! rendering as the console), and the postman says so where a file would go.

pub mod api;
mod sender;
pub mod update;
mod webhook;

use std::time::Duration;

use anyhow::{Context, Result};
use tokio::sync::watch;

use super::per_chat::PerChat;
use super::turns::Turns;
use crate::channels::health::{Health, Mode};
use crate::domain::member::Channel;
use api::ZaloClient;
pub use sender::ZaloSender;
use std::sync::Arc;

const POLL_SECONDS: u64 = 30;
const MAX_BACKOFF: Duration = Duration::from_secs(60);

pub async fn check_token(client: &ZaloClient) -> Result<()> {
    let me = client
        .get_me()
        .await
        .context("Zalo refused the bot token (getMe failed)")?;
    tracing::info!(bot = %me.get("account_name").and_then(|v| v.as_str()).unwrap_or("?"), "Zalo channel started");
    Ok(())
}

/// Starts receiving: by webhook when one is configured, else by long polling.
pub async fn receive(
    client: ZaloClient,
    webhook: Option<&crate::channels::webhook::WebhookConfig>,
    w: super::Wiring,
) -> Result<super::Receiving> {
    Ok(match webhook {
        Some(hook) => {
            let (route, chats) = webhook::route(w.turns, client, hook, w.health).await?;
            super::Receiving::Webhook { route, chats }
        }
        None => super::Receiving::Polling(Box::pin(poll(w.turns, client, w.health, w.stopped))),
    })
}

/// getUpdates in a loop until shutdown. Each chat's updates are served in order, and
/// chats side by side.
async fn poll(
    turns: Turns,
    client: ZaloClient,
    health: Arc<Health>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<()> {
    check_token(&client).await?;
    let clock = turns.app.clock.clone();
    health.started(Channel::Zalo, Mode::Polling, clock.now());
    // getUpdates answers nothing while a webhook is set.
    if let Err(e) = client.delete_webhook().await {
        tracing::warn!(error = %e, "deleteWebhook failed");
    }
    let chats = PerChat::new(turns);
    let heard = |ok: bool| match ok {
        true => health.heard(Channel::Zalo, clock.now()),
        false => health.failed(Channel::Zalo, clock.now()),
    };
    let polled = poll_loop(&client, &chats, heard, &mut shutdown).await;
    chats.finish().await;
    polled
}

async fn poll_loop(
    client: &ZaloClient,
    chats: &PerChat,
    heard: impl Fn(bool),
    shutdown: &mut watch::Receiver<bool>,
) -> Result<()> {
    let mut backoff = Duration::from_secs(1);
    loop {
        let answer = tokio::select! {
            _ = shutdown.changed() => return Ok(()),
            answer = client.get_updates(POLL_SECONDS) => answer,
        };
        match answer {
            Ok(updates) => {
                heard(true);
                backoff = Duration::from_secs(1);
                for u in updates {
                    if u.is_private {
                        chats.submit(u.into_incoming());
                    }
                }
            }
            Err(e) => {
                heard(false);
                tracing::warn!(error = %e, retry_in = ?backoff, "Zalo getUpdates failed");
                tokio::select! {
                    _ = shutdown.changed() => return Ok(()),
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
        if *shutdown.borrow() {
            return Ok(());
        }
    }
}
