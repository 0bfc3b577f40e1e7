//! One HTTP server for everything that calls thidua: the Telegram and Zalo webhooks,
//! `/healthz` and `/metrics`. Off unless `THIDUA_HTTP_LISTEN` (or a webhook) asks.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::sync::watch;

use crate::clock::Clock;
use crate::health::{metric, Health};
use crate::store::Db;

/// What `/healthz` and `/metrics` read.
#[derive(Clone)]
pub struct Ops {
    pub db: Db,
    pub clock: Clock,
    pub health: Arc<Health>,
    pub prometheus: PrometheusHandle,
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
        .route(crate::config::OPS_PATHS[0], get(healthz))
        .route(crate::config::OPS_PATHS[1], get(metrics_page))
        .with_state(Arc::new(ops))
}

async fn healthz(State(ops): State<Arc<Ops>>) -> impl IntoResponse {
    let (ok, body) = ops.health.report(&ops.db, &ops.clock).await;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body))
}

async fn metrics_page(State(ops): State<Arc<Ops>>) -> impl IntoResponse {
    // The outbox gauges are read at the scrape, so they are never older than it.
    let _ = ops.health.report(&ops.db, &ops.clock).await;
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        ops.prometheus.render(),
    )
}

/// Whether a webhook call carries the platform's secret in `header`; compared in
/// constant time, so the answer's timing says nothing of how much of a guess matched.
pub fn has_secret(headers: &axum::http::HeaderMap, header: &str, secret: &str) -> bool {
    use subtle::ConstantTimeEq;
    let given = headers
        .get(header)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    given.ct_eq(secret.as_bytes()).into()
}

/// Binds first, so a taken port stops the start with its reason.
pub async fn bind(listen: SocketAddr) -> Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))
}

/// Serves until `shutdown`; requests in hand are answered first.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) -> Result<()> {
    tracing::info!(listen = %listener.local_addr()?, "HTTP server ready");
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            while !*shutdown.borrow() {
                if shutdown.changed().await.is_err() {
                    break;
                }
            }
        })
        .await?;
    Ok(())
}
