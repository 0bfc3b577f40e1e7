//! A fake Zalo Bot API on 127.0.0.1, built to what the platform's documentation says:
//! POST with JSON bodies, `{ok, result | error_code, description}`, getUpdates hands
//! out one update at a time and answers 408 when nothing came, text limited to
//! 2 000 characters, getUpdates refused while a webhook is set. And the Basic plan,
//! as strict as Zalo states it: several bots on one server (one token each), each
//! serving at most `users_per_bot` people and `monthly_quota` messages a month (429
//! "Quota exceeded" past it), with 403 "Internal server error" now and then when asked.
//! With a webhook set, updates are POSTed to it one chat's at a time; one the call
//! fails for is not sent again (Zalo documents no redelivery).

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::Notify;

pub const TOKEN: &str = "1459232241454765289:zalo-secret-part";
pub const TOKEN_2: &str = "2459232241454765289:zalo-second-secret";

#[derive(Debug, Clone)]
pub struct ZSent {
    pub chat_id: String,
    pub text: String,
    pub at: Instant,
}

/// What Zalo's Basic plan allows each bot, as the fake enforces it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub monthly_quota: usize,
    pub users_per_bot: usize,
    /// Every n-th send answers 403 (0: never).
    pub fail_403_every: usize,
    /// The next send whose text holds this answers 403 (then this is cleared).
    pub fail_403_once_for: Option<String>,
}

impl Default for Plan {
    fn default() -> Plan {
        Plan {
            monthly_quota: 3_000,
            users_per_bot: 50,
            fail_403_every: 0,
            fail_403_once_for: None,
        }
    }
}

#[derive(Default)]
struct Inner {
    queue: VecDeque<Value>,
    sent: Vec<ZSent>,
    refused: Vec<String>,
    webhook: Option<(String, String)>,
    calls: Vec<String>,
    next_id: u64,
    /// The people who wrote to this bot, in order; past the plan's number, nobody
    /// more reaches it.
    users: Vec<String>,
    turned_away: Vec<String>,
    sent_this_month: usize,
    quota_refusals: usize,
    sends: usize,
    errors_403: usize,
    /// Updates whose webhook call failed (not answered 200): lost, as far as Zalo says.
    webhook_lost: usize,
}

/// One bot of the fake server; `start_bots` gives several on one server.
#[derive(Clone)]
pub struct FakeZalo {
    token: String,
    inner: Arc<Mutex<Inner>>,
    notify: Arc<Notify>,
    plan: Arc<Mutex<Plan>>,
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

type Bots = Arc<HashMap<String, FakeZalo>>;

impl FakeZalo {
    pub async fn start() -> FakeZalo {
        FakeZalo::start_bots(&[TOKEN]).await.remove(0)
    }

    /// One server with a bot for each token (they share the plan).
    pub async fn start_bots(tokens: &[&str]) -> Vec<FakeZalo> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let plan = Arc::new(Mutex::new(Plan::default()));
        let fakes: Vec<FakeZalo> = tokens
            .iter()
            .map(|t| FakeZalo {
                token: t.to_string(),
                inner: Arc::default(),
                notify: Arc::new(Notify::new()),
                plan: plan.clone(),
                addr,
            })
            .collect();
        let bots: Bots = Arc::new(
            fakes
                .iter()
                .map(|f| (format!("bot{}", f.token), f.clone()))
                .collect(),
        );
        for fake in &fakes {
            tokio::spawn(push_to_webhook(fake.clone()));
        }
        let first = fakes[0].clone();
        let app = Router::new()
            .route("/{token}/{method}", post(handle))
            .with_state(bots)
            .route(
                "/img/{name}",
                axum::routing::get(
                    |axum::extract::State(fake): axum::extract::State<FakeZalo>| async move {
                        fake.inner.lock().unwrap().calls.push("img".into());
                        b"\xff\xd8\xff zalo jpeg".to_vec()
                    },
                )
                .with_state(first),
            );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        fakes
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// Changes what the plan allows, for every bot of this server.
    pub fn set_plan(&self, f: impl FnOnce(&mut Plan)) {
        f(&mut self.plan.lock().unwrap());
    }

    /// A new calendar month: every bot's count starts again.
    pub fn new_month(&self, others: &[&FakeZalo]) {
        for bot in std::iter::once(self).chain(others.iter().copied()) {
            let mut inner = bot.inner.lock().unwrap();
            inner.sent_this_month = 0;
            inner.quota_refusals = 0;
        }
    }

    /// The person has written to this bot before (joined it), if it has room.
    pub fn follow(&self, user: &ZUser) {
        let room = self.plan.lock().unwrap().users_per_bot;
        let mut inner = self.inner.lock().unwrap();
        if !inner.users.contains(&user.id) {
            if inner.users.len() < room {
                inner.users.push(user.id.clone());
            } else {
                inner.turned_away.push(user.id.clone());
            }
        }
    }

    /// `n` of this bot's month spent before the test began (other business).
    pub fn spend(&self, n: usize) {
        self.inner.lock().unwrap().sent_this_month = n;
    }

    /// Everything this bot sent, in order.
    pub fn sent(&self) -> Vec<ZSent> {
        self.inner.lock().unwrap().sent.clone()
    }

    /// Messages this bot sent this month, and sends it refused with 429.
    pub fn month(&self) -> (usize, usize) {
        let inner = self.inner.lock().unwrap();
        (inner.sent_this_month, inner.quota_refusals)
    }

    /// People who wrote after the bot was full: they never reached it.
    pub fn turned_away(&self) -> Vec<String> {
        self.inner.lock().unwrap().turned_away.clone()
    }

