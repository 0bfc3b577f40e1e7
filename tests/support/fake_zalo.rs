//! A fake Zalo Bot API on 127.0.0.1, built to what the platform's documentation says:
//! POST with JSON bodies, `{ok, result | error_code, description}`, getUpdates hands
//! out one update at a time and answers 408 when nothing came, text limited to
//! 2 000 characters, getUpdates refused while a webhook is set.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::Notify;

pub const TOKEN: &str = "1459232241454765289:zalo-secret-part";

#[derive(Debug, Clone)]
pub struct ZSent {
    pub chat_id: String,
    pub text: String,
}

#[derive(Default)]
struct Inner {
    queue: VecDeque<Value>,
    sent: Vec<ZSent>,
    refused: Vec<String>,
    webhook: Option<(String, String)>,
    calls: Vec<String>,
    next_id: u64,
}

#[derive(Clone)]
pub struct FakeZalo {
    inner: Arc<Mutex<Inner>>,
    notify: Arc<Notify>,
    pub addr: SocketAddr,
}

#[derive(Clone)]
pub struct ZUser {
    pub id: String,
    pub name: String,
    /// Zalo has shown the sender's name under both keys.
    pub name_key: &'static str,
}

impl ZUser {
    pub fn new(id: &str, name: &str) -> ZUser {
        ZUser {
            id: id.into(),
            name: name.into(),
            name_key: "display_name",
        }
    }
}

fn ok(result: Value) -> Json<Value> {
    Json(json!({ "ok": true, "result": result }))
}

fn err(code: i64, description: &str) -> Json<Value> {
    Json(json!({ "ok": false, "error_code": code, "description": description }))
}

