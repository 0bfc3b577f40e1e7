//! A Zalo bot's month: 3 000 messages on the Basic plan (`ZALO_MONTHLY_QUOTA`),
//! counted per Vietnam's calendar month in the database (`store::quota`) so that all
//! instances spend from one count. When it is spent nothing more goes through that bot:
//! what waits is held until the month turns, and staff are told at 80 %, 95 % and
//! when it is spent, once each.

use anyhow::Result;
use chrono::{DateTime, Datelike, TimeZone, Utc};

use crate::clock::Clock;
use crate::conversation::Reply;
use crate::i18n::trf;
use crate::store::outbox::{self, NewItem, Purpose};
use crate::store::{members, quota, Db};

/// Basic plan, as Zalo's pages state it.
pub const DEFAULT_MONTHLY_QUOTA: u32 = 3_000;
pub const DEFAULT_USERS_PER_BOT: u32 = 50;
/// Why a message waits in the outbox for a bot's month to turn (its `error`): the
/// rows a raised limit releases.
pub const HELD: &str = "zalo monthly quota spent";
/// Staff are told when a bot's month passes each of these (percent).
const WARN_AT: [i64; 3] = [80, 95, 100];

/// What the month allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// Taken; the bot's count this month is now this.
    Taken(i64),
    /// Spent: nothing goes through this bot before `until` (the month's turn).
    Spent { until: DateTime<Utc> },
}

#[derive(Clone)]
pub struct ZaloQuota {
    db: Db,
    clock: Clock,
    pub limit: u32,
    /// The deployment's first bot, whose chats carry no bot in their ids.
    first_bot: String,
}

/// The calendar month in Vietnam at `now` ("2025-06") and when the next one starts.
pub fn month_of(now: DateTime<Utc>) -> (String, DateTime<Utc>) {
    let tz = chrono_tz::Asia::Ho_Chi_Minh;
    let local = now.with_timezone(&tz);
    let (y, m) = match local.month() {
        12 => (local.year() + 1, 1),
        m => (local.year(), m + 1),
    };
    let next = tz
        .with_ymd_and_hms(y, m, 1, 0, 0, 0)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    (local.format("%Y-%m").to_string(), next)
}

/// What a spent month held goes on the new month's first morning, not at its
/// midnight: it wakes nobody (the quiet hours end then).
pub fn morning_after(turn: DateTime<Utc>) -> DateTime<Utc> {
    turn + chrono::Duration::hours(i64::from(crate::domain::reminders::MORNING))
}

impl ZaloQuota {
    pub fn new(db: Db, clock: Clock, limit: u32, first_bot: &str) -> ZaloQuota {
        ZaloQuota {
            db,
            clock,
            limit,
            first_bot: first_bot.to_string(),
        }
    }

    /// Takes `n` messages of `bot`'s month, or says it is spent.
    pub async fn take(&self, bot: &str, n: u32) -> Result<Take> {
        let (month, next) = month_of(self.clock.now());
        let limit = i64::from(self.limit);
        let mut tx = self.db.write().await?;
        let taken = quota::take(&mut tx, bot, &month, i64::from(n), limit).await?;
        let level = match taken {
            Some(sent) => WARN_AT
                .iter()
                .rev()
                .find(|l| sent * 100 >= *l * limit)
                .copied(),
            // Not even these n fit: what is left is too little to count on.
            None => Some(100),
        };
        if let Some(level) = level {
            self.warn(&mut tx, bot, &month, level).await?;
        }
        tx.commit().await?;
        metrics::gauge!(crate::metric::ZALO_QUOTA_LIMIT, "bot" => bot.to_string())
            .set(limit as f64);
        Ok(match taken {
            Some(sent) => {
                metrics::gauge!(crate::metric::ZALO_QUOTA_USED, "bot" => bot.to_string())
                    .set(sent as f64);
                Take::Taken(sent)
            }
            None => Take::Spent {
                until: morning_after(next),
            },
        })
    }

    /// Messages taken that did not go.
    pub async fn give_back(&self, bot: &str, n: u32) -> Result<()> {
        let (month, _) = month_of(self.clock.now());
        let mut tx = self.db.write().await?;
        quota::give_back(&mut tx, bot, &month, i64::from(n)).await?;
        tx.commit().await
    }

    /// Zalo answered 429 ("Quota exceeded"): the bot is stopped until the month turns
    /// (or a higher limit is set); returns when that is.
    pub async fn spent(&self, bot: &str) -> Result<DateTime<Utc>> {
        let (month, next) = month_of(self.clock.now());
        let mut tx = self.db.write().await?;
        quota::mark_spent(&mut tx, bot, &month, i64::from(self.limit)).await?;
        self.warn(&mut tx, bot, &month, 100).await?;
        tx.commit().await?;
        let until = morning_after(next);
        tracing::error!(bot, until = %until, "Zalo says this bot's monthly quota is spent; its messages wait for the month to turn");
        Ok(until)
    }

    /// At start: when a bot has room again this month (the limit was raised), what
    /// waits for the month to turn goes now. How many messages were released.
    pub async fn release_if_room(&self, bots: &[String]) -> Result<u64> {
        let usage = self.usage().await?;
        let room = bots.iter().any(|b| {
            usage
                .iter()
                .find(|(bot, _, _)| bot == b)
                .is_none_or(|(_, _, spent)| !spent)
        });
        if !room {
            return Ok(0);
        }
        let mut tx = self.db.write().await?;
        let released = outbox::release(&mut tx, HELD).await?;
        tx.commit().await?;
        Ok(released)
    }

    /// Every bot's month so far: (bot, sent, spent).
    pub async fn usage(&self) -> Result<Vec<(String, i64, bool)>> {
        let (month, _) = month_of(self.clock.now());
        let mut conn = self.db.read().await?;
        let limit = i64::from(self.limit);
        Ok(quota::month(&mut conn, &month)
            .await?
            .into_iter()
            .map(|u| {
                let spent = u.is_spent(limit);
                (u.bot, u.sent, spent)
            })
            .collect())
    }

    /// Tells every active staff member, once per level and month. When the quota is
    /// spent, not through the bot that can no longer speak: staff on it would read it
    /// next month.
    async fn warn(
        &self,
        tx: &mut sqlx::AnyConnection,
        bot: &str,
        month: &str,
        level: i64,
    ) -> Result<()> {
        if !quota::raise_warning(&mut *tx, bot, month, level).await? {
            return Ok(());
        }
        tracing::warn!(bot, level, limit = self.limit, "Zalo monthly quota warning");
        let now = self.clock.now();
        let key = if level >= 100 {
            "zalo.quota.spent"
        } else {
            "zalo.quota.warning"
        };
        for (staff, lang) in members::active_staff(&mut *tx).await? {
            let on_this_bot = staff
                .address()
                .zalo_bot()
                .is_some_and(|z| z.bot(&self.first_bot) == bot);
            if level >= 100 && on_this_bot {
                continue;
            }
            let reply = Reply::text(trf(
                lang,
                key,
                &[
                    ("bot", bot),
                    ("percent", &level.to_string()),
                    ("limit", &self.limit.to_string()),
                ],
            ));
            let item = NewItem::for_member(&staff, lang, &reply, Purpose::Notice);
            outbox::enqueue(&mut *tx, &item, now).await?;
        }
        Ok(())
    }
}
