//! Settings come from the environment, or from `thidua.toml` (path in `THIDUA_CONFIG`,
//! default in the working directory); the environment wins. Secrets are never printed.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::channels::webhook::WebhookConfig;
use crate::ops::Refused;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://thidua.db?mode=rwc";

/// The HTTP server's own paths (`/healthz`, `/metrics`): a webhook may not take one.
pub const OPS_PATHS: [&str; 2] = ["/healthz", "/metrics"];

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub database_url: Option<String>,
    pub telegram_token: Option<SecretString>,
    pub telegram_api_url: Option<String>,
    pub zalo_token: Option<SecretString>,
    /// Several Zalo bots (the Basic plan serves 50 people a bot): tokens separated by
    /// commas or spaces. `zalo_token` still works, alone or with these.
    pub zalo_tokens: Option<SecretString>,
    /// Messages a month per Zalo bot (Basic plan: 3 000).
    #[serde(default, deserialize_with = "positive_number")]
    pub zalo_monthly_quota: Option<u32>,
    /// People per Zalo bot (Basic plan: 50).
    #[serde(default, deserialize_with = "positive_number")]
    pub zalo_users_per_bot: Option<u32>,
    /// Announcements and reminders to a person on both channels go by Telegram, to
    /// save Zalo's quota ("yes" by default; "no" sends on both).
    pub prefer_telegram: Option<String>,
    pub zalo_api_url: Option<String>,
    /// Public HTTPS URL for Zalo's webhook; without it Zalo is polled.
    pub zalo_webhook_url: Option<String>,
    pub zalo_webhook_secret: Option<SecretString>,
    /// Where the webhook server listens (default 0.0.0.0:8080); `http_listen` wins.
    pub zalo_webhook_listen: Option<String>,
    /// Public HTTPS URL for Telegram's webhook; without it Telegram is polled.
    pub telegram_webhook_url: Option<String>,
    pub telegram_webhook_secret: Option<SecretString>,
    /// The HTTP server of `/healthz`, `/metrics` and the webhooks (off by default).
    pub http_listen: Option<String>,
    /// Where people reach this server from outside (https://thidua.example.vn): the
    /// base of the web pages' one-time links.
    pub public_url: Option<String>,
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
    /// Messages a second the bot sends overall (Telegram's limit is about 30).
    #[serde(default, deserialize_with = "positive_number")]
    pub send_rate: Option<u32>,
}

/// Every setting: its environment variable and its key in the file. One table, so
/// each can be given either way (the environment wins).
pub const SETTINGS: &[(&str, &str)] = &[
    ("DATABASE_URL", "database_url"),
    ("TELOXIDE_TOKEN", "telegram_token"),
    ("TELOXIDE_API_URL", "telegram_api_url"),
    ("ZALO_BOT_TOKEN", "zalo_token"),
    ("ZALO_BOT_TOKENS", "zalo_tokens"),
    ("ZALO_MONTHLY_QUOTA", "zalo_monthly_quota"),
    ("ZALO_USERS_PER_BOT", "zalo_users_per_bot"),
    ("THIDUA_PREFER_TELEGRAM", "prefer_telegram"),
    ("ZALO_API_URL", "zalo_api_url"),
    ("ZALO_WEBHOOK_URL", "zalo_webhook_url"),
    ("ZALO_WEBHOOK_SECRET", "zalo_webhook_secret"),
    ("ZALO_WEBHOOK_LISTEN", "zalo_webhook_listen"),
    ("TELEGRAM_WEBHOOK_URL", "telegram_webhook_url"),
    ("TELEGRAM_WEBHOOK_SECRET", "telegram_webhook_secret"),
    ("THIDUA_HTTP_LISTEN", "http_listen"),
    ("THIDUA_PUBLIC_URL", "public_url"),
    ("THIDUA_BACKUP_CRON", "backup_cron"),
    ("THIDUA_WEEKLY_SUMMARY_CRON", "weekly_summary_cron"),
    ("THIDUA_PRUNE_CRON", "prune_cron"),
    ("THIDUA_DATA_DIR", "data_dir"),
    ("ZALO_FILE_HOSTS", "zalo_file_hosts"),
    ("THIDUA_SEND_RATE", "send_rate"),
];

/// A count given as a number in the file or as text in the environment; at least 1.
fn positive_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Number(u32),
        Text(String),
    }
    let n = match Option::<Given>::deserialize(d)? {
        None => return Ok(None),
        Some(Given::Number(n)) => n,
        Some(Given::Text(t)) => t.trim().parse().map_err(serde::de::Error::custom)?,
    };
    if n == 0 {
        return Err(serde::de::Error::custom("must be 1 or more"));
    }
    Ok(Some(n))
}

