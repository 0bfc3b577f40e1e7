//! A fake Telegram Bot API on 127.0.0.1: queues updates for `getUpdates` the way
//! Telegram does (kept until a later offset confirms them, so a killed bot gets them
//! again), records everything the bot sends, and answers like the real server.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::{watch, Notify};

pub const BOT_ID: i64 = 4242;
pub const BOT_USERNAME: &str = "thidua_test_bot";

#[derive(Debug, Clone)]
pub struct Sent {
    pub method: String,
    pub chat_id: i64,
    pub text: String,
    /// `(label, callback data)` of every inline button, row by row.
    pub buttons: Vec<(String, String)>,
    pub document: Option<(String, Vec<u8>)>,
    pub at: std::time::Instant,
}

impl Sent {
    pub fn button(&self, label_part: &str) -> String {
        self.buttons
            .iter()
            .find(|(l, _)| l.contains(label_part))
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| panic!("no button '{label_part}' in {:?}", self.buttons))
    }
}

#[derive(Default)]
struct Inner {
    next_update_id: i64,
    pending: BTreeMap<i64, Value>,
    sent: Vec<Sent>,
    /// Positions in `sent` of each chat's messages, so waiting for one chat's reply
    /// does not copy everyone's: a thousand chairs wait at once under load.
    by_chat: HashMap<i64, Vec<usize>>,
    /// How many messages each awaited chat has, for its waiters to wake on.
    counts: HashMap<i64, watch::Sender<usize>>,
    next_message_id: i64,
    commands: Vec<Value>,
    /// Chats that blocked the bot: 403 as Telegram words it.
    blocked: std::collections::HashSet<i64>,
    /// Sends refused because the chat blocked the bot, by chat.
    to_blocked: HashMap<i64, u32>,
    /// Chats whose messages the server fails to take (500) for now.
    failing: std::collections::HashSet<i64>,
    /// Files are refused (a server error) while text still goes.
    failing_documents: bool,
    /// Documents without `file_size` (optional in the Bot API).
    omit_sizes: bool,
    /// How many sends each failing chat was refused.
    refused: std::collections::HashMap<i64, u32>,
    /// Messages a second the server accepts before answering 429.
    rate_limit: Option<u32>,
    window: (Option<std::time::Instant>, u32),
    too_many: u64,
    /// Files users sent, by file_id, for getFile and the download path.
    files: std::collections::HashMap<String, Vec<u8>>,
    /// setWebhook's URL and secret: updates are POSTed there instead of polled.
    webhook: Option<(String, String)>,
    /// Webhook calls answered other than 200 (retried, as Telegram does).
    webhook_refused: u64,
    /// Every send takes this long to be answered (a slow network).
    slow_sends: Option<Duration>,
}

#[derive(Clone)]
pub struct FakeTelegram {
    inner: Arc<Mutex<Inner>>,
    notify: Arc<Notify>,
    pub addr: SocketAddr,
}

impl FakeTelegram {
    pub async fn start() -> FakeTelegram {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let fake = FakeTelegram {
            inner: Arc::new(Mutex::new(Inner {
                next_update_id: 1000,
                next_message_id: 1,
                ..Inner::default()
            })),
            notify: Arc::new(Notify::new()),
            addr,
        };
        let app = Router::new()
            .route("/{token}/{method}", post(handle))
            .route("/file/{token}/{*path}", axum::routing::get(download))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        tokio::spawn(push_to_webhook(fake.clone()));
        fake
    }

    /// From now on every send takes `d` to be answered.
    pub fn slow_sends(&self, d: Duration) {
        self.inner.lock().unwrap().slow_sends = Some(d);
    }

    /// The webhook the bot set, if any: (URL, secret).
    pub fn webhook(&self) -> Option<(String, String)> {
        self.inner.lock().unwrap().webhook.clone()
    }

