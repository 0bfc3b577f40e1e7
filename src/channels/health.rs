//! Each channel's contact with its platform, kept by the channels as they poll or
//! are called: when it last heard from its platform, and since when its calls fail.
//! `/healthz` reports it.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::domain::member::Channel;

/// A channel whose calls to its platform have failed for this long is unwell (a
/// long poll that merely waits for messages is not a failure).
const FAILING_SECONDS: i64 = 60;
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

    /// Each channel's state for `/healthz`, and whether every one is well.
    pub fn report(&self, now: DateTime<Utc>) -> (bool, serde_json::Map<String, Value>) {
        let mut ok = true;
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
        (ok, channels)
    }
}
