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
        Ok(cfg)
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
