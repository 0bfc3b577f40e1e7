//! From registration to result: once a work's end date has passed, its chair says how
//! it ended — done (actual value, what it achieved), still going (asked again later),
//! or not done (why). The question comes through the outbox (the scheduler) or from
//! `/cuatoi`; the answer is a short dialogue.

use anyhow::Result;
use chrono::Days;

use super::{Handler, Turn};
use crate::conversation::{Action, Choice, Dialogue, Reply, ResultStep};
use crate::domain::dates::format_dmy;
use crate::domain::member::Member;
use crate::domain::money::Vnd;
use crate::domain::registration::WorkResult;
use crate::i18n::{money, tr, trf, Lang};
use crate::store::registrations;

use crate::domain::registration::ASK_AGAIN_DAYS;
pub use crate::scheduler::messages::result_question;
const MAX_NOTE: usize = 1000;

/// What `/cuatoi` says of a work's end.
pub fn result_line(lang: Lang, result: &WorkResult) -> String {
    match result {
        WorkResult::Done { actual, .. } => trf(
            lang,
            "result.line_done",
            &[("amount", &money(lang, *actual))],
        ),
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
        let Some(w) = self.own_work(turn, me, id).await? else {
            return Ok(());
        };
        let number = w.number.to_string();
        match action {
            Action::ResultDone(_) => {
                turn.chat.dialogue = Dialogue::WorkResult {
                    registration_id: id,
                    step: ResultStep::ActualValue,
                };
                let text = trf(turn.lang, "result.ask_value", &[("number", &number)]);
                turn.say(with_cancel(turn.lang, text, false));
            }
            Action::ResultLater(_) => {
                let tz = turn.campaign().await?.tz();
                let today = turn.now.with_timezone(&tz).date_naive();
                let again = today + Days::new(ASK_AGAIN_DAYS);
                let result = WorkResult::Ongoing {
                    ask_again_on: again,
                };
                registrations::set_result(&mut turn.tx, id, me.unit_id, &result, turn.now).await?;
                turn.chat.dialogue = Dialogue::Idle;
                let text = trf(
                    turn.lang,
                    "result.saved_later",
                    &[("number", &number), ("date", &format_dmy(again))],
                );
                turn.say(Reply::text(text));
            }
            _ => {
                turn.chat.dialogue = Dialogue::WorkResult {
                    registration_id: id,
                    step: ResultStep::Reason,
                };
                let text = trf(turn.lang, "result.ask_reason", &[("number", &number)]);
                turn.say(with_cancel(turn.lang, text, false));
            }
        }
        Ok(())
    }

    /// The dialogue's next answer: a text, "Bỏ qua" or "Hủy".
    pub(super) async fn result_input(
        &self,
        turn: &mut Turn,
        me: &Member,
        input: Option<String>,
    ) -> Result<()> {
        let Dialogue::WorkResult {
            registration_id: id,
            step,
        } = turn.chat.dialogue.clone()
        else {
            return Ok(());
        };
        let lang = turn.lang;
        let result = match (step, input) {
            (ResultStep::ActualValue, Some(text)) => match Vnd::parse(&text) {
                Ok(v) => {
                    turn.chat.dialogue = Dialogue::WorkResult {
                        registration_id: id,
                        step: ResultStep::Achieved {
                            actual_dong: v.dong(),
                        },
                    };
                    turn.say(with_cancel(lang, tr(lang, "result.ask_achieved"), true));
                    return Ok(());
                }
                Err(e) => {
                    let why = tr(lang, e.key());
                    let again = trf(lang, "result.ask_value_again", &[("why", &why)]);
                    turn.say(with_cancel(lang, again, false));
                    return Ok(());
                }
            },
            (ResultStep::Achieved { actual_dong }, note) => {
                let note = match note.map(|n| super::bounded_text(lang, &n, MAX_NOTE)) {
                    None => None,
                    Some(Ok(n)) => Some(n),
                    Some(Err(why)) => {
                        turn.say(with_cancel(lang, why, true));
                        return Ok(());
                    }
                };
                WorkResult::Done {
                    actual: Vnd::from_dong(actual_dong)
                        .map_err(|e| anyhow::anyhow!("stored value {actual_dong}: {e:?}"))?,
                    note,
                }
            }
            (ResultStep::Reason, Some(text)) => match super::bounded_text(lang, &text, MAX_NOTE) {
                Ok(reason) => WorkResult::NotDone { reason },
                Err(why) => {
                    turn.say(with_cancel(lang, why, false));
                    return Ok(());
                }
            },
            (_, None) => {
                turn.say(with_cancel(lang, tr(lang, "result.text_please"), false));
                return Ok(());
            }
        };
        turn.chat.dialogue = Dialogue::Idle;
        if !registrations::set_result(&mut turn.tx, id, me.unit_id, &result, turn.now).await? {
            turn.say_text("result.withdrawn");
            return Ok(());
        }
        let line = result_line(lang, &result);
        turn.say(Reply::text(trf(lang, "result.saved", &[("result", &line)])));
        Ok(())
    }
}

fn with_cancel(lang: Lang, text: String, skippable: bool) -> Reply {
    let mut choices = Vec::new();
    if skippable {
        choices.push(Choice::new(tr(lang, "button.skip"), Action::Skip));
    }
    choices.push(Choice::new(tr(lang, "button.cancel"), Action::Cancel));
    Reply::with_choices(text, choices)
}
