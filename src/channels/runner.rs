//! `thidua run`: every channel whose credentials are set, side by side, one postman
//! between them, one shutdown for all (Ctrl-C or SIGTERM).

use anyhow::{Context, Result};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::postman::{Postman, ZaloSender};
use super::zalo::api::ZaloClient;
use super::{telegram, zalo};
use crate::app::App;
use crate::config::Config;
use crate::data_dir::DataDir;
use crate::delivery::Worker;

/// A submission begun and left alone this long is abandoned: its draft files go.
const DRAFTS_KEPT: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

pub fn any_configured(config: &Config) -> bool {
    config.telegram_token.is_some() || config.zalo_token.is_some()
}

pub async fn run(app: App, config: &Config) -> Result<()> {
    let clock = app.clock.clone();
    let mut postman = Postman::new(config.send_rate());
    let telegram_bot = match &config.telegram_token {
        Some(token) => Some(telegram::bot(token, config.telegram_api_url.as_deref())?),
        None => None,
    };
    let zalo_client = config.zalo_token.as_deref().map(|token| {
        let client = ZaloClient::new(token, config.zalo_api_url.as_deref());
        match &config.zalo_file_hosts {
            Some(hosts) => client.with_file_hosts(hosts),
            None => client,
        }
    });
    let zalo_webhook = config.zalo_webhook()?;
    postman.telegram = telegram_bot.clone();
    postman.zalo = zalo_client.clone().map(ZaloSender::new);

    let (stop, stopped) = watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("stopping: finishing the messages in hand");
        let _ = stop.send(true);
    });

    let data = DataDir::new(config.data_dir())?;
    tracing::info!(data_dir = %data.root().display(), "submitted files are kept here");
    let swept = data.sweep_drafts(DRAFTS_KEPT);
    if swept > 0 {
        tracing::info!(swept, "abandoned submission drafts removed");
    }
    let app = app.with_files(std::sync::Arc::new(postman.clone()), data);
    let worker = Worker::new(app.db.clone(), postman.clone(), clock.clone());
    let app = app.with_wake(worker.wake.clone());
    let mut channels = JoinSet::new();
    {
        let (db, wake, ticking) = (app.db.clone(), worker.wake.clone(), stopped.clone());
        channels.spawn(async move {
            crate::scheduler::run(db, clock, wake, ticking)
                .await
                .context("reminders")
        });
        let stopped = stopped.clone();
        channels.spawn(async move { worker.run(stopped).await.context("outbox") });
    }
    if let Some(bot) = telegram_bot {
        let (app, postman, stopped) = (app.clone(), postman.clone(), stopped.clone());
        channels.spawn(async move {
            telegram::run(app, bot, postman, stopped)
                .await
                .context("Telegram")
        });
    }
    if let Some(client) = zalo_client {
        let (app, postman, stopped) = (app.clone(), postman.clone(), stopped.clone());
        channels.spawn(async move {
            zalo::run(app, client, postman, zalo_webhook, stopped)
                .await
                .context("Zalo")
        });
    }
    // One channel failing to start (a wrong token) stops the process with its reason.
    while let Some(done) = channels.join_next().await {
        done??;
    }
    Ok(())
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
