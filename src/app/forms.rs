//! Every form in a conversation: the form built for this turn from what it is about,
//! the engine's step, the drafts of files a step let go, and what a confirmed form
//! does. Registration, a deadline's documents, an announcement, a return reason and a
//! work's result all pass here.

use anyhow::Result;

use super::{Handler, Turn};
use crate::conversation::engine::{self, FormId, FormOutcome, FormSession, Input};
use crate::conversation::form::{Answer, FormSpec};
use crate::conversation::registration_form;
use crate::conversation::{
    announcement_form, report_form, result_form, return_form, submission_form, Dialogue,
};
use crate::domain::audience::Audience;
use crate::domain::member::Member;
use crate::i18n::{tr, trf};
use crate::store::{audience, deadlines, registrations, scope, submissions, units};

impl Handler {
    /// The form as it stands now for `session`; `None` when what it is about is gone
    /// (a deadline taken out of the campaign, a submission deleted).
    pub(super) async fn spec_of(
        &self,
        turn: &mut Turn,
        me: &Member,
        session: &FormSession,
    ) -> Result<Option<FormSpec>> {
        let lang = turn.lang;
        let form = session.form;
        Ok(Some(match form {
            FormId::Registration => {
                let campaign = turn.campaign().await?;
                registration_form::for_campaign(&campaign.questions)
            }
            FormId::Submission { deadline_id } => {
                let Some(d) = deadlines::get_one(&mut turn.tx, deadline_id).await? else {
                    return Ok(None);
                };
                let caps = (turn.here.channel.capabilities(), self.public_url.is_some());
                let named = (d.spec.title.as_str(), d.spec.asks_for.command());
                submission_form::spec((named.0, &named.1), &d.spec.documents, lang, caps)
            }
            FormId::Announcement => {
                let counted = match chosen_audience(session) {
                    Some(a) => {
                        let campaign = turn.campaign().await?;
                        let within = scope::of_staff(&mut turn.tx, me.unit_id).await?;
                        let n = audience::count(&mut turn.tx, campaign.id, a, within).await?;
                        Some((a, n))
                    }
                    None => None,
                };
                announcement_form::spec(counted, lang)
            }
            FormId::ReturnReason { submission_id } => {
                let Some(s) = submissions::by_id(&mut turn.tx, submission_id).await? else {
                    return Ok(None);
                };
                let unit = units::by_id(&mut turn.tx, s.unit_id).await?;
                let d = deadlines::get_one(&mut turn.tx, s.deadline_id).await?;
                let (Some(unit), Some(d)) = (unit, d) else {
                    return Ok(None);
                };
                return_form::spec(&unit.name, &d.spec.title, lang)
            }
            FormId::Report => {
                let campaign = turn.campaign().await?;
                match &campaign.paper.report {
                    Some(layout) => report_form::spec(layout, &me.unit_name, lang),
                    None => return Ok(None),
                }
            }
            FormId::WorkDone { registration_id } | FormId::WorkNotDone { registration_id } => {
                let Some(w) = registrations::get_one(&mut turn.tx, registration_id).await? else {
                    return Ok(None);
                };
                let number = w.number.to_string();
                match form {
                    FormId::WorkDone { .. } => result_form::done(&number, lang),
                    _ => result_form::not_done(&number, lang),
                }
            }
        }))
    }

    /// Opens a form at its first question, after `intro`.
    pub(super) async fn begin_form(
        &self,
        turn: &mut Turn,
        me: &Member,
        session: FormSession,
        intro: Option<String>,
    ) -> Result<()> {
        let Some(spec) = self.spec_of(turn, me, &session).await? else {
            turn.say_text("idle.stale_button");
            return Ok(());
        };
        let ctx = self.ctx(turn).await?;
        let mut reply = engine::prompt(&session, &spec, &ctx);
        if let Some(intro) = intro {
            reply.text = format!("{intro}\n\n{}", reply.text);
        }
        turn.say(reply);
        let mut session = session;
        session.mark(&spec);
        turn.chat.dialogue = Dialogue::Form { session };
        Ok(())
    }

