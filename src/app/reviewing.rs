//! "/duyet": staff review what the units handed in, from the chat: see the files,
//! approve, or return with a reason. The chairs are told either way.

use anyhow::Result;

use super::registering::new_key;
use super::{Handler, Turn};
use crate::conversation::engine::{FormId, FormSession};
use crate::conversation::form::Answer;
use crate::conversation::return_form;
use crate::conversation::{Action, Choice, Dialogue, Reply};
use crate::domain::member::Member;
use crate::i18n::{tr, trf};
use crate::ops::review::{self, Decision, Review, Target};
use crate::ops::Actor;
use crate::store::submissions;
use crate::store::{deadlines, scope, units};

/// Submissions listed at once: a chat screen, not a register.
const PAGE: i64 = 8;

impl Handler {
    pub(super) async fn review_list(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let lang = turn.lang;
        let campaign = turn.campaign().await?;
        let tz = campaign.tz();
        let within = scope::of_staff(&mut turn.tx, me.unit_id).await?;
        let waiting = submissions::awaiting_review(&mut turn.tx, campaign.id, within, PAGE).await?;
        if waiting.is_empty() {
            turn.say_text("review.none");
            return Ok(());
        }
        let mut lines = vec![tr(lang, "review.title")];
        let mut choices = Vec::new();
        for (i, s) in waiting.iter().enumerate() {
            let unit = units::by_id(&mut turn.tx, s.unit_id)
                .await?
                .map(|u| u.name)
                .unwrap_or_default();
            let title = deadlines::get_one(&mut turn.tx, s.deadline_id)
                .await?
                .map(|d| d.spec.title)
                .unwrap_or_default();
            let n = (i + 1).to_string();
            let at = s
                .submitted_at
                .with_timezone(&tz)
                .format("%d/%m %H:%M")
                .to_string();
            let late = if s.late {
                tr(lang, "review.late")
            } else {
                String::new()
            };
            lines.push(trf(
                lang,
                "review.line",
                &[
                    ("n", &n),
                    ("unit", &unit),
                    ("title", &title),
                    ("at", &at),
                    ("late", &late),
                ],
            ));
            choices.push(Choice::new(
                trf(lang, "button.show_files", &[("n", &n)]),
                Action::ShowFiles(s.id),
            ));
            choices.push(Choice::new(
                trf(lang, "button.approve", &[("n", &n)]),
                Action::Approve(s.id),
            ));
            choices.push(Choice::new(
                trf(lang, "button.return", &[("n", &n)]),
                Action::Return(s.id),
            ));
        }
        turn.say(Reply::with_choices(lines.join("\n"), choices));
        Ok(())
    }

    /// Whether `me` may act on submission `id`: it exists and its unit is below theirs.
    /// Says why not.
    async fn may_review(&self, turn: &mut Turn, me: &Member, id: i64) -> Result<bool> {
        let actor = Actor::Staff(me.clone());
        let found = review::find(&mut turn.tx, &actor, Target::Id(id)).await;
        match turn.or_refused(found)? {
            Some(Some(_)) => Ok(true),
            Some(None) => {
                turn.say_text("idle.stale_button");
                Ok(false)
            }
            None => Ok(false),
        }
    }

    /// Staff actions on one submission of a unit below theirs; anything else is a
    /// stale button.
    pub(super) async fn review_action(
        &self,
        turn: &mut Turn,
        me: &Member,
        action: Action,
    ) -> Result<()> {
        let lang = turn.lang;
        if let Action::ShowFiles(id) | Action::Approve(id) | Action::Return(id) = action {
            if !self.may_review(turn, me, id).await? {
                return Ok(());
            }
        }
        match action {
            Action::ShowFiles(id) => {
                let files = submissions::files(&mut turn.tx, id).await?;
                for (_, name, path) in files {
                    match std::fs::read(self.data.resolve(&path)) {
                        Ok(bytes) => {
                            self.give_file(turn, me, (name.clone(), bytes, name))
                                .await?
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, path, "stored file missing");
                            turn.say(Reply::text(trf(
                                lang,
                                "review.file_missing",
                                &[("name", &name)],
                            )));
                        }
                    }
                }
            }
            Action::Approve(id) => {
                self.decide(turn, me, id, Decision::Approve, "review.approved")
                    .await?;
            }
            Action::Return(id) => {
                if matches!(turn.chat.dialogue, Dialogue::Form { .. }) {
                    turn.say_text("form.in_progress");
                    return self.remind_form(turn, me).await;
                }
                let form = FormId::ReturnReason { submission_id: id };
                let session = FormSession::new(form, new_key());
                self.begin_form(turn, me, session, None).await?;
            }
            _ => turn.say_text("idle.stale_button"),
        }
        Ok(())
    }

    /// The reason confirmed: the scope is checked again (the staff member may have
    /// moved since pressing "Trả lại"), then the chair is told through the outbox.
    pub(super) async fn return_with_reason(
        &self,
        turn: &mut Turn,
        me: &Member,
        session: FormSession,
    ) -> Result<()> {
        let FormId::ReturnReason { submission_id } = session.form else {
            return Ok(());
        };
        let Some(Answer::Text(reason)) = session.answers.get(return_form::REASON) else {
            turn.say_text("idle.stale_button");
            return Ok(());
        };
        let decision = Decision::Return { reason };
        self.decide(turn, me, submission_id, decision, "review.returned")
            .await
    }

    /// The review through the one operation, and what the reviewer is told.
    async fn decide(
        &self,
        turn: &mut Turn,
        me: &Member,
        id: i64,
        decision: Decision<'_>,
        key: &str,
    ) -> Result<()> {
        let actor = Actor::Staff(me.clone());
        let done = review::review(&mut turn.tx, &actor, Target::Id(id), decision, turn.now).await;
        match turn.or_refused(done)? {
            Some(Review::Done(unit, d)) => {
                turn.queued = true;
                let text = trf(
                    turn.lang,
                    key,
                    &[("unit", &unit.name), ("title", &d.spec.title)],
                );
                turn.say(Reply::text(text));
            }
            Some(Review::Already(status, unit, d)) => {
                turn.say(Reply::text(review::already(turn.lang, status, &unit, &d)))
            }
            Some(Review::NotFound) => turn.say_text("idle.stale_button"),
            None => {}
        }
        Ok(())
    }
}