impl FakeZalo {
    pub async fn start() -> FakeZalo {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fake = FakeZalo {
            inner: Arc::default(),
            notify: Arc::new(Notify::new()),
            addr: listener.local_addr().unwrap(),
        };
        let app = Router::new()
            .route("/{token}/{method}", post(handle))
            .route(
                "/img/{name}",
                axum::routing::get(
                    |axum::extract::State(fake): axum::extract::State<FakeZalo>| async move {
                        fake.inner.lock().unwrap().calls.push("img".into());
                        b"\xff\xd8\xff zalo jpeg".to_vec()
                    },
                ),
            )
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        fake
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The update as Zalo describes it, for getUpdates or a webhook body.
    pub fn update(&self, user: &ZUser, event: &str, content: Value) -> Value {
        let mut inner = self.inner.lock().unwrap();
        inner.next_id += 1;
        let mut message = json!({
            "chat": { "id": user.id, "chat_type": "PRIVATE" },
            "message_id": format!("{:020x}", inner.next_id),
            "date": 1_766_619_597_466_i64,
            "from": { "id": user.id, user.name_key: user.name },
        });
        for (k, v) in content.as_object().unwrap() {
            message[k] = v.clone();
        }
        json!({ "event_name": event, "message": message })
    }

    pub fn push(&self, update: Value) {
        self.inner.lock().unwrap().queue.push_back(update);
        self.notify.notify_waiters();
    }

    pub fn send_text(&self, user: &ZUser, text: &str) {
        let u = self.update(user, "message.text.received", json!({ "text": text }));
        self.push(u);
    }

    pub fn send_image(&self, user: &ZUser) {
        let u = self.update(
            user,
            "message.image.received",
            json!({ "photo": "https://example.invalid/scan.jpg" }),
        );
        self.push(u);
    }

    /// A photo the user took, served by this fake at a URL as Zalo serves them.
    pub fn send_photo(&self, user: &ZUser) {
        let url = format!("{}/img/scan.jpg", self.url());
        let u = self.update(user, "message.image.received", json!({ "photo": url }));
        self.push(u);
    }

    pub fn send_sticker(&self, user: &ZUser) {
        let u = self.update(
            user,
            "message.sticker.received",
            json!({ "sticker": "0e078a2fb66a5f34067b" }),
        );
        self.push(u);
    }

    pub fn sent_to(&self, chat_id: &str) -> Vec<ZSent> {
        self.inner
            .lock()
            .unwrap()
            .sent
            .iter()
            .filter(|s| s.chat_id == chat_id)
            .cloned()
            .collect()
    }

    /// sendMessage calls refused for breaking the API's rules.
    pub fn refused(&self) -> Vec<String> {
        self.inner.lock().unwrap().refused.clone()
    }

    pub fn webhook(&self) -> Option<(String, String)> {
        self.inner.lock().unwrap().webhook.clone()
    }

    pub fn calls(&self) -> Vec<String> {
        self.inner.lock().unwrap().calls.clone()
    }
}

async fn handle(
    State(fake): State<FakeZalo>,
    Path((token, method)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Json<Value> {
    if token != format!("bot{TOKEN}") {
        return err(401, "Unauthorized");
    }
    let params: Value = serde_json::from_slice(&body).unwrap_or(json!({}));
    fake.inner.lock().unwrap().calls.push(method.clone());
    match method.as_str() {
        "getMe" => ok(json!({
            "id": "1459232241454765289", "account_name": "bot.thidua",
            "account_type": "BASIC", "can_join_groups": false
        })),
        "getUpdates" => get_updates(&fake, &params).await,
        "sendMessage" => {
            let chat_id = params["chat_id"].as_str().unwrap_or_default().to_string();
            let text = params["text"].as_str().unwrap_or_default().to_string();
            let len = text.chars().count();
            if chat_id.is_empty() || !(1..=2000).contains(&len) {
                fake.inner
                    .lock()
                    .unwrap()
                    .refused
                    .push(format!("{len} characters to {chat_id:?}"));
                return err(400, "text must be 1 to 2000 characters");
            }
            fake.inner
                .lock()
                .unwrap()
                .sent
                .push(ZSent { chat_id, text });
            ok(json!({ "message_id": "82599fa32f56d00e8941", "date": 1_749_632_637_199_i64 }))
        }
        "setWebhook" => {
            let url = params["url"].as_str().unwrap_or_default().to_string();
            let secret = params["secret_token"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            if url.is_empty() || !(8..=256).contains(&secret.chars().count()) {
                return err(400, "url and an 8-256 character secret_token are required");
            }
            fake.inner.lock().unwrap().webhook = Some((url.clone(), secret));
            ok(json!({ "url": url, "updated_at": 1_749_538_250_568_i64 }))
        }
        "deleteWebhook" => {
            fake.inner.lock().unwrap().webhook = None;
            ok(json!({ "url": "", "updated_at": 1_749_538_250_568_i64 }))
        }
        "getWebhookInfo" => {
            let url = fake.webhook().map(|w| w.0).unwrap_or_default();
            ok(json!({ "url": url, "updated_at": 1_749_538_250_568_i64 }))
        }
        "sendChatAction" => Json(json!({ "ok": true })),
        "sendPhoto" => {
            let chat_id = params["chat_id"].as_str().unwrap_or_default().to_string();
            if params["photo"].as_str().is_none_or(str::is_empty) {
                return err(400, "photo is required");
            }
            let text = params["caption"].as_str().unwrap_or_default().to_string();
            fake.inner
                .lock()
                .unwrap()
                .sent
                .push(ZSent { chat_id, text });
            ok(json!({ "message_id": "82599fa32f56d00e8942", "date": 1_749_632_637_199_i64 }))
        }
        _ => err(404, "method not found"),
    }
}

async fn get_updates(fake: &FakeZalo, params: &Value) -> Json<Value> {
    if fake.webhook().is_some() {
        return err(400, "getUpdates is not available while a webhook is set");
    }
    let timeout: u64 = params["timeout"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or(30);
    let deadline = Instant::now() + Duration::from_secs(timeout.min(2));
    loop {
        let notified = fake.notify.notified();
        if let Some(u) = fake.inner.lock().unwrap().queue.pop_front() {
            return ok(u);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || tokio::time::timeout(left, notified).await.is_err() {
            return err(408, "Request timeout");
        }
    }
}

/// One person's Zalo chat with the bot.
pub struct ZTalk {
    pub api: FakeZalo,
    pub user: ZUser,
    seen: usize,
}

impl ZTalk {
    pub fn new(api: &FakeZalo, user: ZUser) -> ZTalk {
        ZTalk {
            api: api.clone(),
            user,
            seen: 0,
        }
    }

    pub fn say(&mut self, text: &str) -> &mut Self {
        self.api.send_text(&self.user, text);
        self
    }

    pub fn image(&mut self) -> &mut Self {
        self.api.send_image(&self.user);
        self
    }

    pub fn photo(&mut self) -> &mut Self {
        self.api.send_photo(&self.user);
        self
    }

    pub fn sticker(&mut self) -> &mut Self {
        self.api.send_sticker(&self.user);
        self
    }

    /// The next message containing `part`; earlier unread ones are passed over.
    pub async fn expect(&mut self, part: &str) -> ZSent {
        let (api, id) = (self.api.clone(), self.user.id.clone());
        super::next_containing(&mut self.seen, || api.sent_to(&id), |s| &s.text, part, &id).await
    }

    /// Skips ("1": the first numbered choice) the optional questions after the one with
    /// `key`, however many the form has, and returns the summary's first message.
    pub async fn skip_after(&mut self, key: &str) -> ZSent {
        let total = thidua::conversation::registration_form::REGISTRATION
            .fields
            .len();
        let left = super::items_after(key);
        for next in total - left + 2..=total {
            self.say("1").expect(&super::step(next)).await;
        }
        self.say("1").expect("Xin kiểm tra lại").await
    }

    /// Everything said since the last look, once the bot has been quiet for a moment
    /// (longer than on Telegram: Zalo messages to one chat are a second apart).
    pub async fn quiet(&mut self) -> Vec<ZSent> {
        let (api, id) = (self.api.clone(), self.user.id.clone());
        super::settle(
            &mut self.seen,
            || api.sent_to(&id),
            Duration::from_millis(1300),
        )
        .await
    }
}
