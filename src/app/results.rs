//! From registration to result: once a work's end date has passed, its chair says how
//! it ended — done (actual value, photos, what it achieved), still going (asked again
//! later), or not done (why). The question comes through the outbox (the scheduler) or
//! from `/cuatoi`; the answers are a form (`conversation::result_form`).

use anyhow::{Context, Result};
use chrono::Days;

use super::registering::new_key;
use super::{Handler, Turn};
use crate::conversation::engine::{FormId, FormSession, Step};
use crate::conversation::form::Answer;
use crate::conversation::result_form::{ACHIEVED, ACTUAL_VALUE, PHOTOS, REASON};
use crate::conversation::{Action, Dialogue, Reply};
use crate::domain::dates::format_dmy;
use crate::domain::member::Member;
use crate::domain::registration::WorkResult;
use crate::i18n::{money, trf, Lang};
use crate::store::registrations;

use crate::domain::registration::ASK_AGAIN_DAYS;
pub use crate::scheduler::messages::result_question;

/// What `/cuatoi` says of a work's end.
pub fn result_line(lang: Lang, result: &WorkResult) -> String {
    match result {
        WorkResult::Done { actual, photos, .. } => {
            let mut line = trf(
                lang,
                "result.line_done",
                &[("amount", &money(lang, *actual))],
            );
            if !photos.is_empty() {
                line.push_str(&trf(
                    lang,
                    "result.line_photos",
                    &[("n", &photos.len().to_string())],
                ));
            }
            line
        }
        WorkResult::Ongoing { ask_again_on } => trf(
            lang,
            "result.line_ongoing",
            &[("date", &format_dmy(*ask_again_on))],
        ),
        WorkResult::NotDone { reason } => trf(lang, "result.line_not_done", &[("reason", reason)]),
    }
}

impl Handler {
    pub(super) async fn ask_result(&self, turn: &mut Turn, me: &Member, id: i64) -> Result<()> {
        if let Some(w) = self.own_work(turn, me, id).await? {
            turn.say(result_question(turn.lang, &w));
        }
        Ok(())
    }

    pub(super) async fn result_action(
        &self,
        turn: &mut Turn,
        me: &Member,
        action: Action,
    ) -> Result<()> {
        let id = match action {
            Action::ResultDone(id) | Action::ResultLater(id) | Action::ResultNotDone(id) => id,
            _ => return Ok(()),
        };
        if matches!(turn.chat.dialogue, Dialogue::Form { .. }) {
            turn.say_text("form.in_progress");
            return self.remind_form(turn, me).await;
        }
        let Some(w) = self.own_work(turn, me, id).await? else {
            return Ok(());
        };
        let form = match action {
            Action::ResultDone(_) => FormId::WorkDone {
                registration_id: id,
            },
            Action::ResultNotDone(_) => FormId::WorkNotDone {
                registration_id: id,
            },
            _ => {
                let tz = turn.campaign().await?.tz();
                let today = turn.now.with_timezone(&tz).date_naive();
                let again = today + Days::new(ASK_AGAIN_DAYS);
                let result = WorkResult::Ongoing {
                    ask_again_on: again,
                };
                registrations::set_result(&mut turn.tx, id, me.unit_id, &result, turn.now).await?;
                let text = trf(
                    turn.lang,
                    "result.saved_later",
                    &[
                        ("number", &w.number.to_string()),
                        ("date", &format_dmy(again)),
                    ],
                );
                turn.say(Reply::text(text));
                return Ok(());
            }
        };
        self.begin_form(turn, me, FormSession::new(form, new_key()), None)
            .await
    }

    /// The result confirmed: photos move from the drafts to the work's folder, and the
    /// result is stored in the turn's transaction.
    pub(super) async fn save_result(
        &self,
        turn: &mut Turn,
        me: &Member,
        mut session: FormSession,
    ) -> Result<()> {
        let text = |key: &str| match session.answers.get(key) {
            Some(Answer::Text(t)) => Some(t.clone()),
            _ => None,
        };
        let (id, result) = match session.form {
            FormId::WorkDone { registration_id } => {
                let Some(Answer::Money(actual)) = session.answers.get(ACTUAL_VALUE) else {
                    return Ok(());
                };
                let mut photos = match session.answers.get(PHOTOS) {
                    Some(Answer::Files(files)) => files.clone(),
                    _ => Vec::new(),
                };
                for photo in &mut photos {
                    let kept = self.data.accept_photo(
                        &photo.path,
                        registration_id,
                        &photo.sha256,
                        &photo.name,
                    )?;
                    let Some(path) = kept else {
                        // Swept after a long pause: the photos again.
                        let gone = trf(turn.lang, "submission.file_gone", &[("name", &photo.name)]);
                        session.answers.remove(PHOTOS);
                        session.step = Step::Field(1);
                        turn.chat.dialogue = Dialogue::Form { session };
                        return self.ask_again(turn, me, Some(format!("⚠️ {gone}"))).await;
                    };
                    photo.path = path;
                }
                let result = WorkResult::Done {
                    actual: *actual,
                    note: text(ACHIEVED),
                    photos,
                };
                (registration_id, result)
            }
            FormId::WorkNotDone { registration_id } => {
                let reason = text(REASON).context("a reason, or no summary")?;
                (registration_id, WorkResult::NotDone { reason })
            }
            _ => return Ok(()),
        };
        self.data.discard_drafts(&session.key);
        if !registrations::set_result(&mut turn.tx, id, me.unit_id, &result, turn.now).await? {
            turn.say_text("result.withdrawn");
            return Ok(());
        }
        let line = result_line(turn.lang, &result);
        let saved = trf(turn.lang, "result.saved", &[("result", &line)]);
        turn.say(Reply::text(saved));
        Ok(())
    }
}
