//! Places on Zalo bots: the Basic plan serves 50 people a bot (`ZALO_USERS_PER_BOT`).
//! A bot's places are its active people and the unused codes that keep one on it; an
//! invite takes a place on the first bot with room, and a person joins a bot only
//! while it has room, so no bot ever has more people than Zalo lets reach it.

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::Refused;
use crate::domain::member::Address;
use crate::store::{invites, members};

/// The deployment's Zalo bots, as the configuration gives them.
#[derive(Debug, Clone, Default)]
pub struct ZaloSeats {
    /// Bot ids in the order of the configuration.
    pub bots: Vec<String>,
    /// The bot whose chats carry no bot in their ids.
    pub first: String,
    pub per_bot: i64,
    /// Whether people can also join on Telegram, where there is always room.
    pub telegram: bool,
}

impl ZaloSeats {
    /// Places taken on `bot`: its people and the open codes keeping one.
    pub async fn taken(
        &self,
        tx: &mut AnyConnection,
        bot: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let people = members::count_on_zalo_bot(&mut *tx, bot, bot == self.first).await?;
        Ok(people + invites::open_on_zalo_bot(&mut *tx, bot, now).await?)
    }

    /// Places still free on each bot, in order.
    pub async fn free(
        &self,
        tx: &mut AnyConnection,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, i64)>> {
        let mut free = Vec::new();
        for bot in &self.bots {
            let taken = self.taken(&mut *tx, bot, now).await?;
            free.push((bot.clone(), (self.per_bot - taken).max(0)));
        }
        Ok(free)
    }

    /// A bot for each of `n` codes, filling the bots in order; `None` where no bot has
    /// room and Telegram can take the person. Refused when neither can.
    pub async fn assign(
        &self,
        tx: &mut AnyConnection,
        n: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<Option<String>>> {
        if self.bots.is_empty() {
            return Ok(vec![None; n]);
        }
        let mut free = self.free(&mut *tx, now).await?;
        let room: i64 = free.iter().map(|(_, f)| f).sum();
        if !self.telegram && room < n as i64 {
            return Err(Refused::with(
                "invite.zalo_full",
                &[("room", &room.to_string()), ("n", &n.to_string())],
            )
            .into());
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let bot = free.iter_mut().find(|(_, f)| *f > 0).map(|(bot, f)| {
                *f -= 1;
                bot.clone()
            });
            out.push(bot);
        }
        Ok(out)
    }

    /// Whether the person writing from `at` may join with the code `code` (its place
    /// kept on `kept`): only while their bot has room. The refusal names the bot that
    /// keeps their place, when another one does.
    pub async fn may_join(
        &self,
        tx: &mut AnyConnection,
        at: &Address,
        kept: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Result<(), Refused>> {
        let Some(split) = at.zalo_bot() else {
            return Ok(Ok(()));
        };
        let here = split.bot(&self.first);
        if self.bots.is_empty() || kept == Some(here) {
            return Ok(Ok(()));
        }
        // Someone already served by this bot (a new code for another role) takes no
        // new place.
        let known = members::find(&mut *tx, at.channel, &at.chat_id)
            .await?
            .is_some_and(|m| m.active);
        if known || self.taken(&mut *tx, here, now).await? < self.per_bot {
            return Ok(Ok(()));
        }
        Ok(Err(match kept {
            Some(other) => {
                let name = invites::zalo_bot_name(&mut *tx, other)
                    .await?
                    .unwrap_or_else(|| other.to_string());
                Refused::with("join.zalo_other_bot", &[("bot", &name)])
            }
            None => Refused::new("join.zalo_full"),
        }))
    }
}
