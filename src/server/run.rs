//! `thidua run`, the composition root: every channel whose credentials are set, each
//! behind its delivery link, one postman between them, the outbox worker, the
//! reminder scheduler, the housekeeping jobs, and one HTTP server for the webhooks,
//! `/healthz` and `/metrics`. One shutdown for all (Ctrl-C or SIGTERM): no new
//! updates are taken, turns in hand and the message on the wire finish, and the
//! process ends within `STOP_WITHIN`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::app::App;
use crate::channels::health::Health;
use crate::channels::per_chat::PerChat;
use crate::channels::telegram::{self, TelegramLink};
use crate::channels::zalo::{self, bots::Bots, ZaloSender};
use crate::channels::{Receiving, Wiring};
use crate::data_dir::DataDir;
use crate::delivery::postman::Postman;
use crate::delivery::quota::ZaloQuota;
use crate::delivery::Worker;
use crate::server::config::Config;

/// A submission begun and left alone this long is abandoned: its draft files go.
const DRAFTS_KEPT: Duration = Duration::from_secs(30 * 24 * 3600);
/// After SIGTERM, what is not done by then is left: systemd's and Kubernetes' default
/// grace is 10 s before SIGKILL, and a turn left half-done is rolled back anyway.
pub const STOP_WITHIN: Duration = Duration::from_secs(9);

pub fn any_configured(config: &Config) -> bool {
    config.telegram_token.is_some() || !config.zalo_tokens().is_empty()
}

pub async fn run(app: App, config: &Config) -> Result<()> {
    // Every setting is checked before any platform is called.
    let webhooks = config.webhooks()?;
    let listen = config.http_listen()?;
    let public_url = config.public_url()?;
    let app = app.with_public_url(public_url.clone());
    let clock = app.clock.clone();
    let health = Arc::new(Health::default());
    let telegram_bot = match config.telegram_token() {
        Some(token) => Some(telegram::bot(token, config.telegram_api_url.as_deref())?),
        None => None,
    };
    let prefer_telegram = config.prefer_telegram()?;
    key_older_members(&app).await?;
    let zalo_bots = zalo_bots(&app, config).await?;
    let postman = postman(&app, config, telegram_bot.as_ref(), zalo_bots.as_ref()).await?;
    let app = match &zalo_bots {
        Some(bots) => app.with_zalo_seats(config.zalo_seats(Some(bots.first.clone()))),
        None => app,
    };
    let app = app.preferring_telegram(prefer_telegram);
    let (stopped, done) = shutdown_on_signal();

    let data = DataDir::new(config.data_dir())?;
    tracing::info!(data_dir = %data.root().display(), "submitted files are kept here");
    let swept = data.sweep_drafts(DRAFTS_KEPT);
    if swept > 0 {
        tracing::info!(swept, "abandoned submission drafts removed");
    }
    let app = app.with_files(Arc::new(postman.clone()), data.clone());
    let worker = Worker::new(app.db.clone(), postman.clone(), clock.clone());
    let app = app.with_wake(worker.wake.clone());
    let mut tasks = JoinSet::new();
    {
        let (db, wake, ticking) = (app.db.clone(), worker.wake.clone(), stopped.clone());
        let clock = clock.clone();
        tasks.spawn(async move {
            crate::scheduler::run(db, clock, wake, (ticking, prefer_telegram))
                .await
                .context("reminders")
        });
        let stopped = stopped.clone();
        tasks.spawn(async move { worker.run(stopped).await.context("outbox") });
    }
    let housekeeping = crate::server::housekeeping::start(&app, config).await?;

    let wiring = Wiring {
        turns: crate::channels::turns::Turns::new(app.clone(), postman.clone()),
        health: health.clone(),
        stopped: stopped.clone(),
    };
    let mut receiving = Vec::new();
    if let Some(bot) = telegram_bot {
        let r = telegram::receive(bot, webhooks.telegram.as_ref(), wiring.clone()).await?;
        receiving.push(("Telegram", r));
    }
    if let Some(bots) = &zalo_bots {
        for r in zalo::receive(bots, webhooks.zalo.as_ref(), wiring.clone()).await? {
            receiving.push(("Zalo", r));
        }
    }
    let ops = match listen {
        Some(listen) => Some((
            listen,
            crate::server::http::Ops {
                db: app.db.clone(),
                clock: clock.clone(),
                health: health.clone(),
                prometheus: crate::server::http::recorder()?,
                zalo_quota: zalo_bots.as_ref().map(|_| config.zalo_monthly_quota()),
            },
        )),
        None => None,
    };
    let web = public_url.map(|url| {
        crate::server::web::routes(crate::server::web::Web {
            db: app.db.clone(),
            clock: clock.clone(),
            secure: url.starts_with("https://"),
            data: data.clone(),
            wake: app.wake.clone(),
            telegram_first: prefer_telegram,
        })
    });
    serve(&mut tasks, receiving, ops, web, stopped).await?;
    // One task failing (a wrong token, a taken port) stops the process with its reason.
    let mut result = Ok(());
    while let Some(finished) = tasks.join_next().await {
        if let Err(e) = finished.map_err(anyhow::Error::from).and_then(|r| r) {
            result = Err(e);
            break;
        }
    }
    if let Some(mut jobs) = housekeeping {
        let _ = jobs.shutdown().await;
    }
    let _ = done.send(true);
    result
}

