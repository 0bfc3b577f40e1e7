//! What an operator's monitoring asks of `/healthz`: is the database reachable and
//! writable, when did each channel last hear from its platform, how long has the
//! oldest due message waited.

use crate::channels::health::Health;
use crate::clock::Clock;
use crate::metric;
use crate::store::{outbox, Db};
use chrono::{DateTime, Utc};
use serde_json::json;

/// A due message waiting longer than this means delivery is stuck.
const OUTBOX_STALE_SECONDS: i64 = 1800;

/// The report and whether all is well (200) or not (503).
pub async fn report(
    health: &Health,
    db: &Db,
    clock: &Clock,
    zalo_quota: Option<u32>,
) -> (bool, serde_json::Value) {
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
    let (channels_ok, channels) = health.report(now);
    ok &= channels_ok;
    let mut body = json!({
        "ok": ok,
        "database": database,
        "outbox": outbox,
        "channels": channels,
    });
    if let Some(limit) = zalo_quota {
        let (quota_ok, zalo) = zalo_months(db, now, limit).await;
        ok &= quota_ok;
        body["ok"] = json!(ok);
        body["zalo_quota"] = zalo;
    }
    (ok, body)
}

/// Each Zalo bot's month: a spent one is unwell (people on it hear nothing more until
/// the month turns). Also what `/metrics` exports of it.
async fn zalo_months(db: &Db, now: DateTime<Utc>, limit: u32) -> (bool, serde_json::Value) {
    let (month, next) = crate::delivery::quota::month_of(now);
    let usage = async {
        let mut conn = db.read().await?;
        crate::store::quota::month(&mut conn, &month).await
    };
    let Ok(usage) = usage.await else {
        return (true, serde_json::Value::Null);
    };
    let limit = i64::from(limit);
    let mut ok = true;
    let bots: Vec<serde_json::Value> = usage
        .iter()
        .map(|u| {
            let spent = u.is_spent(limit);
            ok &= !spent;
            metrics::gauge!(metric::ZALO_QUOTA_USED, "bot" => u.bot.clone()).set(u.sent as f64);
            metrics::gauge!(metric::ZALO_QUOTA_LIMIT, "bot" => u.bot.clone()).set(limit as f64);
            json!({
                "bot": u.bot, "month": month, "sent": u.sent, "limit": limit, "spent": spent,
                "resumes_at": spent.then(|| crate::store::ts(crate::delivery::quota::morning_after(next))),
            })
        })
        .collect();
    (ok, json!(bots))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channels::health::Mode;
    use crate::domain::member::Channel;
    use chrono::{DateTime, Utc};

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
        let (ok, body) = report(&health, &db, &clock("2025-05-01T09:00:00Z"), None).await;
        assert!(ok, "{body}");
        assert_eq!(body["channels"]["zalo"]["mode"], "webhook");

        health.failed(Channel::Telegram, at("2025-05-01T09:00:00Z"));
        let (ok, _) = report(&health, &db, &clock("2025-05-01T09:00:30Z"), None).await;
        assert!(ok, "a short outage is retried, not reported");
        let (ok, body) = report(&health, &db, &clock("2025-05-01T09:02:00Z"), None).await;
        assert!(!ok, "{body}");
        assert_eq!(body["channels"]["telegram"]["failing_seconds"], 120);
        health.heard(Channel::Telegram, at("2025-05-01T09:02:00Z"));
        let (ok, _) = report(&health, &db, &clock("2025-05-01T09:02:01Z"), None).await;
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
        let (ok, body) = report(&health, &db, &clock("2025-05-01T09:10:00Z"), None).await;
        assert!(ok, "{body}");
        assert_eq!(body["outbox"]["due"], 1);
        let (ok, body) = report(&health, &db, &clock("2025-05-01T09:40:00Z"), None).await;
        assert!(!ok, "a message due for 40 minutes: {body}");
        assert_eq!(body["outbox"]["oldest_due_seconds"], 2400);
    }
}