    /// Webhook calls the bot did not answer with 200.
    pub fn webhook_refused(&self) -> u64 {
        self.inner.lock().unwrap().webhook_refused
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    fn push(&self, make: impl FnOnce(i64) -> Value) {
        let mut inner = self.inner.lock().unwrap();
        let id = inner.next_update_id;
        inner.next_update_id += 1;
        inner.pending.insert(id, make(id));
        drop(inner);
        self.notify.notify_waiters();
    }

    pub fn send_text(&self, user: &User, text: &str) {
        let msg = user.message(json!({ "text": text }));
        self.push(|id| json!({ "update_id": id, "message": msg }));
    }

    pub fn send_photo(&self, user: &User) {
        let msg = user.message(json!({ "photo": [{
            "file_id": "AgAD-photo", "file_unique_id": "photo-1", "width": 90, "height": 90, "file_size": 1234
        }] }));
        self.push(|id| json!({ "update_id": id, "message": msg }));
    }

    pub fn send_sticker(&self, user: &User) {
        let msg = user.message(json!({ "sticker": {
            "file_id": "CAAD-sticker", "file_unique_id": "sticker-1", "type": "regular",
            "width": 512, "height": 512, "is_animated": false, "is_video": false
        } }));
        self.push(|id| json!({ "update_id": id, "message": msg }));
    }

    /// A document as Telegram delivers it: metadata in the message, bytes on request.
    pub fn send_document(&self, user: &User, name: &str, mime: &str, bytes: &[u8]) {
        let file_id = {
            let mut inner = self.inner.lock().unwrap();
            let id = format!("BQACAgIAAxkBAAI{}", inner.files.len() + 1);
            inner.files.insert(id.clone(), bytes.to_vec());
            id
        };
        let mut msg = user.message(json!({ "document": {
            "file_id": file_id, "file_unique_id": format!("u{file_id}"), "file_name": name,
            "mime_type": mime, "file_size": bytes.len()
        } }));
        if self.inner.lock().unwrap().omit_sizes {
            msg["document"].as_object_mut().unwrap().remove("file_size");
        }
        self.push(|id| json!({ "update_id": id, "message": msg }));
    }

    /// Documents sent from now on come without `file_size`, which the Bot API allows.
    pub fn omit_file_sizes(&self) {
        self.inner.lock().unwrap().omit_sizes = true;
    }

    pub fn press(&self, user: &User, data: &str) {
        let message = user.bot_message();
        let from = user.json();
        let data = data.to_string();
        self.push(|id| {
            json!({ "update_id": id, "callback_query": {
                "id": format!("cq{id}"), "from": from, "message": message,
                "chat_instance": "ci", "data": data
            }})
        });
    }

    pub fn sent(&self) -> Vec<Sent> {
        self.inner.lock().unwrap().sent.clone()
    }

    pub fn sent_to(&self, chat_id: i64) -> Vec<Sent> {
        self.inner.lock().unwrap().sent_to(chat_id, 0)
    }

    /// The messages to `chat_id` after its first `seen`, as soon as there is at least
    /// one; empty if none came by `deadline`.
    pub async fn wait_sent_to(
        &self,
        chat_id: i64,
        seen: usize,
        deadline: tokio::time::Instant,
    ) -> Vec<Sent> {
        let mut count = {
            let mut inner = self.inner.lock().unwrap();
            let now = inner.by_chat.get(&chat_id).map_or(0, Vec::len);
            inner
                .counts
                .entry(chat_id)
                .or_insert_with(|| watch::channel(now).0)
                .subscribe()
        };
        // The count is updated under the same lock as the messages, and `wait_for`
        // looks at the current value first: nothing sent in between is missed.
        let _ = tokio::time::timeout_at(deadline, count.wait_for(|n| *n > seen)).await;
        self.inner.lock().unwrap().sent_to(chat_id, seen)
    }

    /// Updates the bot has not confirmed yet.
    pub fn unconfirmed(&self) -> usize {
        self.inner.lock().unwrap().pending.len()
    }

    pub fn block(&self, chat_id: i64) {
        self.inner.lock().unwrap().blocked.insert(chat_id);
    }

    /// How many sends to `chat_id` were refused because it blocked the bot.
    pub fn sends_after_block(&self, chat_id: i64) -> u32 {
        let inner = self.inner.lock().unwrap();
        inner.to_blocked.get(&chat_id).copied().unwrap_or(0)
    }

    /// Makes sends to this chat fail with a server error until called with `false`.
    pub fn fail_chat(&self, chat_id: i64, failing: bool) {
        let mut inner = self.inner.lock().unwrap();
        if failing {
            inner.failing.insert(chat_id);
        } else {
            inner.failing.remove(&chat_id);
        }
    }

    /// Makes every sendDocument fail with a server error until called with `false`.
    pub fn fail_documents(&self, failing: bool) {
        self.inner.lock().unwrap().failing_documents = failing;
    }

    /// How many sends to this chat `fail_chat` refused.
    pub fn refused(&self, chat_id: i64) -> u32 {
        self.inner
            .lock()
            .unwrap()
            .refused
            .get(&chat_id)
            .copied()
            .unwrap_or(0)
    }

    pub fn limit_rate(&self, per_second: u32) {
        self.inner.lock().unwrap().rate_limit = Some(per_second);
    }

    /// How many 429 answers were given.
    pub fn too_many(&self) -> u64 {
        self.inner.lock().unwrap().too_many
    }

    pub fn commands(&self) -> Vec<Value> {
        self.inner.lock().unwrap().commands.clone()
    }
}

impl Inner {
    fn sent_to(&self, chat_id: i64, skip: usize) -> Vec<Sent> {
        self.by_chat.get(&chat_id).map_or_else(Vec::new, |at| {
            at.iter()
                .skip(skip)
                .map(|&i| self.sent[i].clone())
                .collect()
        })
    }