/// Members who joined before names were keyed (migration 0020) get their key, so a
/// person on both channels is found; units named before 0024 and works registered
/// before 0026 get their searched name.
async fn key_older_members(app: &App) -> Result<()> {
    let mut tx = app.db.write().await?;
    let keyed = crate::store::members::fill_person_keys(&mut tx).await?;
    crate::store::units::fill_folded_names(&mut tx).await?;
    crate::store::registrations::fill_folded_names(&mut tx).await?;
    tx.commit().await?;
    if keyed > 0 {
        tracing::info!(
            keyed,
            "members' names keyed to find a person on both channels"
        );
    }
    Ok(())
}

/// The configured Zalo bots (none without a token).
async fn zalo_bots(app: &App, config: &Config) -> Result<Option<Bots>> {
    Ok(match config.zalo_tokens().as_slice() {
        [] => None,
        tokens => Some(
            zalo::bots(
                &app.db,
                tokens,
                config.zalo_api_url.as_deref(),
                config.zalo_file_hosts.as_deref(),
            )
            .await?,
        ),
    })
}

/// One postman for every channel that runs, pacing all of them together (with the
/// other instances, on PostgreSQL).
async fn postman(
    app: &App,
    config: &Config,
    telegram: Option<&teloxide::Bot>,
    zalo: Option<&Bots>,
) -> Result<Postman> {
    let mut postman = Postman::new(config.send_rate());
    if app.db.backend == crate::store::Backend::Postgres {
        // Several instances may share this database and the bot's sending limit.
        postman = postman.sharing_budget(app.db.clone(), config.send_rate());
    }
    if let Some(bot) = telegram {
        postman = postman.with_link(Arc::new(TelegramLink(bot.clone())));
    }
    if let Some(bots) = zalo {
        let quota = ZaloQuota::new(
            app.db.clone(),
            app.clock.clone(),
            config.zalo_monthly_quota(),
            &bots.first,
        );
        let ids: Vec<String> = bots.all.iter().map(|b| b.id.clone()).collect();
        let released = quota.release_if_room(&ids).await?;
        if released > 0 {
            tracing::info!(
                released,
                "Zalo has room again this month: held messages go now"
            );
        }
        postman = postman.with_link(Arc::new(ZaloSender::new(bots.clone(), quota)));
    }
    Ok(postman)
}

/// Turns true at Ctrl-C or SIGTERM; what still runs `STOP_WITHIN` later, unless
/// `done` was said, is cut short.
fn shutdown_on_signal() -> (watch::Receiver<bool>, watch::Sender<bool>) {
    let (stop, stopped) = watch::channel(false);
    let (done, mut done_rx) = watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("stopping: no new updates; finishing the turns and messages in hand");
        let _ = stop.send(true);
        tokio::select! {
            _ = tokio::time::sleep(STOP_WITHIN) => {
                tracing::warn!("stopping took too long; leaving the rest");
                std::process::exit(0);
            }
            _ = done_rx.changed() => {}
        }
    });
    (stopped, done)
}

/// Webhooks are routes of the one HTTP server (with `/healthz` and `/metrics` when it
/// listens); polling channels run on their own.
async fn serve(
    tasks: &mut JoinSet<Result<()>>,
    receiving: Vec<(&'static str, Receiving)>,
    ops: Option<(std::net::SocketAddr, crate::server::http::Ops)>,
    web: Option<axum::Router>,
    stopped: watch::Receiver<bool>,
) -> Result<()> {
    let mut router = axum::Router::new();
    let mut hooked: Vec<Arc<PerChat>> = Vec::new();
    for (name, r) in receiving {
        match r {
            Receiving::Webhook { route, chats } => {
                router = router.merge(route);
                hooked.push(chats);
            }
            Receiving::Polling(polling) => {
                tasks.spawn(async move { polling.await.context(name) });
            }
        }
    }
    let Some((listen, ops)) = ops else {
        return Ok(());
    };
    router = router.merge(crate::server::http::ops_routes(ops));
    if let Some(web) = web {
        router = router.merge(web);
    }
    let listener = crate::server::http::bind(listen).await?;
    tasks.spawn(async move {
        crate::server::http::serve(listener, router, stopped).await?;
        // No more requests: finish the turns the webhooks accepted.
        for chats in hooked {
            chats.finish().await;
        }
        Ok(())
    });
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