    pub(super) async fn form_input(
        &self,
        turn: &mut Turn,
        me: &Member,
        input: Input,
    ) -> Result<()> {
        let Dialogue::Form { session } = std::mem::take(&mut turn.chat.dialogue) else {
            turn.say_text("idle.stale_button");
            return Ok(());
        };
        let Some(spec) = self.spec_of(turn, me, &session).await? else {
            self.form_gone(turn, &session);
            return Ok(());
        };
        let kept: Vec<String> = session.files().map(|f| f.path.clone()).collect();
        let key = session.key.clone();
        let ctx = self.ctx(turn).await?;
        let audience_before = chosen_audience(&session);
        match engine::step(session, input, &spec, &ctx) {
            FormOutcome::Continue(session, replies) => {
                // The preview says how many people the audience just picked reaches:
                // counted for that one only, now that it is known.
                let replies = if chosen_audience(&session) != audience_before {
                    match self.spec_of(turn, me, &session).await? {
                        Some(spec) => vec![engine::prompt(&session, &spec, &ctx)],
                        None => replies,
                    }
                } else {
                    replies
                };
                // A file replaced by another is a draft nobody will hand in.
                for path in &kept {
                    if !session.files().any(|f| &f.path == path) {
                        self.data.discard_draft(path);
                    }
                }
                turn.chat.dialogue = Dialogue::Form { session };
                replies.into_iter().for_each(|r| turn.say(r));
            }
            FormOutcome::Cancelled(replies) => {
                self.data.discard_drafts(&key);
                replies.into_iter().for_each(|r| turn.say(r));
            }
            FormOutcome::Submit(session) => match session.form {
                FormId::Registration => self.submit(turn, me, session).await?,
                FormId::Submission { .. } => self.hand_in(turn, me, session).await?,
                FormId::Announcement => self.send_broadcast(turn, me, session).await?,
                FormId::ReturnReason { .. } => self.return_with_reason(turn, me, session).await?,
                FormId::WorkDone { .. } | FormId::WorkNotDone { .. } => {
                    self.save_result(turn, me, session).await?
                }
                FormId::Report => self.make_report(turn, me, session).await?,
            },
        }
        Ok(())
    }

    fn form_gone(&self, turn: &mut Turn, session: &FormSession) {
        self.data.discard_drafts(&session.key);
        turn.chat.dialogue = Dialogue::Idle;
        turn.say_text(match session.form {
            FormId::Submission { .. } => "submission.deadline_gone",
            FormId::WorkDone { .. } | FormId::WorkNotDone { .. } => "result.withdrawn",
            _ => "idle.stale_button",
        });
    }

    /// A form whose questions come from stored data (a deadline's documents) may have
    /// changed since the chair began. Checked at every turn, so a stored dialogue never
    /// points past the form as it is now. When it changed, the chair is told and asked
    /// the question of where they now stand; the message itself, meant for the old
    /// question, is not taken as an answer (true).
    pub(super) async fn revalidate_form(&self, turn: &mut Turn, me: &Member) -> Result<bool> {
        let Dialogue::Form { session } = &turn.chat.dialogue else {
            return Ok(false);
        };
        // The forms whose questions come from data; the others are fixed in code
        // (and an announcement's would be counted again for nothing).
        if !matches!(
            session.form,
            FormId::Submission { .. } | FormId::Registration
        ) {
            return Ok(false);
        }
        let mut session = session.clone();
        let Some(spec) = self.spec_of(turn, me, &session).await? else {
            self.form_gone(turn, &session);
            return Ok(true);
        };
        if !session.refit(&spec) {
            return Ok(false);
        }
        let changed = match session.form {
            FormId::Submission { deadline_id } => {
                let title = deadlines::get_one(&mut turn.tx, deadline_id)
                    .await?
                    .map(|d| d.spec.title)
                    .unwrap_or_default();
                let documents = spec.fields.iter().filter(|f| f.takes_files()).count();
                trf(
                    turn.lang,
                    "submission.documents_changed",
                    &[("title", &title), ("n", &documents.to_string())],
                )
            }
            _ => tr(turn.lang, "form.changed"),
        };
        turn.chat.dialogue = Dialogue::Form { session };
        self.ask_again(turn, me, Some(changed)).await?;
        Ok(true)
    }

    /// After a side question (help, language), the form's current question again.
    pub(super) async fn remind_form(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        self.ask_again(turn, me, None).await
    }

    /// The form's current question, after a line about what just happened.
    pub(super) async fn ask_again(
        &self,
        turn: &mut Turn,
        me: &Member,
        before: Option<String>,
    ) -> Result<()> {
        let Dialogue::Form { session } = &turn.chat.dialogue else {
            return Ok(());
        };
        let session = session.clone();
        if let Some(spec) = self.spec_of(turn, me, &session).await? {
            let ctx = self.ctx(turn).await?;
            let mut reply = engine::prompt(&session, &spec, &ctx);
            if let Some(before) = before {
                reply.text = format!("{before}\n\n{}", reply.text);
            }
            turn.say(reply);
        }
        Ok(())
    }
}

/// The audience an announcement's session has picked, if any.
fn chosen_audience(session: &FormSession) -> Option<Audience> {
    match session.answers.get(announcement_form::AUDIENCE) {
        Some(Answer::Choice(a)) if session.form == FormId::Announcement => a.parse().ok(),
        _ => None,
    }
}
