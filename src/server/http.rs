//! One HTTP server for everything that calls thidua: the Telegram and Zalo webhooks,
//! `/healthz` and `/metrics`. Off unless `THIDUA_HTTP_LISTEN` (or a webhook) asks.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::sync::watch;

use crate::channels::health::Health;
use crate::clock::Clock;
use crate::metric;
use crate::store::Db;

/// What `/healthz` and `/metrics` read.
#[derive(Clone)]
pub struct Ops {
    pub db: Db,
    pub clock: Clock,
    pub health: Arc<Health>,
    pub prometheus: PrometheusHandle,
    /// Each Zalo bot's monthly limit, when Zalo runs.
    pub zalo_quota: Option<u32>,
}

/// The process's metrics recorder. Installed once; a second call (tests start more
/// than one server in a process) gets the first one's handle.
pub fn recorder() -> Result<PrometheusHandle> {
    static HANDLE: std::sync::OnceLock<PrometheusHandle> = std::sync::OnceLock::new();
    if let Some(h) = HANDLE.get() {
        return Ok(h.clone());
    }
    let buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(metric::TURN_SECONDS.into()), &buckets)?
        .install_recorder()
        .context("cannot install the metrics recorder")?;
    Ok(HANDLE.get_or_init(|| handle).clone())
}

pub fn ops_routes(ops: Ops) -> Router {
    Router::new()
        .route(crate::server::config::OPS_PATHS[0], get(healthz))
        .route(crate::server::config::OPS_PATHS[1], get(metrics_page))
        .with_state(Arc::new(ops))
}

async fn healthz(State(ops): State<Arc<Ops>>) -> impl IntoResponse {
    let (ok, body) =
        crate::server::healthz::report(&ops.health, &ops.db, &ops.clock, ops.zalo_quota).await;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body))
}

async fn metrics_page(State(ops): State<Arc<Ops>>) -> impl IntoResponse {
    // The outbox gauges are read at the scrape, so they are never older than it.
    let _ = crate::server::healthz::report(&ops.health, &ops.db, &ops.clock, ops.zalo_quota).await;
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        ops.prometheus.render(),
    )
}

/// Binds first, so a taken port stops the start with its reason.
pub async fn bind(listen: SocketAddr) -> Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))
}

/// Waits until the flag turns true (or its sender is gone).
async fn until_true(flag: &mut watch::Receiver<bool>) {
    let _ = flag.wait_for(|set| *set).await;
}

/// A request's header (and, on a kept-alive connection, the next request's) must
/// come within this: a client that sends half a request and waits holds a socket
/// and a file descriptor until then, not forever.
pub const HEADER_WAIT: Duration = Duration::from_secs(10);
/// A request's body must come within this (a webhook's is a few kilobytes).
pub const BODY_WAIT: Duration = Duration::from_secs(30);

/// How many connections are served at once: half of the process's file descriptors
/// (the rest are the database's, the platforms' and the files'), between 16 and
/// 1 024. With 128 descriptors, 150 idle sockets once starved `/healthz` and a
/// chair's upload ("Too many open files").
pub fn connection_cap() -> usize {
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
            line.split_whitespace().nth(3)?.parse::<usize>().ok()
        })
        .unwrap_or(1024);
    (soft / 2).clamp(16, 1024)
}

/// Serves until `shutdown`; requests in hand are answered first. Connections past
/// `connection_cap` are closed as they come, and every connection is held to
/// `HEADER_WAIT` and `BODY_WAIT`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) -> Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;
    let cap = connection_cap();
    tracing::info!(listen = %listener.local_addr()?, connections = cap, "HTTP server ready");
    let slots = Arc::new(tokio::sync::Semaphore::new(cap));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_WAIT)
        .keep_alive(true);
    let (closing, closed) = watch::channel(false);
    let mut open = tokio::task::JoinSet::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors, most likely: wait for some to come back.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = until_true(&mut shutdown) => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(stream);
            metrics::counter!(metric::HTTP_REFUSED).increment(1);
            continue;
        };
        let service =
            router
                .clone()
                .map_request(|req: axum::http::Request<hyper::body::Incoming>| {
                    req.map(|body| {
                        axum::body::Body::new(tower_http::timeout::TimeoutBody::new(
                            BODY_WAIT, body,
                        ))
                    })
                });
        let connection = builder.serve_connection(
            TokioIo::new(stream),
            hyper_util::service::TowerToHyperService::new(service),
        );
        let mut closed = closed.clone();
        open.spawn(async move {
            let _slot = slot;
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = until_true(&mut closed) => {}
            }
            // Stopping: the request in hand is answered, then the connection closes.
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        });
        // Finished connections are reaped as new ones come, so the set stays small.
        while open.try_join_next().is_some() {}
    }
    drop(listener);
    let _ = closing.send(true);
    while open.join_next().await.is_some() {}
    Ok(())
}
