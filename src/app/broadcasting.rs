//! "/thongbao": staff write an announcement, pick who receives it, see how many
//! people that is, and send. Delivery goes through the outbox.

use anyhow::Result;

use super::registering::new_key;
use super::{Handler, Turn};
use crate::broadcast;
use crate::conversation::{Action, Choice, Dialogue, Reply};
use crate::domain::audience::Audience;
use crate::domain::member::Member;
use crate::i18n::{tr, trf};
use crate::store::{audience, broadcasts, scope};

use crate::broadcast::MAX_TEXT;

impl Handler {
    pub(super) async fn start_broadcast(&self, turn: &mut Turn) -> Result<()> {
        if matches!(turn.chat.dialogue, Dialogue::Form { .. }) {
            turn.say_text("form.in_progress");
            return self.remind_form(turn).await;
        }
        turn.chat.dialogue = Dialogue::Broadcast {
            key: new_key(),
            text: None,
            audience: None,
        };
        let lang = turn.lang;
        turn.say(Reply::with_choices(
            tr(lang, "broadcast.ask_text"),
            vec![Choice::new(tr(lang, "button.cancel"), Action::Cancel)],
        ));
        Ok(())
    }

    pub(super) async fn broadcast_text(
        &self,
        turn: &mut Turn,
        me: &Member,
        text: String,
    ) -> Result<()> {
        let text = text.trim().to_string();
        let len = text.chars().count();
        if len == 0 || len > MAX_TEXT {
            let msg = trf(
                turn.lang,
                "broadcast.bad_length",
                &[("max", &MAX_TEXT.to_string()), ("len", &len.to_string())],
            );
            turn.say(Reply::text(msg));
            return Ok(());
        }
        if let Dialogue::Broadcast { text: slot, .. } = &mut turn.chat.dialogue {
            *slot = Some(text);
        }
        self.audience_menu(turn, me).await
    }

    async fn audience_menu(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let lang = turn.lang;
        let campaign = turn.campaign().await?;
        let within = scope::of_staff(&mut turn.tx, me.unit_id).await?;
        let mut choices = Vec::new();
        for a in Audience::ALL {
            let n = audience::count(&mut turn.tx, campaign.id, a, within).await?;
            choices.push(Choice::new(
                trf(
                    lang,
                    "broadcast.audience_option",
                    &[("label", &tr(lang, a.label_key())), ("n", &n.to_string())],
                ),
                Action::Audience(a.as_str().into()),
            ));
        }
        choices.push(Choice::new(tr(lang, "button.cancel"), Action::Cancel));
        turn.say(Reply::with_choices(
            tr(lang, "broadcast.ask_audience"),
            choices,
        ));
        Ok(())
    }

    pub(super) async fn broadcast_audience(
        &self,
        turn: &mut Turn,
        me: &Member,
        picked: String,
    ) -> Result<()> {
        let Dialogue::Broadcast {
            key,
            text: Some(text),
            audience,
        } = &mut turn.chat.dialogue
        else {
            turn.say_text("idle.stale_button");
            return Ok(());
        };
        let Ok(a) = picked.parse::<Audience>() else {
            turn.say_text("idle.stale_button");
            return Ok(());
        };
        *audience = Some(picked);
        let (key, text) = (key.clone(), text.clone());
        let lang = turn.lang;
        let campaign = turn.campaign().await?;
        let within = scope::of_staff(&mut turn.tx, me.unit_id).await?;
        let n = audience::count(&mut turn.tx, campaign.id, a, within).await?;
        let preview = trf(
            lang,
            "broadcast.preview",
            &[
                ("text", &text),
                ("audience", &tr(lang, a.label_key())),
                ("n", &n.to_string()),
            ],
        );
        turn.say(Reply::with_choices(
            preview,
            vec![
                Choice::new(tr(lang, "button.send"), Action::SendBroadcast(key)),
                Choice::new(tr(lang, "button.cancel"), Action::Cancel),
            ],
        ));
        Ok(())
    }

    pub(super) async fn send_broadcast(
        &self,
        turn: &mut Turn,
        me: &Member,
        key: String,
    ) -> Result<()> {
        if let Some(id) = broadcasts::by_draft_key(&mut turn.tx, &key).await? {
            let text = trf(
                turn.lang,
                "broadcast.already_sent",
                &[("id", &id.to_string())],
            );
            turn.say(Reply::text(text));
            return Ok(());
        }
        let Dialogue::Broadcast {
            key: current,
            text: Some(text),
            audience: Some(a),
        } = &turn.chat.dialogue
        else {
            turn.say_text("idle.stale_button");
            return Ok(());
        };
        let (Ok(a), true) = (a.parse::<Audience>(), *current == key) else {
            turn.say_text("idle.stale_button");
            return Ok(());
        };
        let text = text.clone();
        let campaign = turn.campaign().await?;
        let within = scope::of_staff(&mut turn.tx, me.unit_id).await?;
        let created = broadcast::create(
            &mut turn.tx,
            campaign.id,
            Some(me),
            &text,
            (a, within),
            Some(&key),
            turn.now,
        )
        .await?;
        turn.queued = true;
        turn.chat.dialogue = Dialogue::Idle;
        let msg = trf(
            turn.lang,
            "broadcast.queued",
            &[
                ("id", &created.id.to_string()),
                ("n", &created.recipients.to_string()),
            ],
        );
        turn.say(Reply::text(msg));
        Ok(())
    }

    pub(super) async fn broadcast_report(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let latest = broadcasts::latest_by(&mut turn.tx, me.id, 3).await?;
        if latest.is_empty() {
            turn.say_text("broadcast.none");
            return Ok(());
        }
        let mut parts = Vec::new();
        for (id, _) in latest {
            parts.push(broadcast::report(&mut turn.tx, id, turn.lang).await?);
        }
        turn.say(Reply::text(parts.join("\n\n")));
        Ok(())
    }

    pub(super) async fn ack(&self, turn: &mut Turn, me: &Member, id: i64) -> Result<()> {
        if broadcasts::ack(&mut turn.tx, id, me.id, turn.now).await? {
            turn.say_text("broadcast.acked");
        } else {
            turn.say_text("idle.stale_button");
        }
        Ok(())
    }
}
