//! "/thongbao": staff write an announcement, pick who receives it, see how many
//! people that is, and send (`conversation::announcement_form`). Delivery goes
//! through the outbox.

use anyhow::Result;

use super::registering::new_key;
use super::{Handler, Turn};
use crate::broadcast;
use crate::conversation::announcement_form;
use crate::conversation::engine::{FormId, FormSession};
use crate::conversation::form::Answer;
use crate::conversation::{Dialogue, Reply};
use crate::domain::audience::Audience;
use crate::domain::member::Member;
use crate::i18n::trf;
use crate::ops::{self, Actor};
use crate::store::broadcasts;

impl Handler {
    pub(super) async fn start_broadcast(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        if matches!(turn.chat.dialogue, Dialogue::Form { .. }) {
            turn.say_text("form.in_progress");
            return self.remind_form(turn, me).await;
        }
        let session = FormSession::new(FormId::Announcement, new_key());
        self.begin_form(turn, me, session, None).await
    }

    /// The preview confirmed: queued once, whatever happens to the button afterwards
    /// (the draft key is stored with the announcement).
    pub(super) async fn send_broadcast(
        &self,
        turn: &mut Turn,
        me: &Member,
        session: FormSession,
    ) -> Result<()> {
        let key = session.key;
        if self.already_sent(turn, &key).await? {
            return Ok(());
        }
        let (Some(Answer::Text(text)), Some(Answer::Choice(a))) = (
            session.answers.get(announcement_form::TEXT),
            session.answers.get(announcement_form::AUDIENCE),
        ) else {
            turn.say_text("idle.stale_button");
            return Ok(());
        };
        let Ok(a) = a.parse::<Audience>() else {
            turn.say_text("idle.stale_button");
            return Ok(());
        };
        let actor = Actor::Staff(me.clone());
        let audience = (a, self.telegram_first);
        let queued =
            ops::announcements::queue(&mut turn.tx, &actor, text, audience, Some(&key), turn.now)
                .await;
        let Some(created) = turn.or_refused(queued)? else {
            return Ok(());
        };
        turn.queued = true;
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

    /// A second press of an announcement's "Gửi": said to be queued already.
    pub(super) async fn already_sent(&self, turn: &mut Turn, key: &str) -> Result<bool> {
        let Some(id) = broadcasts::by_draft_key(&mut turn.tx, key).await? else {
            return Ok(false);
        };
        let text = trf(
            turn.lang,
            "broadcast.already_sent",
            &[("id", &id.to_string())],
        );
        turn.say(Reply::text(text));
        Ok(true)
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
        // Acknowledged by typing its number in the middle of a form: the form's
        // question again, so the next number answers it.
        self.remind_form(turn, me).await
    }
}
