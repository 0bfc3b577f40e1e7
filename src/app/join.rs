//! Becoming a member: a one-time invite code, or on the console the demo unit.

use anyhow::Result;

use super::{Handler, Incoming, Turn};
use crate::conversation::{Action, Choice, Reply};
use crate::domain::invite;
use crate::domain::member::{Channel, Role};
use crate::domain::unit::UnitKind;
use crate::i18n::{tr, trf};
use crate::store::invites::{self, RedeemError};
use crate::store::members::{self, NewMember};
use crate::store::units;

impl Handler {
    pub(super) async fn join(&self, turn: &mut Turn, inc: &Incoming, raw: &str) -> Result<()> {
        let Some(code) = invite::normalize(raw) else {
            turn.say_text("join.bad_code");
            return Ok(());
        };
        match invites::redeem(&mut turn.tx, &code, turn.now).await? {
            Ok((unit_id, role)) => {
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

    /// A newcomer on the console with an empty database tries everything as chair
    /// of a sample unit, with no token and no code.
    pub(super) async fn start_demo(&self, turn: &mut Turn, inc: &Incoming) -> Result<()> {
        debug_assert_eq!(inc.channel, Channel::Console);
        let name = tr(turn.lang, "demo.unit_name");
        let unit = match units::find(&mut turn.tx, &name).await? {
            Some(u) => u,
            None => units::add(&mut turn.tx, &name, UnitKind::Agency).await?,
        };
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

    fn welcome(&self, turn: &mut Turn, name: &str, unit: &str, role: Role) {
        let lang = turn.lang;
        let key = match role {
            Role::Chair => "join.welcome_chair",
            Role::Staff => "join.welcome_staff",
        };
        let text = trf(lang, key, &[("name", name), ("unit", unit)]);
        turn.say(Reply::with_choices(
            text,
            vec![Choice::new(tr(lang, "button.register"), Action::Register)],
        ));
    }
}