impl Config {
    /// `thidua.toml` in the working directory (or the file `THIDUA_CONFIG` names),
    /// then the environment over it.
    pub fn load() -> Result<Config> {
        let path = std::env::var_os("THIDUA_CONFIG")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("thidua.toml"));
        Config::from_sources(&path, |var| std::env::var(var).ok())
    }

    /// The file at `path` if there is one, with the variables `env` gives over it; an
    /// empty variable counts as unset. A wrong key or value names itself and where
    /// it came from.
    pub fn from_sources(path: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Config> {
        use figment::providers::{Format, Serialized, Toml};
        let mut figment = figment::Figment::new();
        if path.exists() {
            figment = figment.merge(Toml::file_exact(path));
        }
        for (var, key) in SETTINGS {
            if let Some(value) = env(var).filter(|v| !v.trim().is_empty()) {
                figment = figment.merge(Serialized::default(key, value));
            }
        }
        figment.extract().map_err(|e| {
            let (file, why) = (path.display().to_string(), e.to_string());
            Refused::with("config.invalid", &[("file", &file), ("why", &why)]).into()
        })
    }

    pub fn telegram_token(&self) -> Option<&str> {
        self.telegram_token.as_ref().map(|t| t.expose_secret())
    }

    /// Every Zalo bot's token, `ZALO_BOT_TOKEN` first, each once.
    pub fn zalo_tokens(&self) -> Vec<&str> {
        let single = self.zalo_token.as_ref().map(|t| t.expose_secret().trim());
        let listed = self
            .zalo_tokens
            .as_ref()
            .map(|t| t.expose_secret())
            .unwrap_or_default()
            .split(|c: char| c == ',' || c.is_whitespace());
        let mut tokens: Vec<&str> = Vec::new();
        for t in single.into_iter().chain(listed) {
            if !t.is_empty() && !tokens.contains(&t) {
                tokens.push(t);
            }
        }
        tokens
    }

    /// The Zalo bots' places, given the bot whose chats carry bare ids (stored when
    /// the bot first ran; the first token's until then).
    pub fn zalo_seats(&self, first: Option<String>) -> crate::ops::zalo_seats::ZaloSeats {
        let bots: Vec<String> = self
            .zalo_tokens()
            .iter()
            .map(|t| crate::channels::zalo::bots::bot_id(t))
            .collect();
        crate::ops::zalo_seats::ZaloSeats {
            first: first.or_else(|| bots.first().cloned()).unwrap_or_default(),
            bots,
            per_bot: i64::from(self.zalo_users_per_bot()),
            telegram: self.telegram_token.is_some(),
        }
    }

    pub fn zalo_monthly_quota(&self) -> u32 {
        self.zalo_monthly_quota
            .unwrap_or(crate::delivery::quota::DEFAULT_MONTHLY_QUOTA)
    }

    pub fn zalo_users_per_bot(&self) -> u32 {
        self.zalo_users_per_bot
            .unwrap_or(crate::delivery::quota::DEFAULT_USERS_PER_BOT)
    }

    /// Whether a person on both channels gets announcements and reminders on
    /// Telegram only (THIDUA_PREFER_TELEGRAM; yes unless "no", "false", "0" or "off").
    pub fn prefer_telegram(&self) -> Result<bool> {
        match self.prefer_telegram.as_deref().map(str::trim) {
            None => Ok(true),
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "yes" | "true" | "1" | "on" => Ok(true),
                "no" | "false" | "0" | "off" => Ok(false),
                _ => Err(Refused::with("config.prefer_telegram", &[("value", v)]).into()),
            },
        }
    }

    /// Zalo's webhook when its URL is configured; a URL without a secret is refused
    /// rather than run unauthenticated.
    pub fn zalo_webhook(&self) -> Result<Option<WebhookConfig>> {
        webhook(
            "ZALO",
            self.zalo_webhook_url.as_deref(),
            self.zalo_webhook_secret.as_ref().map(|s| s.expose_secret()),
            8..=256,
        )
    }

    /// Telegram's webhook when its URL is configured, as for Zalo.
    pub fn telegram_webhook(&self) -> Result<Option<WebhookConfig>> {
        let hook = webhook(
            "TELEGRAM",
            self.telegram_webhook_url.as_deref(),
            self.telegram_webhook_secret
                .as_ref()
                .map(|s| s.expose_secret()),
            1..=256,
        )?;
        // Telegram's rule for secret_token: A-Z, a-z, 0-9, _ and -.
        if let Some(h) = &hook {
            let ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
            if !h.secret.chars().all(ok) {
                return Err(Refused::new("config.telegram_secret_chars").into());
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
            .map(|p| ("THIDUA_HTTP_LISTEN", p.to_string()))
            .collect();
        for (name, hook) in [("TELEGRAM", &hooks.telegram), ("ZALO", &hooks.zalo)] {
            let Some(hook) = hook else { continue };
            let path = hook.path()?;
            if let Some((other, _)) = taken.iter().find(|(_, p)| *p == path) {
                let args = [("name", name), ("path", path.as_str()), ("other", other)];
                return Err(Refused::with("config.webhook_path_taken", &args).into());
            }
            taken.push((name, path));
        }
        Ok(hooks)
    }

    /// Where the HTTP server listens: THIDUA_HTTP_LISTEN; with a webhook and no
    /// address, ZALO_WEBHOOK_LISTEN or 0.0.0.0:8080; otherwise no server.
    pub fn http_listen(&self) -> Result<Option<std::net::SocketAddr>> {
        // The web pages are served by the same server.
        let webhooks = self.zalo_webhook_url.is_some()
            || self.telegram_webhook_url.is_some()
            || self.public_url.is_some();
        let addr = match (&self.http_listen, &self.zalo_webhook_listen) {
            (Some(a), _) => a.as_str(),
            (None, Some(a)) if webhooks => a.as_str(),
            (None, _) if webhooks => "0.0.0.0:8080",
            (None, _) => return Ok(None),
        };
        match addr.parse() {
            Ok(addr) => Ok(Some(addr)),
            Err(_) => Err(Refused::with("config.http_listen", &[("value", addr)]).into()),
        }
    }

    /// The web pages' base URL without its trailing slash: http(s) only, no query.
    pub fn public_url(&self) -> Result<Option<String>> {
        let Some(raw) = self.public_url.as_deref().map(str::trim) else {
            return Ok(None);
        };
        let bad = || Refused::with("config.public_url", &[("value", raw)]);
        let url = reqwest::Url::parse(raw).map_err(|_| bad())?;
        if !matches!(url.scheme(), "http" | "https") || url.query().is_some() {
            return Err(bad().into());
        }
        Ok(Some(raw.trim_end_matches('/').to_string()))
    }

    /// Messages a second the outbox sends overall (THIDUA_SEND_RATE; Telegram's
    /// limit is about 30).
    pub fn send_rate(&self) -> u32 {
        self.send_rate.unwrap_or(crate::delivery::DEFAULT_RATE)
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
    let Some(secret) = secret else {
        return Err(Refused::with("config.webhook_no_secret", &[("name", name)]).into());
    };
    let n = secret.chars().count();
    if !len.contains(&n) {
        let (min, max, n) = (
            len.start().to_string(),
            len.end().to_string(),
            n.to_string(),
        );
        let args = [("name", name), ("min", &min), ("max", &max), ("n", &n)];
        return Err(Refused::with("config.webhook_secret_length", &args).into());
    }
    let hook = WebhookConfig {
        url: url.to_string(),
        secret: secret.to_string(),
    };
    if hook.path().is_err() {
        let args = [("name", name), ("value", url)];
        return Err(Refused::with("config.webhook_not_url", &args).into());
    }
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
            zalo_tokens: Some("998:SECRET, 997:SECRET".into()),
            zalo_webhook_secret: Some("SECRET-hook".into()),
            telegram_webhook_secret: Some("SECRET-tg".into()),
            ..Config::default()
        };
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }

    /// Every field of `Config`, as serde knows them: the error for an unknown key
    /// lists the expected ones.
    fn fields() -> Vec<String> {
        let e = toml::from_str::<Config>("not_a_setting = 1")
            .unwrap_err()
            .to_string();
        let list = e
            .split("expected one of")
            .nth(1)
            .expect("the fields are listed");
        list.split(',')
            .map(|f| f.trim().trim_matches('`').to_string())
            .filter(|f| !f.is_empty())
            .collect()
    }

    #[test]
    fn every_setting_has_a_variable_and_a_key() {
        let mut keys: Vec<String> = SETTINGS.iter().map(|(_, k)| k.to_string()).collect();
        let mut fields = fields();
        keys.sort();
        fields.sort();
        assert_eq!(keys, fields);
    }

    #[test]
    fn the_environment_wins_over_the_file_and_empty_is_unset() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("thidua.toml");
        std::fs::write(
            &file,
            "data_dir = \"from-file\"\nsend_rate = 12\nzalo_webhook_secret = \"12345678\"\n",
        )
        .unwrap();
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |var: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == var)
                    .map(|(_, v)| v.to_string())
            }
        };
        let cfg = Config::from_sources(&file, env(&[("THIDUA_DATA_DIR", "  ")])).unwrap();
        assert_eq!(cfg.data_dir.as_deref(), Some("from-file"));
        assert_eq!(cfg.send_rate(), 12);
        let cfg = Config::from_sources(
            &file,
            env(&[
                ("THIDUA_DATA_DIR", "from-env"),
                ("THIDUA_SEND_RATE", "60"),
                ("TELOXIDE_TOKEN", "123456"),
            ]),
        )
        .unwrap();
        assert_eq!(cfg.data_dir.as_deref(), Some("from-env"));
        assert_eq!(cfg.send_rate(), 60);
        // Digits only: still a token, not a number.
        assert_eq!(cfg.telegram_token(), Some("123456"));
        let zero = Config::from_sources(&file, env(&[("THIDUA_SEND_RATE", "0")]));
        assert!(format!("{:#}", zero.unwrap_err()).contains("send_rate"));
        let nothing = dir.path().join("none.toml");
        assert_eq!(
            Config::from_sources(&nothing, env(&[]))
                .unwrap()
                .send_rate(),
            crate::delivery::DEFAULT_RATE
        );
    }

    #[test]
    fn a_key_the_file_should_not_have_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("thidua.toml");
        std::fs::write(&file, "telegram_tokn = \"x\"\n").unwrap();
        let e = format!("{:#}", Config::from_sources(&file, |_| None).unwrap_err());
        assert!(e.contains("telegram_tokn"), "{e}");
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
