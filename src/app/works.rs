//! "/cuatoi": the unit's works, each to change or withdraw. A chair reaches only
//! the works of their own unit, whatever button data arrives.

use anyhow::Result;

use super::registering::new_key;
use super::{Handler, Turn};
use crate::conversation::engine::{Editing, FormId, FormSession};
use crate::conversation::{Action, Choice, Dialogue, Reply};
use crate::domain::member::Member;
use crate::domain::registration::{Registration, RegistrationStatus, WorkResult};
use crate::export;
use crate::i18n::{tr, trf, Lang};
use crate::ops::{self, Actor};
use crate::store::registrations;

/// Forms sent as one .zip in the chat; more is `thidua export forms`.
const MAX_FORMS_IN_CHAT: i64 = 500;

impl Handler {
    pub(super) async fn list_works(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let lang = turn.lang;
        let campaign = turn.campaign().await?;
        let works = registrations::for_unit(&mut turn.tx, campaign.id, me.unit_id).await?;
        let register = Choice::new(tr(lang, "button.register_new"), Action::Register);
        let rename = Choice::new(tr(lang, "button.change_name"), Action::ChangeName);
        if works.is_empty() {
            let text = trf(lang, "works.none", &[("unit", &me.unit_name)]);
            turn.say(Reply::with_choices(text, vec![register, rename]));
            return Ok(());
        }
        let today = turn.now.with_timezone(&campaign.tz()).date_naive();
        let mut lines = vec![trf(lang, "works.title", &[("unit", &me.unit_name)])];
        lines.extend(works.iter().map(|w| work_line(lang, w)));
        // One work: its actions at once. Several, where a person types numbers: one
        // entry each, then that work's actions, so a number always means the same
        // work. With buttons, every work's buttons (a button says what it does).
        let buttons = turn.here.channel.capabilities().buttons;
        let mut choices = match works.as_slice() {
            [only] => work_actions(lang, only, today),
            _ if buttons => works
                .iter()
                .flat_map(|w| work_actions(lang, w, today))
                .collect(),
            _ => works
                .iter()
                .map(|w| {
                    let label = trf(
                        lang,
                        "button.open_work",
                        &[("number", &w.number.to_string()), ("name", &w.draft.name)],
                    );
                    Choice::new(label, Action::OpenWork(w.id))
                })
                .collect(),
        };
        choices.extend([register, rename]);
        turn.say(Reply::with_choices(lines.join("\n\n"), choices));
        Ok(())
    }

    /// One work of the list, with what can be done with it.
    pub(super) async fn open_work(&self, turn: &mut Turn, me: &Member, id: i64) -> Result<()> {
        let lang = turn.lang;
        let campaign = turn.campaign().await?;
        let works = registrations::for_unit(&mut turn.tx, campaign.id, me.unit_id).await?;
        let Some(w) = works.iter().find(|w| w.id == id) else {
            turn.say_text("works.not_yours");
            return Ok(());
        };
        let today = turn.now.with_timezone(&campaign.tz()).date_naive();
        let mut choices = work_actions(lang, w, today);
        choices.push(Choice::new(tr(lang, "button.all_works"), Action::MyWorks));
        turn.say(Reply::with_choices(work_line(lang, w), choices));
        Ok(())
    }

    /// The work if this member may change it; otherwise says why and gives `None`.
    pub(super) async fn own_work(
        &self,
        turn: &mut Turn,
        me: &Member,
        id: i64,
    ) -> Result<Option<Registration>> {
        match registrations::get_one(&mut turn.tx, id).await? {
            Some(r) if r.unit_id == me.unit_id => {
                if r.status == RegistrationStatus::Withdrawn {
                    let text = trf(
                        turn.lang,
                        "works.already_withdrawn",
                        &[("number", &r.number.to_string())],
                    );
                    turn.say(Reply::text(text));
                    return Ok(None);
                }
                Ok(Some(r))
            }
            _ => {
                turn.say_text("works.not_yours");
                Ok(None)
            }
        }
    }

    pub(super) async fn edit_work(&self, turn: &mut Turn, me: &Member, id: i64) -> Result<()> {
        if matches!(turn.chat.dialogue, Dialogue::Form { .. }) {
            turn.say_text("form.in_progress");
            return self.remind_form(turn, me).await;
        }
        let Some(work) = self.own_work(turn, me, id).await? else {
            return Ok(());
        };
        let session = FormSession::editing(
            FormId::Registration,
            new_key(),
            Editing {
                id: work.id,
                number: work.number.to_string(),
            },
            work.answers.clone(),
        );
        self.begin_form(turn, me, session, None).await
    }

    pub(super) async fn ask_withdraw(&self, turn: &mut Turn, me: &Member, id: i64) -> Result<()> {
        let Some(work) = self.own_work(turn, me, id).await? else {
            return Ok(());
        };
        let lang = turn.lang;
        let text = trf(
            lang,
            "works.withdraw_ask",
            &[
                ("number", &work.number.to_string()),
                ("name", &work.draft.name),
            ],
        );
        turn.say(Reply::with_choices(
            text,
            vec![
                Choice::new(
                    tr(lang, "button.withdraw_yes"),
                    Action::WithdrawConfirmed(id),
                ),
                Choice::new(tr(lang, "button.withdraw_no"), Action::WithdrawKept),
            ],
        ));
        Ok(())
    }

