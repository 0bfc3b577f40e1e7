//! Becoming a member: a one-time invite code, or on the console the demo unit.

use anyhow::Result;

use super::{Handler, Incoming, Turn};
use crate::conversation::{Action, Choice, Reply};
use crate::domain::invite;
use crate::domain::member::Role;
use crate::domain::unit::UnitKind;
use crate::i18n::{tr, trf};
use crate::store::invites::{self, RedeemError};
use crate::store::members::{self, NewMember};
use crate::store::units;

/// Wrong codes in a row before a pause, and the pause.
const JOIN_TRIES: i64 = 5;
const JOIN_PAUSE: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

impl Handler {
    pub(super) async fn join(&self, turn: &mut Turn, inc: &Incoming, raw: &str) -> Result<()> {
        if let Some(until) = turn.chat.join_blocked_until.filter(|t| *t > turn.now) {
            let minutes = (until - turn.now).num_minutes() + 1;
            let text = trf(turn.lang, "join.wait", &[("minutes", &minutes.to_string())]);
            turn.say(Reply::text(text));
            return Ok(());
        }
        let Some(code) = invite::normalize(raw) else {
            turn.say_text("join.bad_code");
            return Ok(());
        };
        // A Zalo bot serves only so many people: a full one turns the code away
        // before it is used, so it still works on the bot that keeps its place.
        if let Some(kept) = invites::zalo_bot_of(&mut turn.tx, &code).await? {
            let seats = &self.zalo_seats;
            let here = &turn.here;
            if let Err(refused) = seats
                .may_join(&mut turn.tx, here, kept.as_deref(), turn.now)
                .await?
            {
                turn.say(Reply::text(refused.text(turn.lang)));
                return Ok(());
            }
        }
        let redeemed = invites::redeem(&mut turn.tx, &code, turn.now).await?;
        if redeemed.is_err() {
            self.count_failure(turn, inc);
        }
        match redeemed {
            Ok((unit_id, role)) => {
                turn.chat.join_failures = 0;
                turn.chat.join_blocked_until = None;
                let member_id = members::upsert(
                    &mut turn.tx,
                    &NewMember {
                        channel: inc.channel,
                        user_id: &inc.user_id,
                        chat_id: &inc.chat_id,
                        unit_id,
                        role,
                        display_name: &inc.display_name,
                    },
                    turn.now,
                )
                .await?;
                invites::set_used_by(&mut turn.tx, &code, member_id).await?;
                let unit = units::by_id(&mut turn.tx, unit_id)
                    .await?
                    .map(|u| u.name)
                    .unwrap_or_default();
                self.welcome(turn, &inc.display_name, &unit, role);
            }
            Err(e) => turn.say_text(match e {
                RedeemError::Unknown => "join.unknown",
                RedeemError::Used => "join.used",
                RedeemError::Expired => "join.expired",
            }),
        }
        Ok(())
    }

    /// Invite codes are short enough to guess: a chat that keeps sending wrong ones
    /// waits a while after each run of them, and the operator sees it in the log.
    fn count_failure(&self, turn: &mut Turn, inc: &Incoming) {
        turn.chat.join_failures += 1;
        let failures = turn.chat.join_failures;
        if failures >= 3 {
            tracing::warn!(channel = %inc.channel, chat = %inc.chat_id, failures, "wrong invite codes");
        }
        if failures % JOIN_TRIES == 0 {
            turn.chat.join_blocked_until = Some(turn.now + JOIN_PAUSE);
        }
    }

    /// A newcomer on the console with an empty database tries everything as chair
    /// of a sample unit, with no token and no code.
    pub(super) async fn start_demo(&self, turn: &mut Turn, inc: &Incoming) -> Result<()> {
        debug_assert!(inc.channel.capabilities().local);
        let name = tr(turn.lang, "demo.unit_name");
        let unit = match units::find(&mut turn.tx, &name).await? {
            Some(u) => u,
            None => units::add(&mut turn.tx, &name, UnitKind::Agency).await?,
        };
        units::mark_demo(&mut turn.tx, unit.id).await?;
        members::upsert(
            &mut turn.tx,
            &NewMember {
                channel: inc.channel,
                user_id: &inc.user_id,
                chat_id: &inc.chat_id,
                unit_id: unit.id,
                role: Role::Chair,
                display_name: &inc.display_name,
            },
            turn.now,
        )
        .await?;
        self.welcome(turn, &inc.display_name, &unit.name, Role::Chair);
        Ok(())
    }

    /// The welcome; where the channel's name will not do on paper, the question of the
    /// full name follows it, and the next step comes once it is answered.
    fn welcome(&self, turn: &mut Turn, name: &str, unit: &str, role: Role) {
        let lang = turn.lang;
        let key = match role {
            Role::Chair => "join.welcome_chair",
            Role::Staff => "join.welcome_staff",
        };
        let text = trf(lang, key, &[("name", name), ("unit", unit)]);
        if Self::needs_name(turn, name) {
            Self::ask_name(turn, name, Some(text));
            return;
        }
        turn.say(Reply::with_choices(
            text,
            vec![Choice::new(tr(lang, "button.register"), Action::Register)],
        ));
    }
}