    fn record(&mut self, sent: Sent) {
        let chat_id = sent.chat_id;
        self.sent.push(sent);
        let at = self.by_chat.entry(chat_id).or_default();
        at.push(self.sent.len() - 1);
        let n = at.len();
        if let Some(count) = self.counts.get(&chat_id) {
            count.send_replace(n);
        }
    }
}

#[derive(Clone)]
pub struct User {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub language_code: String,
}

impl User {
    pub fn new(id: i64, first_name: &str, last_name: &str) -> User {
        User {
            id,
            first_name: first_name.into(),
            last_name: last_name.into(),
            language_code: "vi".into(),
        }
    }

    fn json(&self) -> Value {
        json!({ "id": self.id, "is_bot": false, "first_name": self.first_name,
                "last_name": self.last_name, "language_code": self.language_code })
    }

    fn chat(&self) -> Value {
        json!({ "id": self.id, "type": "private", "first_name": self.first_name })
    }

    fn message(&self, content: Value) -> Value {
        let mut m = json!({ "message_id": 1, "date": 1_735_700_000, "chat": self.chat(), "from": self.json() });
        for (k, v) in content.as_object().unwrap() {
            m[k] = v.clone();
        }
        m
    }

    fn bot_message(&self) -> Value {
        json!({ "message_id": 1, "date": 1_735_700_000, "chat": self.chat(),
                "from": bot_user(), "text": "…" })
    }
}

fn bot_user() -> Value {
    json!({ "id": BOT_ID, "is_bot": true, "first_name": "thidua", "username": BOT_USERNAME })
}

fn ok(result: Value) -> Json<Value> {
    Json(json!({ "ok": true, "result": result }))
}

async fn handle(
    State(fake): State<FakeTelegram>,
    Path((_token, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Json<Value> {
    let method = method.to_ascii_lowercase();
    let is_multipart = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    let params: Value = if is_multipart {
        multipart_params(&headers, body).await
    } else {
        serde_json::from_slice(&body).unwrap_or(json!({}))
    };
    match method.as_str() {
        "getme" => ok(json!({
            "id": BOT_ID, "is_bot": true, "first_name": "thidua", "username": BOT_USERNAME,
            "can_join_groups": false, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "has_main_web_app": false
        })),
        "getupdates" if fake.webhook().is_some() => Json(json!({
            "ok": false, "error_code": 409,
            "description": "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
        })),
        "getupdates" => ok(get_updates(&fake, &params).await),
        "setwebhook" => {
            let url = params["url"].as_str().unwrap_or_default().to_string();
            let secret = params["secret_token"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            fake.inner.lock().unwrap().webhook = Some((url, secret));
            fake.notify.notify_waiters();
            ok(json!(true))
        }
        "deletewebhook" => {
            fake.inner.lock().unwrap().webhook = None;
            ok(json!(true))
        }
        // No webhook set; a bare `true` here makes teloxide log an ERROR at each start.
        "getwebhookinfo" => ok(json!({
            "url": "", "has_custom_certificate": false, "pending_update_count": 0
        })),
        "sendmessage" | "senddocument" => {
            let slow = fake.inner.lock().unwrap().slow_sends;
            if let Some(d) = slow {
                tokio::time::sleep(d).await;
            }
            let chat_id = match &params["chat_id"] {
                Value::Number(n) => n.as_i64().unwrap(),
                Value::String(s) => s.parse().unwrap(),
                other => panic!("chat_id {other:?}"),
            };
            let buttons = params["reply_markup"]["inline_keyboard"]
                .as_array()
                .map(|rows| {
                    rows.iter()
                        .flat_map(|r| r.as_array().unwrap().iter())
                        .map(|b| {
                            (
                                b["text"].as_str().unwrap().to_string(),
                                b["callback_data"].as_str().unwrap_or_default().to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let text = params["text"]
                .as_str()
                .or(params["caption"].as_str())
                .unwrap_or_default()
                .to_string();
            let document = params.get("__document").map(|d| {
                (
                    d["name"].as_str().unwrap().to_string(),
                    d["bytes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|b| b.as_u64().unwrap() as u8)
                        .collect(),
                )
            });
            let mut inner = fake.inner.lock().unwrap();
            if inner.blocked.contains(&chat_id) {
                *inner.to_blocked.entry(chat_id).or_default() += 1;
                return Json(json!({ "ok": false, "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user" }));
            }
            if inner.failing.contains(&chat_id) || (document.is_some() && inner.failing_documents) {
                *inner.refused.entry(chat_id).or_default() += 1;
                return Json(json!({ "ok": false, "error_code": 500,
                    "description": "Internal Server Error" }));
            }
            if let Some(limit) = inner.rate_limit {
                let now = std::time::Instant::now();
                let (start, count) = &mut inner.window;
                if start.is_none_or(|s| now.duration_since(s) >= Duration::from_secs(1)) {
                    *start = Some(now);
                    *count = 0;
                }
                *count += 1;
                if *count > limit {
                    inner.too_many += 1;
                    return Json(json!({ "ok": false, "error_code": 429,
                        "description": "Too Many Requests: retry after 1",
                        "parameters": { "retry_after": 1 } }));
                }
            }
            let message_id = inner.next_message_id;
            inner.next_message_id += 1;
            inner.record(Sent {
                method,
                chat_id,
                text: text.clone(),
                buttons,
                document,
                at: std::time::Instant::now(),
            });
            ok(json!({
                "message_id": message_id, "date": 1_735_700_000,
                "chat": { "id": chat_id, "type": "private", "first_name": "x" },
                "from": bot_user(), "text": text
            }))
        }
        "getfile" => {
            let file_id = params["file_id"].as_str().unwrap_or_default().to_string();
            let size = fake.inner.lock().unwrap().files.get(&file_id).map(Vec::len);
            match size {
                Some(size) => ok(json!({
                    "file_id": file_id, "file_unique_id": format!("u{file_id}"),
                    "file_size": size, "file_path": format!("documents/{file_id}")
                })),
                None => Json(json!({ "ok": false, "error_code": 400,
                    "description": "Bad Request: invalid file_id" })),
            }
        }
        "setmycommands" => {
            fake.inner.lock().unwrap().commands.push(params);
            ok(json!(true))
        }
        _ => ok(json!(true)),
    }
}

/// Long polling as Telegram does it: `offset` confirms every earlier update; wait for
/// news up to the requested timeout (capped, to keep tests quick).
/// Webhook mode, as Telegram does it: pending updates are POSTed to the webhook with
/// the secret header, up to `WEBHOOK_CONNECTIONS` at once but one chat's at a time and
/// in order, each dropped once answered 200 and otherwise tried again a moment later.
async fn push_to_webhook(fake: FakeTelegram) {
    const WEBHOOK_CONNECTIONS: usize = 40;
    let client = reqwest::Client::new();
    let busy: Arc<Mutex<std::collections::HashSet<i64>>> = Arc::default();
    let slots = Arc::new(tokio::sync::Semaphore::new(WEBHOOK_CONNECTIONS));
    loop {
        let notified = fake.notify.notified();
        let next = {
            let inner = fake.inner.lock().unwrap();
            let mut busy = busy.lock().unwrap();
            let found = inner.webhook.as_ref().and_then(|(url, secret)| {
                // The first update of each chat not already in flight: a chat's
                // later updates wait for its earlier one.
                let mut waiting = std::collections::HashSet::new();
                inner.pending.iter().find_map(|(id, u)| {
                    let chat = update_chat(u);
                    if busy.contains(&chat) || !waiting.insert(chat) {
                        return None;
                    }
                    Some((url.clone(), secret.clone(), *id, u.clone(), chat))
                })
            });
            if let Some((.., chat)) = &found {
                busy.insert(*chat);
            }
            found
        };
        let Some((url, secret, id, update, chat)) = next else {
            let _ = tokio::time::timeout(Duration::from_millis(100), notified).await;
            continue;
        };
        let permit = slots.clone().acquire_owned().await.unwrap();
        let (fake, client, busy) = (fake.clone(), client.clone(), busy.clone());
        tokio::spawn(async move {
            let answer = client
                .post(&url)
                .header("X-Telegram-Bot-Api-Secret-Token", secret)
                .json(&update)
                .timeout(Duration::from_secs(30))
                .send()
                .await;
            let delivered = matches!(&answer, Ok(r) if r.status().is_success());
            if delivered {
                fake.inner.lock().unwrap().pending.remove(&id);
            } else {
                fake.inner.lock().unwrap().webhook_refused += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            busy.lock().unwrap().remove(&chat);
            drop(permit);
            fake.notify.notify_waiters();
        });
    }
}

/// The chat an update belongs to (its message's, or its button's message's).
fn update_chat(u: &Value) -> i64 {
    u["message"]["chat"]["id"]
        .as_i64()
        .or_else(|| u["callback_query"]["message"]["chat"]["id"].as_i64())
        .or_else(|| u["callback_query"]["from"]["id"].as_i64())
        .unwrap_or(0)
}

async fn get_updates(fake: &FakeTelegram, params: &Value) -> Value {
    let offset = params["offset"].as_i64().unwrap_or(0);
    let timeout = params["timeout"].as_u64().unwrap_or(0).min(2);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    loop {
        let notified = fake.notify.notified();
        {
            let mut inner = fake.inner.lock().unwrap();
            inner.pending.retain(|id, _| *id >= offset);
            let limit = params["limit"].as_u64().unwrap_or(100) as usize;
            let ready: Vec<Value> = inner.pending.values().take(limit).cloned().collect();
            if !ready.is_empty() {
                return Value::Array(ready);
            }
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return json!([]);
        }
    }
}

async fn multipart_params(headers: &HeaderMap, body: axum::body::Bytes) -> Value {
    use axum::extract::FromRequest;
    let mut req = axum::http::Request::builder().method("POST").uri("/");
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let req = req.body(axum::body::Body::from(body)).unwrap();
    let mut mp = Multipart::from_request(req, &()).await.unwrap();
    let mut params = json!({});
    while let Some(field) = mp.next_field().await.unwrap() {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                let bytes = field.bytes().await.unwrap();
                params["__document"] = json!({ "name": file_name, "bytes": bytes.to_vec() });
            }
            None => {
                let text = field.text().await.unwrap();
                params[name] = serde_json::from_str(&text).unwrap_or(Value::String(text));
            }
        }
    }
    params
}

async fn download(
    State(fake): State<FakeTelegram>,
    Path((_token, path)): Path<(String, String)>,
) -> Result<Vec<u8>, axum::http::StatusCode> {
    let id = path.trim_start_matches("documents/");
    fake.inner
        .lock()
        .unwrap()
        .files
        .get(id)
        .cloned()
        .ok_or(axum::http::StatusCode::NOT_FOUND)
}
