//! Zalo Bot Platform: long polling by default, a webhook when a public URL is set.
//! No buttons and no documents on Zalo: choices arrive as numbered text (the same
//! rendering as the console), and the postman says so where a file would go.

pub mod api;
pub mod bots;
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
use bots::{Bot, Bots};
pub use sender::ZaloSender;
use std::sync::Arc;

const POLL_SECONDS: u64 = 30;
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// getMe: the token works, and the bot's name is written down for the invites the
/// command line makes ("open the bot «…»").
pub async fn check_token(bot: &Bot, db: &crate::store::Db) -> Result<()> {
    let me = bot
        .client
        .get_me()
        .await
        .context("Zalo refused the bot token (getMe failed)")?;
    let name = me
        .get("account_name")
        .or_else(|| me.get("display_name"))
        .and_then(|v| v.as_str())
        .unwrap_or(&bot.id);
    tracing::info!(bot = %name, id = %bot.id, "Zalo channel started");
    let mut tx = db.write().await?;
    crate::store::invites::set_zalo_bot_name(&mut tx, &bot.id, name, chrono::Utc::now()).await?;
    tx.commit().await
}

/// The configured bots; the first one this database ever served keeps bare ids
/// (written down on the first start with Zalo).
pub async fn bots(
    db: &crate::store::Db,
    tokens: &[&str],
    api_url: Option<&str>,
    file_hosts: Option<&str>,
) -> Result<Bots> {
    let all: Vec<Bot> = tokens
        .iter()
        .map(|token| {
            let client = ZaloClient::new(token, api_url);
            Bot {
                id: bots::bot_id(token),
                client: match file_hosts {
                    Some(hosts) => client.with_file_hosts(hosts),
                    None => client,
                },
            }
        })
        .collect();
    let Some(default) = all.first().map(|b| b.id.clone()) else {
        anyhow::bail!("no Zalo bot token");
    };
    use crate::store::settings::{self, ZALO_FIRST_BOT};
    let mut tx = db.write().await?;
    let first = match settings::get_value(&mut tx, ZALO_FIRST_BOT).await? {
        Some(first) => first,
        None => {
            settings::set_value(&mut tx, ZALO_FIRST_BOT, &default).await?;
            default
        }
    };
    tx.commit().await?;
    if !all.iter().any(|b| b.id == first) {
        tracing::error!(bot = %first, "the Zalo bot this database started with is no longer configured: its chats get nothing until its token is back in ZALO_BOT_TOKENS");
    }
    Ok(Bots { all, first })
}

/// Starts receiving on every bot: by webhook when one is configured (each bot at its
/// own path when there are several), else by long polling.
pub async fn receive(
    bots: &Bots,
    webhook: Option<&crate::channels::webhook::WebhookConfig>,
    w: super::Wiring,
) -> Result<Vec<super::Receiving>> {
    let mut receiving = Vec::new();
    for bot in &bots.all {
        receiving.push(match webhook {
            Some(hook) => {
                let hook = match bots.all.len() {
                    1 => hook.clone(),
                    _ => crate::channels::webhook::WebhookConfig {
                        url: format!("{}/{}", hook.url.trim_end_matches('/'), bot.id),
                        secret: hook.secret.clone(),
                    },
                };
                let (route, chats) =
                    webhook::route(w.turns.clone(), bots, bot, &hook, w.health.clone()).await?;
                super::Receiving::Webhook { route, chats }
            }
            None => super::Receiving::Polling(Box::pin(poll(
                w.turns.clone(),
                bots.clone(),
                bot.clone(),
                w.health.clone(),
                w.stopped.clone(),
            ))),
        });
    }
    Ok(receiving)
}

/// getUpdates in a loop until shutdown. Each chat's updates are served in order, and
/// chats side by side.
async fn poll(
    turns: Turns,
    bots: Bots,
    bot: Bot,
    health: Arc<Health>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<()> {
    let client = bot.client.clone();
    check_token(&bot, &turns.app.db).await?;
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
    let incoming = |u| bots.incoming(&bot, u);
    let polled = poll_loop(&client, &chats, heard, incoming, &mut shutdown).await;
    chats.finish().await;
    polled
}

async fn poll_loop(
    client: &ZaloClient,
    chats: &PerChat,
    heard: impl Fn(bool),
    incoming: impl Fn(update::ZaloUpdate) -> crate::conversation::Incoming,
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
                        chats.submit(incoming(u));
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
