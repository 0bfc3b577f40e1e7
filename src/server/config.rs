//! Settings come from the environment, or from `thidua.toml` (path in `THIDUA_CONFIG`,
//! default in the working directory); the environment wins. Secrets are never printed.

use std::fmt;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::channels::webhook::WebhookConfig;
use serde::Deserialize;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://thidua.db?mode=rwc";

/// The HTTP server's own paths (`/healthz`, `/metrics`): a webhook may not take one.
pub const OPS_PATHS: [&str; 2] = ["/healthz", "/metrics"];

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
    /// Where the webhook server listens (default 0.0.0.0:8080); `http_listen` wins.
    pub zalo_webhook_listen: Option<String>,
    /// Public HTTPS URL for Telegram's webhook; without it Telegram is polled.
    pub telegram_webhook_url: Option<String>,
    pub telegram_webhook_secret: Option<String>,
    /// The HTTP server of `/healthz`, `/metrics` and the webhooks (off by default).
    pub http_listen: Option<String>,
    /// Housekeeping, as cron expressions in Vietnam's time (sec min hour day month
    /// weekday): the nightly SQLite backup, the weekly staff summary, the outbox
    /// pruning. "off" turns one off.
    pub backup_cron: Option<String>,
    pub weekly_summary_cron: Option<String>,
    pub prune_cron: Option<String>,
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
            .field("telegram_webhook_url", &self.telegram_webhook_url)
            .field(
                "telegram_webhook_secret",
                &self.telegram_webhook_secret.as_ref().map(|_| "***"),
            )
            .field("http_listen", &self.http_listen)
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
            ("TELEGRAM_WEBHOOK_URL", &mut cfg.telegram_webhook_url),
            ("TELEGRAM_WEBHOOK_SECRET", &mut cfg.telegram_webhook_secret),
            ("THIDUA_HTTP_LISTEN", &mut cfg.http_listen),
            ("THIDUA_BACKUP_CRON", &mut cfg.backup_cron),
            ("THIDUA_WEEKLY_SUMMARY_CRON", &mut cfg.weekly_summary_cron),
            ("THIDUA_PRUNE_CRON", &mut cfg.prune_cron),
            ("THIDUA_DATA_DIR", &mut cfg.data_dir),
            ("ZALO_FILE_HOSTS", &mut cfg.zalo_file_hosts),
        ] {
            if let Some(v) = env(var) {
                *slot = Some(v);
            }
        }
        Ok(cfg)
    }

    /// Zalo's webhook when its URL is configured; a URL without a secret is refused
    /// rather than run unauthenticated.
    pub fn zalo_webhook(&self) -> Result<Option<WebhookConfig>> {
        webhook(
            "ZALO",
            self.zalo_webhook_url.as_deref(),
            self.zalo_webhook_secret.as_deref(),
            8..=256,
        )
    }

    /// Telegram's webhook when its URL is configured, as for Zalo.
    pub fn telegram_webhook(&self) -> Result<Option<WebhookConfig>> {
        let hook = webhook(
            "TELEGRAM",
            self.telegram_webhook_url.as_deref(),
            self.telegram_webhook_secret.as_deref(),
            1..=256,
        )?;
        // Telegram's rule for secret_token: A-Z, a-z, 0-9, _ and -.
        if let Some(h) = &hook {
            let ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
            if !h.secret.chars().all(ok) {
                anyhow::bail!("TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and -");
            }
        }
        Ok(hook)
    }

    /// Both webhooks, checked together: they are routes of one HTTP server, so two on
    /// one path (or on `/healthz`, `/metrics`) could not both be served. Checked before
    /// any platform is called, so a wrong setting is never registered with one.
    pub fn webhooks(&self) -> Result<Webhooks> {
        let hooks = Webhooks {
            telegram: self.telegram_webhook()?,
            zalo: self.zalo_webhook()?,
        };
        let mut taken: Vec<(&str, String)> = OPS_PATHS
            .iter()
            .map(|p| ("the server's own", p.to_string()))
            .collect();
        for (name, hook) in [("TELEGRAM", &hooks.telegram), ("ZALO", &hooks.zalo)] {
            let Some(hook) = hook else { continue };
            let path = hook.path()?;
            if let Some((other, _)) = taken.iter().find(|(_, p)| *p == path) {
                anyhow::bail!(
                    "{name}_WEBHOOK_URL's path {path} is {other} path already: give each webhook a path of its own (e.g. /telegram/webhook, /zalo/webhook)"
                );
            }
            taken.push((name, path));
        }
        Ok(hooks)
    }

    /// Where the HTTP server listens: THIDUA_HTTP_LISTEN; with a webhook and no
    /// address, ZALO_WEBHOOK_LISTEN or 0.0.0.0:8080; otherwise no server.
    pub fn http_listen(&self) -> Result<Option<std::net::SocketAddr>> {
        let webhooks = self.zalo_webhook_url.is_some() || self.telegram_webhook_url.is_some();
        let addr = match (&self.http_listen, &self.zalo_webhook_listen) {
            (Some(a), _) => a.as_str(),
            (None, Some(a)) if webhooks => a.as_str(),
            (None, _) if webhooks => "0.0.0.0:8080",
            (None, _) => return Ok(None),
        };
        addr.parse()
            .map(Some)
            .with_context(|| format!("THIDUA_HTTP_LISTEN must look like 0.0.0.0:8080, not {addr}"))
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

/// The webhooks configured, at paths that do not collide.
#[derive(Clone, Debug, Default)]
pub struct Webhooks {
    pub telegram: Option<WebhookConfig>,
    pub zalo: Option<WebhookConfig>,
}

fn webhook(
    name: &str,
    url: Option<&str>,
    secret: Option<&str>,
    len: std::ops::RangeInclusive<usize>,
) -> Result<Option<WebhookConfig>> {
    let Some(url) = url else {
        return Ok(None);
    };
    let secret = secret
        .with_context(|| format!("{name}_WEBHOOK_URL is set but {name}_WEBHOOK_SECRET is not"))?;
    let n = secret.chars().count();
    if !len.contains(&n) {
        anyhow::bail!(
            "{name}_WEBHOOK_SECRET must be {} to {} characters, got {n}",
            len.start(),
            len.end()
        );
    }
    let hook = WebhookConfig {
        url: url.to_string(),
        secret: secret.to_string(),
    };
    hook.path()?;
    Ok(Some(hook))
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
            telegram_webhook_secret: Some("SECRET-tg".into()),
            ..Config::default()
        };
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }

    #[test]
    fn two_webhooks_on_one_path_are_a_configuration_error() {
        let cfg = Config {
            telegram_webhook_url: Some("https://a.vn/hook".into()),
            telegram_webhook_secret: Some("tg-secret".into()),
            zalo_webhook_url: Some("https://b.vn/hook".into()),
            zalo_webhook_secret: Some("zalo-secret".into()),
            ..Config::default()
        };
        let why = format!("{:#}", cfg.webhooks().unwrap_err());
        assert!(why.contains("/hook"), "{why}");
        let ops = Config {
            zalo_webhook_url: Some("https://b.vn/healthz".into()),
            ..cfg.clone()
        };
        assert!(ops.webhooks().is_err());
        let apart = Config {
            zalo_webhook_url: Some("https://b.vn/zalo/hook".into()),
            ..cfg
        };
        let hooks = apart.webhooks().unwrap();
        assert!(hooks.telegram.is_some() && hooks.zalo.is_some());
    }

    #[test]
    fn file_format_is_strict() {
        let cfg: Config = toml::from_str("database_url = \"sqlite://x.db\"").unwrap();
        assert_eq!(cfg.database_url(), "sqlite://x.db");
        assert!(toml::from_str::<Config>("databse_url = \"x\"").is_err());
    }
}
