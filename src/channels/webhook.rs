//! What a channel served by webhook is configured with, and the check of the secret
//! its platform sends with every call.

use std::fmt;

use anyhow::{Context, Result};

/// A webhook: the public URL the platform calls (its path is the route served) and
/// the secret it sends with every call.
#[derive(Clone)]
pub struct WebhookConfig {
    pub url: String,
    pub secret: String,
}

impl fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl WebhookConfig {
    /// The path of the URL: the route the HTTP server answers on.
    pub fn path(&self) -> Result<String> {
        let url = reqwest::Url::parse(&self.url)
            .with_context(|| format!("the webhook URL {} is not a URL", self.url))?;
        Ok(url.path().to_string())
    }
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
