//! Webhook mode: Zalo POSTs each event to our URL with `X-Bot-Api-Secret-Token`.
//! A request without the right secret is refused; accepted events are queued and
//! served one at a time, so the HTTP answer is immediate and order is kept.

use std::net::SocketAddr;

use anyhow::{bail, Context, Result};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use std::sync::Arc;
use subtle::ConstantTimeEq;

use tokio::sync::watch;

use super::api::ZaloClient;
use super::update;
use crate::app::App;
use crate::channels::per_chat::PerChat;
use crate::channels::postman::Postman;

pub const SECRET_HEADER: &str = "x-bot-api-secret-token";

#[derive(Clone)]
pub struct WebhookConfig {
    /// The public HTTPS URL Zalo calls; its path is the route we serve.
    pub url: String,
    pub secret: String,
    pub listen: SocketAddr,
}

impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("url", &self.url)
            .field("listen", &self.listen)
            .finish_non_exhaustive()
    }
}

impl WebhookConfig {
    pub fn validate(&self) -> Result<String> {
        let len = self.secret.chars().count();
        if !(8..=256).contains(&len) {
            bail!("ZALO_WEBHOOK_SECRET must be 8 to 256 characters (Zalo's rule), got {len}");
        }
        let url = reqwest::Url::parse(&self.url).context("ZALO_WEBHOOK_URL is not a URL")?;
        Ok(url.path().to_string())
    }
}

#[derive(Clone)]
struct Hook {
    secret: String,
    chats: Arc<PerChat>,
}

pub async fn serve(
    app: App,
    client: ZaloClient,
    postman: Postman,
    cfg: WebhookConfig,
    mut shutdown: watch::Receiver<bool>,
) -> Result<()> {
    let path = cfg.validate()?;
    super::check_token(&client).await?;
    let listener = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .with_context(|| format!("cannot listen on {}", cfg.listen))?;
    client
        .set_webhook(&cfg.url, &cfg.secret)
        .await
        .context("Zalo refused setWebhook")?;
    tracing::info!(listen = %listener.local_addr()?, path = %path, "Zalo webhook ready");

    let chats = Arc::new(PerChat::new(app, postman));
    let router = Router::new().route(&path, post(receive)).with_state(Hook {
        secret: cfg.secret.clone(),
        chats: chats.clone(),
    });
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            let _ = shutdown.changed().await;
        })
        .await?;
    // No more requests: finish what was accepted.
    chats.finish().await;
    Ok(())
}

async fn receive(State(hook): State<Hook>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let given = headers
        .get(SECRET_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !bool::from(given.ct_eq(hook.secret.as_bytes())) {
        tracing::warn!("webhook call without the right secret token refused");
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    for u in update::parse(&json) {
        if u.is_private {
            hook.chats.submit(u.into_incoming());
        }
    }
    StatusCode::OK
}
