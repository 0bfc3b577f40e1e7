//! Settings come from the environment, or from `thidua.toml` (path in `THIDUA_CONFIG`,
//! default in the working directory); the environment wins. Secrets are never printed.

use std::fmt;
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::Deserialize;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://thidua.db?mode=rwc";

#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub database_url: Option<String>,
    pub telegram_token: Option<String>,
    pub telegram_api_url: Option<String>,
    pub zalo_token: Option<String>,
    pub zalo_api_url: Option<String>,
    /// Public HTTPS URL for Zalo's webhook; without it Zalo is polled.
    pub zalo_webhook_url: Option<String>,
    pub zalo_webhook_secret: Option<String>,
    /// Where the webhook server listens (default 0.0.0.0:8080).
    pub zalo_webhook_listen: Option<String>,
    /// Where submitted files are kept (default `data`).
    pub data_dir: Option<String>,
    /// Hosts Zalo photos may be fetched from (comma-separated; default Zalo's own).
    pub zalo_file_hosts: Option<String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &self.database_url)
            .field(
                "telegram_token",
                &self.telegram_token.as_ref().map(|_| "***"),
            )
            .field("telegram_api_url", &self.telegram_api_url)
            .field("zalo_token", &self.zalo_token.as_ref().map(|_| "***"))
            .field("zalo_api_url", &self.zalo_api_url)
            .field("zalo_webhook_url", &self.zalo_webhook_url)
            .field(
                "zalo_webhook_secret",
                &self.zalo_webhook_secret.as_ref().map(|_| "***"),
            )
            .field("zalo_webhook_listen", &self.zalo_webhook_listen)
            .field("data_dir", &self.data_dir)
            .finish()
    }
}

impl Config {
    pub fn load() -> Result<Config> {
        let path = std::env::var_os("THIDUA_CONFIG")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("thidua.toml"));
        let mut cfg = if path.exists() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            toml::from_str(&text).with_context(|| format!("invalid {}", path.display()))?
        } else {
            Config::default()
        };
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        if let Some(v) = env("DATABASE_URL") {
            cfg.database_url = Some(v);
        }
        if let Some(v) = env("TELOXIDE_TOKEN") {
            cfg.telegram_token = Some(v);
        }
        if let Some(v) = env("TELOXIDE_API_URL") {
            cfg.telegram_api_url = Some(v);
        }
        for (var, slot) in [
            ("ZALO_BOT_TOKEN", &mut cfg.zalo_token),
            ("ZALO_API_URL", &mut cfg.zalo_api_url),
            ("ZALO_WEBHOOK_URL", &mut cfg.zalo_webhook_url),
            ("ZALO_WEBHOOK_SECRET", &mut cfg.zalo_webhook_secret),
            ("ZALO_WEBHOOK_LISTEN", &mut cfg.zalo_webhook_listen),
            ("THIDUA_DATA_DIR", &mut cfg.data_dir),
            ("ZALO_FILE_HOSTS", &mut cfg.zalo_file_hosts),
        ] {
            if let Some(v) = env(var) {
                *slot = Some(v);
            }
        }
        Ok(cfg)
    }

    /// Webhook settings when a webhook URL is configured; a URL without a secret is
    /// refused rather than run unauthenticated.
    pub fn zalo_webhook(&self) -> Result<Option<crate::channels::zalo::WebhookConfig>> {
        let Some(url) = self.zalo_webhook_url.clone() else {
            return Ok(None);
        };
        let secret = self
            .zalo_webhook_secret
            .clone()
            .context("ZALO_WEBHOOK_URL is set but ZALO_WEBHOOK_SECRET is not")?;
        let listen = self
            .zalo_webhook_listen
            .as_deref()
            .unwrap_or("0.0.0.0:8080")
            .parse()
            .context("ZALO_WEBHOOK_LISTEN must look like 0.0.0.0:8080")?;
        Ok(Some(crate::channels::zalo::WebhookConfig {
            url,
            secret,
            listen,
        }))
    }

    /// Messages a second the outbox sends overall (THIDUA_SEND_RATE; Telegram's
    /// limit is about 30).
    pub fn send_rate(&self) -> u32 {
        std::env::var("THIDUA_SEND_RATE")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|r| *r > 0)
            .unwrap_or(crate::delivery::DEFAULT_RATE)
    }

    pub fn data_dir(&self) -> std::path::PathBuf {
        std::path::PathBuf::from(self.data_dir.as_deref().unwrap_or("data"))
    }

    pub fn database_url(&self) -> &str {
        self.database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let cfg = Config {
            telegram_token: Some("123:SECRET".into()),
            zalo_token: Some("999:SECRET".into()),
            zalo_webhook_secret: Some("SECRET-hook".into()),
            ..Config::default()
        };
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }

    #[test]
    fn file_format_is_strict() {
        let cfg: Config = toml::from_str("database_url = \"sqlite://x.db\"").unwrap();
        assert_eq!(cfg.database_url(), "sqlite://x.db");
        assert!(toml::from_str::<Config>("databse_url = \"x\"").is_err());
    }
}
