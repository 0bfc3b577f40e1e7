//! The sending budget shared by every instance on one database (Telegram's ~30
//! messages a second is the bot's, not each process's): one row holds the next free
//! slot and the spacing between slots; a message reserves its slot with one UPDATE and
//! waits for it. A 429 moves the next slot past `retry_after` and widens the spacing by
//! 5% (at most 4 times the base), for every instance at once, as the process's own
//! limiter does for itself; each message sent then gives back 1% of the widening, so a
//! burst of 429s does not slow the bot for good. Only used where several instances can
//! run (PostgreSQL).

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::get;

/// Reserves the next slot (or now, if the bot has been quiet) and returns when it
/// begins. `base_us`: the spacing of the configured rate, used for a fresh row.
pub async fn reserve(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    base_us: i64,
) -> Result<DateTime<Utc>> {
    let now_us = now.timestamp_micros();
    let row = sqlx::query(
        "INSERT INTO send_budget (id, next_us, interval_us) VALUES (1, $1 + $2, $2) \
         ON CONFLICT (id) DO UPDATE SET next_us = \
         CASE WHEN send_budget.next_us > $1 THEN send_budget.next_us ELSE $1 END \
         + send_budget.interval_us - (send_budget.interval_us - $2) / 100, \
         interval_us = send_budget.interval_us - (send_budget.interval_us - $2) / 100 \
         RETURNING next_us, interval_us",
    )
    .bind(now_us)
    .bind(base_us)
    .fetch_one(&mut *conn)
    .await?;
    let next: i64 = get(&row, "next_us")?;
    let interval: i64 = get(&row, "interval_us")?;
    Ok(DateTime::from_timestamp_micros(next - interval).unwrap_or(now))
}

/// The platform said "retry after": no instance sends before `until`, and from then
/// on a little slower.
pub async fn hold_until(
    conn: &mut AnyConnection,
    until: DateTime<Utc>,
    base_us: i64,
) -> Result<()> {
    let until_us = until.timestamp_micros();
    sqlx::query(
        "INSERT INTO send_budget (id, next_us, interval_us) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET \
         next_us = CASE WHEN send_budget.next_us > $1 THEN send_budget.next_us ELSE $1 END, \
         interval_us = CASE WHEN send_budget.interval_us * 105 / 100 > $2 * 4 THEN $2 * 4 \
         ELSE send_budget.interval_us * 105 / 100 END",
    )
    .bind(until_us)
    .bind(base_us)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(us: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(us).unwrap()
    }

    #[tokio::test]
    async fn slots_follow_each_other_and_a_429_pushes_and_widens_them() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("b.db").display());
        let db = crate::store::connect(&url).await.unwrap();
        let mut conn = db.read().await.unwrap();
        let t0 = 1_750_000_000_000_000;
        let base = 33_333;
        // Three messages at the same instant get three slots, one spacing apart.
        let slots: Vec<i64> = futures::future::join_all((0..3).map(|_| async {
            let mut c = db.read().await.unwrap();
            reserve(&mut c, at(t0), base)
                .await
                .unwrap()
                .timestamp_micros()
        }))
        .await;
        let mut sorted = slots.clone();
        sorted.sort();
        assert_eq!(sorted, [t0, t0 + base, t0 + 2 * base]);
        // After a quiet minute the next slot is now, not in the past.
        let later = t0 + 60_000_000;
        assert_eq!(
            reserve(&mut conn, at(later), base).await.unwrap(),
            at(later)
        );
        // A 429 with retry_after 1 s: nothing before then, then 5% slower.
        hold_until(&mut conn, at(later + 1_000_000), base)
            .await
            .unwrap();
        let next = reserve(&mut conn, at(later + 10), base).await.unwrap();
        assert_eq!(next, at(later + 1_000_000));
        let after = reserve(&mut conn, at(later + 20), base).await.unwrap();
        let wide = base * 105 / 100;
        // The slot after it: the widening less the 1% the message before gave back.
        let narrower = wide - (wide - base) / 100;
        assert_eq!(after, at(later + 1_000_000 + narrower));
        // Each message gives back 1% of what is left of the widening: a few hundred
        // later the configured spacing holds again.
        let mut t = later + 2_000_000;
        for _ in 0..600 {
            t = reserve(&mut conn, at(t), base)
                .await
                .unwrap()
                .timestamp_micros();
        }
        let a = reserve(&mut conn, at(t), base)
            .await
            .unwrap()
            .timestamp_micros();
        let b = reserve(&mut conn, at(t), base)
            .await
            .unwrap()
            .timestamp_micros();
        assert!(b - a <= base + 100, "{}", b - a);
    }
}