    pub(super) async fn withdraw(&self, turn: &mut Turn, me: &Member, id: i64) -> Result<()> {
        let Some(work) = self.own_work(turn, me, id).await? else {
            return Ok(());
        };
        registrations::withdraw(&mut turn.tx, id, turn.now).await?;
        let number = work.number.to_string();
        let text = trf(turn.lang, "works.withdrawn", &[("number", &number)]);
        turn.say(Reply::text(text));
        let args = [
            ("number", number.as_str()),
            ("unit", me.unit_name.as_str()),
            ("name", work.draft.name.as_str()),
            ("member", me.display_name.as_str()),
        ];
        self.notify_staff(turn, me, "notify.withdrawn", &args).await
    }

    /// The work's official form as a Word document: for its own unit's members, and
    /// for staff over the unit.
    pub(super) async fn word_form(&self, turn: &mut Turn, me: &Member, id: i64) -> Result<()> {
        let campaign = turn.campaign().await?;
        let made = ops::exports::word_form(&mut turn.tx, me, &campaign, id).await;
        let Some(form) = turn.or_refused(made)? else {
            return Ok(());
        };
        let caption = trf(
            turn.lang,
            "works.word_caption",
            &[
                ("number", &form.number.to_string()),
                ("issuer", &form.issuer),
            ],
        );
        self.give_file(turn, me, (form.file_name, form.bytes, caption))
            .await?;
        Ok(())
    }

    /// "/xuat": staff get the registrations of their units as a spreadsheet in the
    /// chat, written a row at a time (a province's is 100 000 rows).
    pub(super) async fn export_to_chat(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let actor = Actor::Staff(me.clone());
        let campaign = turn.campaign().await?;
        let form = crate::conversation::registration_form::for_campaign(&campaign.questions);
        let mut sheet = export::Sheet::new(turn.lang, true, &form)?;
        let n = ops::exports::registrations(&mut turn.tx, &actor, |r| sheet.push(&r)).await?;
        let bytes = sheet.into_bytes()?;
        let caption = trf(turn.lang, "export.caption", &[("count", &n.to_string())]);
        let file_name = format!(
            "dang-ky-thi-dua-{}.xlsx",
            crate::domain::dates::file_day(turn.now)
        );
        self.give_file(turn, me, (file_name, bytes, caption))
            .await?;
        if n > 0 {
            let offer = Choice::new(tr(turn.lang, "button.forms_zip"), Action::FormsZip);
            turn.say(Reply::with_choices(
                tr(turn.lang, "export.forms_offer"),
                vec![offer],
            ));
        }
        Ok(())
    }

    /// Every registered work's official form of the staff's units, as one .zip of
    /// .docx files. A province's thousands are the command line's job.
    pub(super) async fn forms_zip(&self, turn: &mut Turn, me: &Member) -> Result<()> {
        let within = crate::store::scope::of_staff(&mut turn.tx, me.unit_id).await?;
        let campaign = turn.campaign().await?;
        let count = registrations::count_registered(&mut turn.tx, campaign.id, within).await?;
        if count > MAX_FORMS_IN_CHAT {
            let text = trf(
                turn.lang,
                "export.forms_too_many",
                &[
                    ("n", &count.to_string()),
                    ("max", &MAX_FORMS_IN_CHAT.to_string()),
                ],
            );
            turn.say(Reply::text(text));
            return Ok(());
        }
        let actor = Actor::Staff(me.clone());
        let (n, bytes) = ops::exports::forms_zip(&mut turn.tx, &actor, &campaign).await?;
        let caption = trf(turn.lang, "export.forms_caption", &[("n", &n.to_string())]);
        let file_name = format!(
            "mau-dang-ky-{}.zip",
            crate::domain::dates::file_day(turn.now)
        );
        self.give_file(turn, me, (file_name, bytes, caption))
            .await?;
        Ok(())
    }
}

/// "001/ĐK — Mô hình «…»", its value, where it stands, and its result if any.
fn work_line(lang: Lang, w: &Registration) -> String {
    let mut line = trf(
        lang,
        "works.line",
        &[
            ("number", &w.number.to_string()),
            ("kind", &tr(lang, w.draft.kind.label_key())),
            ("name", &w.draft.name),
            ("amount", &crate::i18n::money(lang, w.draft.estimated_value)),
            ("status", &tr(lang, w.status.label_key())),
        ],
    );
    if let Some(result) = &w.result {
        line.push('\n');
        line.push_str(&super::results::result_line(lang, result));
    }
    line
}

/// What can be done with a work, always in this order (what comes and goes, the
/// question of its result, last): a number keeps its meaning.
fn work_actions(lang: Lang, w: &Registration, today: chrono::NaiveDate) -> Vec<Choice> {
    if w.status != RegistrationStatus::Submitted {
        return Vec::new();
    }
    let n = w.number.to_string();
    let with_number = |key: &str| trf(lang, key, &[("number", &n)]);
    let mut choices = vec![
        Choice::new(with_number("button.edit_work"), Action::EditWork(w.id)),
        Choice::new(with_number("button.withdraw_work"), Action::Withdraw(w.id)),
        Choice::new(with_number("button.word_form"), Action::WordForm(w.id)),
    ];
    let open = !matches!(
        w.result,
        Some(WorkResult::Done { .. } | WorkResult::NotDone { .. })
    );
    if open && w.draft.end_date < today {
        choices.push(Choice::new(
            with_number("button.ask_result"),
            Action::AskResult(w.id),
        ));
    }
    choices
}