    /// The people this bot serves.
    pub fn users(&self) -> Vec<String> {
        self.inner.lock().unwrap().users.clone()
    }

    pub fn errors_403(&self) -> usize {
        self.inner.lock().unwrap().errors_403
    }

    /// The update as Zalo describes it, for getUpdates or a webhook body: the person
    /// writes to the bot, and becomes one it serves while it has room (Zalo does not
    /// let the plan's 51st person reach the bot).
    pub fn update(&self, user: &ZUser, event: &str, content: Value) -> Value {
        self.follow(user);
        let mut inner = self.inner.lock().unwrap();
        inner.next_id += 1;
        let mut message = json!({
            "chat": { "id": user.id, "chat_type": "PRIVATE" },
            "message_id": format!("{:020x}", inner.next_id),
            "date": 1_766_619_597_466_i64,
            "from": { "id": user.id, user.name_key: user.name, "is_bot": false },
        });
        for (k, v) in content.as_object().unwrap() {
            message[k] = v.clone();
        }
        json!({ "event_name": event, "message": message })
    }

    /// An update for getUpdates; one from a person the bot does not serve (it was
    /// full) never reaches it.
    pub fn push(&self, update: Value) {
        let from = update["message"]["from"]["id"].as_str().unwrap_or_default();
        let mut inner = self.inner.lock().unwrap();
        if !from.is_empty() && !inner.users.iter().any(|u| u == from) {
            return;
        }
        inner.queue.push_back(update);
        drop(inner);
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

    /// Updates lost because their webhook call failed (an instance killed mid-turn).
    pub fn webhook_lost(&self) -> usize {
        self.inner.lock().unwrap().webhook_lost
    }
}

/// While a webhook is set: each chat's first waiting update not already in flight is
/// POSTed with the secret header, one chat's in order, chats side by side; whatever
/// the answer, it is not tried again.
async fn push_to_webhook(fake: FakeZalo) {
    let client = reqwest::Client::new();
    let busy: Arc<Mutex<std::collections::HashSet<String>>> = Arc::default();
    loop {
        let notified = fake.notify.notified();
        let next = {
            let mut inner = fake.inner.lock().unwrap();
            let mut busy = busy.lock().unwrap();
            let hook = inner.webhook.clone();
            let at = hook.as_ref().and_then(|_| {
                inner.queue.iter().position(|u| {
                    let chat = u["message"]["chat"]["id"].as_str().unwrap_or_default();
                    !busy.contains(chat)
                })
            });
            match (hook, at) {
                (Some((url, secret)), Some(i)) => {
                    let update = inner.queue.remove(i).unwrap();
                    let chat = update["message"]["chat"]["id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string();
                    busy.insert(chat.clone());
                    Some((url, secret, update, chat))
                }
                _ => None,
            }
        };
        let Some((url, secret, update, chat)) = next else {
            let _ = tokio::time::timeout(Duration::from_millis(100), notified).await;
            continue;
        };
        let (fake, client, busy) = (fake.clone(), client.clone(), busy.clone());
        tokio::spawn(async move {
            let answer = client
                .post(&url)
                .header("X-Bot-Api-Secret-Token", secret)
                .json(&update)
                .timeout(Duration::from_secs(30))
                .send()
                .await;
            if !matches!(&answer, Ok(r) if r.status().is_success()) {
                fake.inner.lock().unwrap().webhook_lost += 1;
            }
            busy.lock().unwrap().remove(&chat);
            fake.notify.notify_waiters();
        });
    }
}

async fn handle(
    State(bots): State<Bots>,
    Path((token, method)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Json<Value> {
    let Some(fake) = bots.get(&token).cloned() else {
        return err(401, "Unauthorized");
    };
    let params: Value = serde_json::from_slice(&body).unwrap_or(json!({}));
    fake.inner.lock().unwrap().calls.push(method.clone());
    match method.as_str() {
        "getMe" => {
            let id = fake.token.split(':').next().unwrap_or_default().to_string();
            ok(json!({
                "id": id, "account_name": format!("bot.thidua.{}", &id[..2]),
                "account_type": "BASIC", "can_join_groups": false
            }))
        }
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
            fake.send(chat_id, text)
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
            ok(json!({
                "url": url, "updated_at": 1_749_538_250_568_i64,
                "verification": { "status": "success", "http_status": 200 }
            }))
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
            fake.send(chat_id, text)
        }
        _ => err(404, "method not found"),
    }
}

impl FakeZalo {
    /// A message out, as the plan allows: only to someone the bot serves, within the
    /// month's quota, sometimes refused with 403 when the plan says so.
    fn send(&self, chat_id: String, text: String) -> Json<Value> {
        let (plan, once) = {
            let mut plan = self.plan.lock().unwrap();
            let once = plan
                .fail_403_once_for
                .take_if(|p| text.contains(p.as_str()));
            (plan.clone(), once.is_some())
        };
        let mut inner = self.inner.lock().unwrap();
        inner.sends += 1;
        if once || plan.fail_403_every > 0 && inner.sends.is_multiple_of(plan.fail_403_every) {
            inner.errors_403 += 1;
            return err(403, "Internal server error");
        }
        if !inner.users.contains(&chat_id) {
            inner
                .refused
                .push(format!("to {chat_id:?}, who never wrote to this bot"));
            return err(400, "user is not a follower of this bot");
        }
        if inner.sent_this_month >= plan.monthly_quota {
            inner.quota_refusals += 1;
            return err(429, "Quota exceeded");
        }
        inner.sent_this_month += 1;
        inner.sent.push(ZSent {
            chat_id,
            text,
            at: Instant::now(),
        });
        ok(json!({ "message_id": "82599fa32f56d00e8941", "date": 1_749_632_637_199_i64 }))
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
