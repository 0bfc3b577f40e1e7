//! The registration form in a conversation: start, feed the engine, store on confirm.

use anyhow::Result;

use crate::domain::registration::RegistrationDraft;

use super::{Handler, Turn};
use crate::conversation::engine::{FormId, FormSession, Input};
use crate::conversation::{Dialogue, Reply};
use crate::domain::invite;
use crate::domain::member::Member;
use crate::domain::registration::RegistrationNumber;
use crate::i18n::{tr, trf};
use crate::store::registrations;

impl Handler {
    pub(super) async fn start_registration(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        if let Dialogue::Form { .. } = turn.chat.dialogue {
            turn.say_text("form.in_progress");
            return self.remind_form(turn, me).await;
        }
        let session = FormSession::new(FormId::Registration, new_key());
        let intro = self.registration_intro(turn, me).await?;
        self.begin_form(turn, me, session, Some(intro)).await
    }

    /// The registration's first words; after the campaign's end, that this one is late.
    async fn registration_intro(&self, turn: &mut Turn, me: &Member) -> Result<String> {
        let intro = trf(turn.lang, "form.intro", &[("unit", &me.unit_name)]);
        let campaign = turn.campaign().await?;
        let today = turn.now.with_timezone(&campaign.tz()).date_naive();
        if today <= campaign.ends_on {
            return Ok(intro);
        }
        let end = crate::domain::dates::format_dmy(campaign.ends_on);
        let late = trf(turn.lang, "form.campaign_ended", &[("end", &end)]);
        Ok(format!("{late}\n\n{intro}"))
    }

    /// `/nhanh` outside a form: a registration answered in one message.
    pub(super) async fn start_quick_registration(
        &self,
        turn: &mut Turn,
        me: &Member,
    ) -> Result<()> {
        let mut session = FormSession::new(FormId::Registration, new_key());
        session.step = crate::conversation::engine::Step::Quick;
        let intro = self.registration_intro(turn, me).await?;
        self.begin_form(turn, me, session, Some(intro)).await
    }

    /// A form's confirm button ("Xác nhận gửi", "Gửi"): a key that was already
    /// confirmed says so and creates nothing, however often the button is pressed and
    /// whichever summary it came from.
    pub(super) async fn confirm(&self, turn: &mut Turn, me: &Member, key: String) -> Result<()> {
        if self.already_sent(turn, &key).await? {
            if matches!(&turn.chat.dialogue, Dialogue::Form { session } if session.key == key) {
                turn.chat.dialogue = Dialogue::Idle;
            }
            return Ok(());
        }
        if let Some(done) = registrations::confirmed(&mut turn.tx, &key).await? {
            let text = trf(
                turn.lang,
                "form.already_sent",
                &[("number", &done.number.to_string())],
            );
            turn.say(Reply::text(text));
            if matches!(&turn.chat.dialogue, Dialogue::Form { session } if session.key == key) {
                turn.chat.dialogue = Dialogue::Idle;
            } else {
                self.remind_form(turn, me).await?;
            }
            return Ok(());
        }
        if matches!(turn.chat.dialogue, Dialogue::Form { .. }) {
            self.form_input(
                turn,
                me,
                Input::Action(crate::conversation::Action::Confirm(key)),
            )
            .await
        } else {
            turn.say_text("idle.stale_button");
            Ok(())
        }
    }

    pub(super) async fn submit(
        &self,
        turn: &mut Turn,
        me: &Member,
        session: FormSession,
    ) -> Result<()> {
        let Some(draft) = RegistrationDraft::from_answers(&session.answers) else {
            // Cannot happen through the engine; keep the answers and show the summary.
            tracing::error!("confirmed form is incomplete");
            turn.say_text("error.generic");
            turn.chat.dialogue = Dialogue::Form { session };
            return Ok(());
        };
        let lang = turn.lang;
        let kind = tr(lang, draft.kind.label_key());
        let amount = crate::i18n::money(lang, draft.estimated_value);
        if let Some(editing) = &session.editing {
            match registrations::get_one(&mut turn.tx, editing.id).await? {
                Some(r) if r.unit_id == me.unit_id => {
                    let stored = (&draft, &session.answers);
                    if !registrations::update(&mut turn.tx, r.id, stored, &session.key, turn.now)
                        .await?
                    {
                        let number = r.number.to_string();
                        let text = trf(lang, "works.already_withdrawn", &[("number", &number)]);
                        turn.say(Reply::text(text));
                        turn.chat.dialogue = Dialogue::Idle;
                        return Ok(());
                    }
                    let number = r.number.to_string();
                    let text = trf(lang, "form.updated", &[("number", &number)]);
                    turn.say(Reply::text(text));
                    let args = [
                        ("number", number.as_str()),
                        ("unit", me.unit_name.as_str()),
                        ("name", draft.name.as_str()),
                        ("member", me.display_name.as_str()),
                    ];
                    self.notify_staff(turn, me, "notify.updated", &args).await?;
                }
                _ => turn.say_text("works.not_yours"),
            }
            turn.chat.dialogue = Dialogue::Idle;
            return Ok(());
        }
        let campaign = turn.campaign().await?;
        let (_, number): (i64, RegistrationNumber) = registrations::insert(
            &mut turn.tx,
            campaign.id,
            (me.unit_id, me.id),
            (&draft, &session.answers),
            &session.key,
            turn.now,
        )
        .await?;
        metrics::counter!(crate::metric::REGISTRATIONS).increment(1);
        let number = number.to_string();
        let mut text = trf(
            lang,
            "form.thanks",
            &[("number", &number), ("name", &draft.name)],
        );
        for hint in
            crate::conversation::engine::award_hints(&campaign.awards, &session.answers, lang)
        {
            text.push_str("\n\n");
            text.push_str(&hint);
        }
        turn.say(Reply::text(text));
        let args = [
            ("number", number.as_str()),
            ("unit", me.unit_name.as_str()),
            ("kind", kind.as_str()),
            ("name", draft.name.as_str()),
            ("amount", amount.as_str()),
            ("member", me.display_name.as_str()),
        ];
        self.notify_staff(turn, me, "notify.new", &args).await?;
        turn.chat.dialogue = Dialogue::Idle;
        Ok(())
    }
}

/// The idempotency key of a new draft; invite codes' alphabet is safe in callback data.
pub(super) fn new_key() -> String {
    format!("{}{}", invite::generate(), invite::generate())
}
