//! A small client for the Zalo Bot API: every method is a POST with a JSON body to
//! `{base}/bot{token}/{method}`, answered by `{ok, result, error_code, description}`.
//! The token sits in the URL path, so no URL is ever put into an error or a log.

use std::fmt;
use std::time::Duration;

use serde_json::{json, Value};

use super::update::{self, ZaloUpdate};

pub const DEFAULT_API_URL: &str = "https://bot-api.zaloplatforms.com";
/// getUpdates answers this code when nothing arrived within the timeout.
const NOTHING_NEW: i64 = 408;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZaloError {
    /// Zalo answered `ok: false`.
    Api { code: i64, description: String },
    /// The request did not get an answer (connection, timeout, non-JSON body).
    Transport(String),
}

impl ZaloError {
    /// 429, "Quota exceeded": the bot's messages for the month are spent. Zalo gives
    /// no `retry_after`; waiting seconds changes nothing.
    pub fn is_quota(&self) -> bool {
        matches!(self, ZaloError::Api { code: 429, .. })
    }

    /// Worth retrying after a pause: no answer, 403 (Zalo's "Internal server error",
    /// not a person who left) and 5xx. Zalo documents no code for "blocked".
    pub fn is_transient(&self) -> bool {
        match self {
            ZaloError::Transport(_) => true,
            ZaloError::Api { code, .. } => *code == 403 || *code >= 500,
        }
    }
}

impl fmt::Display for ZaloError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZaloError::Api { code, description } => write!(f, "Zalo error {code}: {description}"),
            ZaloError::Transport(e) => write!(f, "Zalo unreachable: {e}"),
        }
    }
}

impl std::error::Error for ZaloError {}

/// Where Zalo serves the photos users send. A photo URL elsewhere (or over plain
/// HTTP) is not fetched: the bot must not become a way to reach other machines.
pub const DEFAULT_FILE_HOSTS: &str = "zdn.vn,zadn.vn,zalo.me,zaloapp.com";

#[derive(Clone)]
pub struct ZaloClient {
    http: reqwest::Client,
    /// `{api_url}/bot{token}`: secret, never printed.
    base: String,
    /// The token and its secret part, cut out of any text Zalo sends back before it
    /// can reach a log.
    secrets: Vec<String>,
    /// `host` (HTTPS, the host or any subdomain) or `scheme://host` entries.
    file_hosts: Vec<String>,
}

impl fmt::Debug for ZaloClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ZaloClient { .. }")
    }
}

impl ZaloClient {
    pub fn new(token: &str, api_url: Option<&str>) -> ZaloClient {
        let api = api_url.unwrap_or(DEFAULT_API_URL).trim_end_matches('/');
        let mut secrets = vec![token.to_string()];
        if let Some((_, secret)) = token.split_once(':').filter(|(_, s)| s.len() >= 8) {
            secrets.push(secret.to_string());
        }
        ZaloClient {
            http: reqwest::Client::new(),
            base: format!("{api}/bot{token}"),
            secrets,
            file_hosts: split_hosts(DEFAULT_FILE_HOSTS),
        }
    }

    /// Hosts photos may come from, as `ZALO_FILE_HOSTS` lists them.
    pub fn with_file_hosts(mut self, hosts: &str) -> ZaloClient {
        self.file_hosts = split_hosts(hosts);
        self
    }

    fn redact(&self, text: &str) -> String {
        self.secrets
            .iter()
            .fold(text.to_string(), |t, s| t.replace(s.as_str(), "***"))
    }

    /// Whether a photo URL is one of Zalo's (or, in tests, of the configured hosts).
    pub fn may_fetch(&self, url: &str) -> bool {
        let Ok(url) = reqwest::Url::parse(url) else {
            return false;
        };
        let Some(host) = url.host_str() else {
            return false;
        };
        self.file_hosts
            .iter()
            .any(|allowed| match allowed.split_once("://") {
                Some((scheme, h)) => url.scheme() == scheme && host == h,
                None => {
                    url.scheme() == "https"
                        && (host == allowed || host.ends_with(&format!(".{allowed}")))
                }
            })
    }

