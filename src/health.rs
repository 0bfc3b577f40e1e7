//! What an operator's monitoring asks: `/healthz` (is the database reachable, when did
//! each channel last hear from its platform, how long has the oldest due message
//! waited) and the Prometheus metrics behind `/metrics`. The metrics themselves are
//! recorded where things happen, with the `metrics` crate's macros; this module names
//! them once.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::clock::Clock;
use crate::domain::member::Channel;
use crate::store::{outbox, Db};

/// Metric names, declared once.
pub mod metric {
    /// Turns, by `outcome` (ok, failed, panicked).
    pub const TURNS: &str = "thidua_turns_total";
    pub const TURN_SECONDS: &str = "thidua_turn_seconds";
    /// Messages due and not yet sent, and the age of the oldest (set at each scrape).
    pub const OUTBOX_DEPTH: &str = "thidua_outbox_due";
    pub const OUTBOX_AGE: &str = "thidua_outbox_oldest_due_seconds";
    /// Deliveries, by `result` (ok, 429, blocked, failed).
    pub const DELIVERIES: &str = "thidua_deliveries_total";
    pub const REMINDERS: &str = "thidua_reminders_queued_total";
    pub const REGISTRATIONS: &str = "thidua_registrations_total";
    /// Connections the HTTP server closed at once, all its places being taken.
    pub const HTTP_REFUSED: &str = "thidua_http_connections_refused_total";
}

/// A channel whose calls to its platform have failed for this long is unwell (a
/// long poll that merely waits for messages is not a failure).
const FAILING_SECONDS: i64 = 60;
/// A due message waiting longer than this means delivery is stuck.
const OUTBOX_STALE_SECONDS: i64 = 1800;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Polling,
    /// Calls come when people write: silence is not a fault.
    Webhook,
}

#[derive(Debug, Clone, Copy)]
struct Seen {
    mode: Mode,
    last_ok: DateTime<Utc>,
    /// Since when every call to the platform has failed, if the last one did.
    failing_since: Option<DateTime<Utc>>,
}

/// Each channel's contact with its platform, kept by the channels.
#[derive(Default)]
pub struct Health {
    seen: Mutex<BTreeMap<&'static str, Seen>>,
}

impl Health {
    /// The channel started in `mode` (its token was accepted at `now`).
    pub fn started(&self, channel: Channel, mode: Mode, now: DateTime<Utc>) {
        let seen = Seen {
            mode,
            last_ok: now,
            failing_since: None,
        };
        self.lock().insert(channel.as_str(), seen);
    }

    /// A poll answered, an update arrived, or a webhook call came with the secret.
    pub fn heard(&self, channel: Channel, now: DateTime<Utc>) {
        if let Some(seen) = self.lock().get_mut(channel.as_str()) {
            seen.last_ok = now;
            seen.failing_since = None;
        }
    }

    /// A call to the platform failed.
    pub fn failed(&self, channel: Channel, now: DateTime<Utc>) {
        if let Some(seen) = self.lock().get_mut(channel.as_str()) {
            seen.failing_since.get_or_insert(now);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, Seen>> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The report and whether all is well (200) or not (503).
    pub async fn report(&self, db: &Db, clock: &Clock) -> (bool, serde_json::Value) {
        let now = clock.now();
        let mut ok = true;
        let backlog = async {
            let mut conn = db.read().await?;
            outbox::due_backlog(&mut conn, now).await
        };
        let (database, outbox) = match backlog.await {
            Ok((due, oldest)) => {
                let age = oldest.map(|t| (now - t).num_seconds().max(0));
                metrics::gauge!(metric::OUTBOX_DEPTH).set(due as f64);
                metrics::gauge!(metric::OUTBOX_AGE).set(age.unwrap_or(0) as f64);
                if age.is_some_and(|a| a > OUTBOX_STALE_SECONDS) {
                    ok = false;
                }
                (
                    json!("ok"),
                    json!({ "due": due, "oldest_due_seconds": age }),
                )
            }
            Err(e) => {
                ok = false;
                tracing::warn!(error = %format!("{e:#}"), "health: database unreachable");
                (json!("unreachable"), serde_json::Value::Null)
            }
        };
        // Reads may work while writes fail (a full disk): that is not healthy.
        let database = match db.writes_failing(now).await {
            Some(why) if database == json!("ok") => {
                ok = false;
                json!(format!("writes failing: {why}"))
            }
            _ => database,
        };
        let mut channels = serde_json::Map::new();
        for (name, seen) in self.lock().iter() {
            let failing = seen.failing_since.map(|t| (now - t).num_seconds().max(0));
            let well = failing.is_none_or(|f| f <= FAILING_SECONDS);
            ok &= well;
            let mode = match seen.mode {
                Mode::Polling => "polling",
                Mode::Webhook => "webhook",
            };
            channels.insert(
                name.to_string(),
                json!({
                    "mode": mode,
                    "last_ok_seconds_ago": (now - seen.last_ok).num_seconds().max(0),
                    "failing_seconds": failing,
                    "ok": well,
                }),
            );
        }
        let body = json!({
            "ok": ok,
            "database": database,
            "outbox": outbox,
            "channels": channels,
        });
        (ok, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[tokio::test]
    async fn unwell_when_a_channel_keeps_failing_or_the_outbox_is_stuck() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("h.db").display());
        let db = crate::store::connect(&url).await.unwrap();
        let start = at("2025-05-01T08:00:00Z");
        let health = Health::default();
        health.started(Channel::Telegram, Mode::Polling, start);
        health.started(Channel::Zalo, Mode::Webhook, start);
        let clock = |s: &str| Clock::starting_at(at(s));
        // An hour without messages is not a fault: long polls just wait.
        let (ok, body) = health.report(&db, &clock("2025-05-01T09:00:00Z")).await;
        assert!(ok, "{body}");
        assert_eq!(body["channels"]["zalo"]["mode"], "webhook");

        health.failed(Channel::Telegram, at("2025-05-01T09:00:00Z"));
        let (ok, _) = health.report(&db, &clock("2025-05-01T09:00:30Z")).await;
        assert!(ok, "a short outage is retried, not reported");
        let (ok, body) = health.report(&db, &clock("2025-05-01T09:02:00Z")).await;
        assert!(!ok, "{body}");
        assert_eq!(body["channels"]["telegram"]["failing_seconds"], 120);
        health.heard(Channel::Telegram, at("2025-05-01T09:02:00Z"));
        let (ok, _) = health.report(&db, &clock("2025-05-01T09:02:01Z")).await;
        assert!(ok);

        let mut tx = db.write().await.unwrap();
        sqlx::query(
            "INSERT INTO outbox (channel, chat_id, locale, body, purpose, status, not_before, \
             created_at) VALUES ('telegram', '1', 'vi', '{}', 'reminder', 'pending', \
             '2025-05-01T09:00:00Z', '2025-05-01T09:00:00Z')",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let (ok, body) = health.report(&db, &clock("2025-05-01T09:10:00Z")).await;
        assert!(ok, "{body}");
        assert_eq!(body["outbox"]["due"], 1);
        let (ok, body) = health.report(&db, &clock("2025-05-01T09:40:00Z")).await;
        assert!(!ok, "a message due for 40 minutes: {body}");
        assert_eq!(body["outbox"]["oldest_due_seconds"], 2400);
    }
}