    async fn call(&self, method: &str, body: Value, timeout: Duration) -> Result<Value, ZaloError> {
        let response = self
            .http
            .post(format!("{}/{method}", self.base))
            .json(&body)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| ZaloError::Transport(self.redact(&e.without_url().to_string())))?;
        let status = response.status();
        let envelope: Value = response.json().await.map_err(|e| {
            ZaloError::Transport(self.redact(&format!("HTTP {status}: {}", e.without_url())))
        })?;
        if envelope.get("ok").and_then(Value::as_bool) == Some(true) {
            Ok(envelope)
        } else {
            Err(ZaloError::Api {
                code: envelope
                    .get("error_code")
                    .and_then(Value::as_i64)
                    .unwrap_or(i64::from(status.as_u16())),
                description: self.redact(
                    envelope
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                ),
            })
        }
    }

    pub async fn get_me(&self) -> Result<Value, ZaloError> {
        let envelope = self
            .call("getMe", json!({}), Duration::from_secs(20))
            .await?;
        Ok(envelope.get("result").cloned().unwrap_or(Value::Null))
    }

    /// Long polling; nothing new is an empty list, not an error.
    pub async fn get_updates(&self, timeout_secs: u64) -> Result<Vec<ZaloUpdate>, ZaloError> {
        let wait = Duration::from_secs(timeout_secs + 10);
        match self
            .call(
                "getUpdates",
                json!({ "timeout": timeout_secs.to_string() }),
                wait,
            )
            .await
        {
            Ok(envelope) => Ok(update::parse(&envelope)),
            Err(ZaloError::Api {
                code: NOTHING_NEW, ..
            }) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    pub async fn send_message(&self, chat_id: &str, text: &str) -> Result<(), ZaloError> {
        self.call(
            "sendMessage",
            json!({ "chat_id": chat_id, "text": text }),
            Duration::from_secs(20),
        )
        .await
        .map(drop)
    }

    /// A picture by URL, with an optional caption (1–2 000 characters).
    pub async fn send_photo(
        &self,
        chat_id: &str,
        photo_url: &str,
        caption: Option<&str>,
    ) -> Result<(), ZaloError> {
        let mut body = json!({ "chat_id": chat_id, "photo": photo_url });
        if let Some(c) = caption {
            body["caption"] = json!(c);
        }
        self.call("sendPhoto", body, Duration::from_secs(30))
            .await
            .map(drop)
    }

    /// The webhook URL Zalo has on record (empty when polling).
    pub async fn get_webhook_info(&self) -> Result<String, ZaloError> {
        let envelope = self
            .call("getWebhookInfo", json!({}), Duration::from_secs(20))
            .await?;
        Ok(envelope["result"]["url"]
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    pub async fn send_typing(&self, chat_id: &str) -> Result<(), ZaloError> {
        self.call(
            "sendChatAction",
            json!({ "chat_id": chat_id, "action": "typing" }),
            Duration::from_secs(10),
        )
        .await
        .map(drop)
    }

    /// A photo a user sent: Zalo gives it as a URL.
    pub async fn download(&self, url: &str, max: u64) -> anyhow::Result<Vec<u8>> {
        if !self.may_fetch(url) {
            anyhow::bail!("photo URL outside Zalo's hosts refused");
        }
        let mut response = self
            .http
            .get(url)
            .timeout(Duration::from_secs(60))
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("photo download: {}", e.without_url()))?
            .error_for_status()
            .map_err(|e| anyhow::anyhow!("photo download: {}", e.without_url()))?;
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| anyhow::anyhow!("photo download: {}", e.without_url()))?
        {
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > max {
                return Err(crate::domain::document_file::TooLarge {
                    bytes: bytes.len() as u64,
                }
                .into());
            }
        }
        Ok(bytes)
    }

    /// Sets the webhook; Zalo calls the URL at once and reports how that went in a
    /// `verification` block, returned here as text ("none" when it gave none).
    pub async fn set_webhook(&self, url: &str, secret: &str) -> Result<String, ZaloError> {
        let envelope = self
            .call(
                "setWebhook",
                json!({ "url": url, "secret_token": secret }),
                Duration::from_secs(20),
            )
            .await?;
        Ok(match envelope["result"].get("verification") {
            Some(v) => self.redact(&v.to_string()),
            None => "none".to_string(),
        })
    }

    pub async fn delete_webhook(&self) -> Result<(), ZaloError> {
        self.call("deleteWebhook", json!({}), Duration::from_secs(20))
            .await
            .map(drop)
    }
}

fn split_hosts(list: &str) -> Vec<String> {
    list.split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect()
}

#[cfg(test)]
mod host_tests {
    use super::*;

    #[test]
    fn only_zalo_hosts_over_https_are_fetched() {
        let c = ZaloClient::new("123:secret-part-of-token", None);
        assert!(c.may_fetch("https://s120.zdn.vn/photo/abc.jpg"));
        assert!(c.may_fetch("https://zalo.me/x.jpg"));
        assert!(!c.may_fetch("http://s120.zdn.vn/photo/abc.jpg"));
        assert!(!c.may_fetch("https://127.0.0.1/x.jpg"));
        assert!(!c.may_fetch("https://evilzdn.vn/x.jpg"));
        assert!(!c.may_fetch("http://localhost:8080/admin"));
        let test = c.clone().with_file_hosts("http://127.0.0.1");
        assert!(test.may_fetch("http://127.0.0.1:4000/img/scan.jpg"));
        assert!(!test.may_fetch("https://s120.zdn.vn/photo/abc.jpg"));
    }

    #[test]
    fn the_token_never_survives_in_a_description() {
        let c = ZaloClient::new("1459232241454765289:zalo-secret-part", None);
        let said = c.redact("bad path /bot1459232241454765289:zalo-secret-part/sendMessage");
        assert!(!said.contains("zalo-secret-part"), "{said}");
        assert!(!c
            .redact("secret zalo-secret-part alone")
            .contains("zalo-secret-part"));
    }
}
