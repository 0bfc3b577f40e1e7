//! Walks any `FormSpec`: asks each field in turn, re-asks with the reason on bad
//! input, goes back, skips optional fields, shows a summary, lets one field be
//! changed, and hands a complete form to the caller to store.

use serde::{Deserialize, Serialize};

use super::form::{Answer, Answers, FieldKind, FieldSpec, FormSpec, Rejection, StoredFile};
use super::reply::{Action, Choice, Reply};
use crate::domain::dates::format_dmy;
use crate::i18n::{tr, trf, Lang};

/// What the engine needs to know about the world; all of it is plain data.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    /// Whether the channel has buttons; without them a person types a number, and
    /// nothing may say "press" or number two lists in one message.
    pub buttons: bool,
    /// Year of dates typed without one ("15/1").
    pub default_year: i32,
    /// The campaign's award criteria: the summary says which a work's values reach.
    pub awards: Vec<crate::domain::awards::AwardCriterion>,
    /// The campaign's last day: a date after it is pointed out at the summary.
    pub campaign_ends: Option<chrono::NaiveDate>,
}

/// Which form a session fills; the app builds its `FormSpec` from it (and from the
/// data it names) at every turn, so a form changed on disk is the form asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormId {
    Registration,
    /// A deadline's documents, one field per document, then a note.
    Submission {
        deadline_id: i64,
    },
    /// Staff's announcement: its text, then who receives it.
    Announcement,
    /// Staff returning a submission: the reason the chair will read.
    ReturnReason {
        submission_id: i64,
    },
    /// A chair saying a work was finished: its actual value, photos, what it achieved.
    WorkDone {
        registration_id: i64,
    },
    /// A chair saying a work was not carried out, and why.
    WorkNotDone {
        registration_id: i64,
    },
    /// A chair writing the achievement report's sections (the campaign's `[report]`).
    Report,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "at", content = "field")]
pub enum Step {
    Field(usize),
    Summary,
    PickEdit,
    /// Changing one field from the summary: the answer returns to the summary.
    EditField(usize),
    /// Every item in one message ("Điền nhanh", `conversation::quick`).
    Quick,
}

/// A stored registration being changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Editing {
    pub id: i64,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormSession {
    pub form: FormId,
    /// Idempotency key of this draft: a second "confirm" with it changes nothing.
    pub key: String,
    pub editing: Option<Editing>,
    pub answers: Answers,
    pub step: Step,
    /// The key of the field being asked, as the form stood when it was asked: a
    /// field taken out of the form (a campaign reloaded) or moved is then found
    /// again, and an answer is never taken for a question the person did not see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asking: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text(String),
    /// A button, or its typed command (/quaylai, /boqua, /huy).
    Action(Action),
    /// A command the form does not know.
    UnknownCommand,
    /// A file that came with the message: saved and checked, or why not.
    File(Result<StoredFile, Rejection>),
    /// A sticker, a location... anything the form cannot take.
    Unsupported,
    /// A button this version cannot read.
    StaleButton,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormOutcome {
    Continue(FormSession, Vec<Reply>),
    Cancelled(Vec<Reply>),
    /// Complete and confirmed: the caller stores it and thanks the user.
    Submit(FormSession),
}

impl FormSession {
    pub fn new(form: FormId, key: String) -> Self {
        FormSession {
            form,
            key,
            editing: None,
            answers: Answers::new(),
            step: Step::Field(0),
            asking: None,
        }
    }

    /// Open a stored record at its summary, ready to change.
    pub fn editing(form: FormId, key: String, editing: Editing, answers: Answers) -> Self {
        FormSession {
            form,
            key,
            editing: Some(editing),
            answers,
            step: Step::Summary,
            asking: None,
        }
    }

    fn current_field<'s>(&self, spec: &'s FormSpec) -> Option<&'s FieldSpec> {
        match self.step {
            Step::Field(i) | Step::EditField(i) => spec.fields.get(i),
            Step::Summary | Step::PickEdit | Step::Quick => None,
        }
    }

    /// Every file the answers hold: the app removes the drafts a step dropped.
    pub fn files(&self) -> impl Iterator<Item = &StoredFile> {
        self.answers.values().flat_map(|a| match a {
            Answer::Files(files) => files.as_slice(),
            _ => &[],
        })
    }

    /// Fits a session to its form as the form is now (a deadline may ask for other
    /// documents since the chair began): answers to fields gone are dropped and a step
    /// past the end, or a summary with a required answer missing, goes to the first
    /// question not answered yet. True when anything changed.
    pub fn refit(&mut self, spec: &FormSpec) -> bool {
        let before = self.answers.len();
        self.answers.retain(|k, _| spec.index_of(k).is_some());
        let mut changed = self.answers.len() != before;
        // The question asked is no longer at its place: to where it went, or, gone,
        // to the first question not answered yet (below).
        if let (Step::Field(i) | Step::EditField(i), Some(key)) = (self.step, &self.asking) {
            if spec.fields.get(i).map(|f| &*f.key) != Some(key.as_str()) {
                let moved = spec.index_of(key);
                self.step = match (self.step, moved) {
                    (Step::EditField(_), Some(j)) => Step::EditField(j),
                    (_, Some(j)) => Step::Field(j),
                    (_, None) => Step::Field(usize::MAX),
                };
                changed = true;
            }
        }
        let missing = |required_only: bool| {
            spec.fields.iter().position(|f| {
                (!required_only || !f.optional) && !self.answers.contains_key(&*f.key)
            })
        };
        let fits = match self.step {
            Step::Field(i) | Step::EditField(i) => i < spec.fields.len(),
            Step::Summary | Step::PickEdit => missing(true).is_none(),
            Step::Quick => super::quick::allowed(spec),
        };
        if !fits {
            self.step = missing(false).map_or(Step::Summary, Step::Field);
            changed = true;
        }
        self.mark(spec);
        changed
    }

    /// Notes which field is being asked, for `refit`.
    pub fn mark(&mut self, spec: &FormSpec) {
        self.asking = self.current_field(spec).map(|f| f.key.to_string());
    }
}

pub fn step(s: FormSession, input: Input, spec: &FormSpec, ctx: &Ctx) -> FormOutcome {
    match take_step(s, input, spec, ctx) {
        FormOutcome::Continue(mut s, replies) => {
            s.mark(spec);
            FormOutcome::Continue(s, replies)
        }
        other => other,
    }
}

fn take_step(mut s: FormSession, input: Input, spec: &FormSpec, ctx: &Ctx) -> FormOutcome {
    let lang = ctx.lang;
    let at_file = s.current_field(spec).is_some_and(FieldSpec::takes_files);
    let action = match input {
        Input::Action(a) => a,
        Input::UnknownCommand => return reask(s, spec, ctx, tr(lang, "form.unknown_command")),
        Input::Unsupported if at_file => return reask(s, spec, ctx, tr(lang, "form.send_a_file")),
        Input::Unsupported => return reask(s, spec, ctx, tr(lang, "form.unsupported")),
        Input::StaleButton => return reask(s, spec, ctx, tr(lang, "form.stale_button")),
        Input::Text(text) => return on_text(s, &text, spec, ctx),
        Input::File(file) => return on_file(s, file, spec, ctx),
    };
    let cancelled = || FormOutcome::Cancelled(vec![Reply::text(spec.texts.cancelled.show(lang))]);
    match action {
        Action::Cancel => cancelled(),
        Action::Back => match s.step {
            // Nothing before the first question: say so, and offer to stop, rather
            // than drop the form unasked.
            Step::Field(0) => {
                let mut outcome = reask(s, spec, ctx, tr(lang, "form.first_question"));
                if let FormOutcome::Continue(_, replies) = &mut outcome {
                    if let Some(reply) = replies.first_mut() {
                        let stop = Choice::new(tr(lang, "button.cancel"), Action::Cancel);
                        let at = reply.choices.len().saturating_sub(1);
                        reply.choices.insert(at, stop);
                    }
                }
                outcome
            }
            Step::Field(i) => {
                s.step = Step::Field(i - 1);
                ask(s, spec, ctx)
            }
            Step::Summary => {
                s.step = Step::Field(spec.fields.len() - 1);
                ask(s, spec, ctx)
            }
            Step::PickEdit | Step::EditField(_) => {
                s.step = Step::Summary;
                ask(s, spec, ctx)
            }
            // Back to the questions one by one, at the first not answered yet.
            Step::Quick => {
                let first = spec
                    .fields
                    .iter()
                    .position(|f| !s.answers.contains_key(&*f.key));
                s.step = first.map_or(Step::Summary, Step::Field);
                ask(s, spec, ctx)
            }
        },
        Action::Quick if super::quick::allowed(spec) && s.editing.is_none() => {
            s.step = Step::Quick;
            ask(s, spec, ctx)
        }
        Action::Quick => reask(s, spec, ctx, tr(lang, "form.quick.not_here")),
        Action::Skip => match s.current_field(spec) {
            // Files already sent: keep them and go on.
            Some(f) if f.takes_files() && s.answers.get(&*f.key).is_some_and(has_files) => {
                advance(s, spec, ctx)
            }
            Some(f) if f.optional => {
                s.answers.insert(f.key.to_string(), Answer::Skipped);
                advance(s, spec, ctx)
            }
            Some(_) => reask(s, spec, ctx, tr(lang, "form.cannot_skip")),
            None => reask(s, spec, ctx, tr(lang, "form.stale_button")),
        },
        Action::Keep => match s.current_field(spec) {
            Some(f) if s.answers.contains_key(&*f.key) => advance(s, spec, ctx),
            _ => reask(s, spec, ctx, tr(lang, "form.stale_button")),
        },
        Action::Pick(value) => match s.current_field(spec) {
            Some(f) if f.accepts_choice(&value) => {
                s.answers.insert(f.key.to_string(), Answer::Choice(value));
                advance(s, spec, ctx)
            }
            _ => reask(s, spec, ctx, tr(lang, "form.stale_button")),
        },
        Action::Edit if s.step == Step::Summary => {
            s.step = Step::PickEdit;
            ask(s, spec, ctx)
        }
        Action::EditField(key) if matches!(s.step, Step::Summary | Step::PickEdit) => {
            match spec.index_of(&key) {
                Some(i) => {
                    s.step = Step::EditField(i);
                    ask(s, spec, ctx)
                }
                None => reask(s, spec, ctx, tr(lang, "form.stale_button")),
            }
        }
        Action::Confirm(key) if s.step == Step::Summary && key == s.key => FormOutcome::Submit(s),
        _ => reask(s, spec, ctx, tr(lang, "form.stale_button")),
    }
}

fn has_files(a: &Answer) -> bool {
    matches!(a, Answer::Files(f) if !f.is_empty())
}

fn on_file(
    mut s: FormSession,
    file: Result<StoredFile, Rejection>,
    spec: &FormSpec,
    ctx: &Ctx,
) -> FormOutcome {
    let lang = ctx.lang;
    let max = match s.current_field(spec).map(|f| &f.kind) {
        Some(FieldKind::File { max }) => *max,
        _ => return reask(s, spec, ctx, tr(lang, "form.unsupported")),
    };
    let file = match file {
        Ok(file) => file,
        Err(why) => return reask(s, spec, ctx, rejection_text(&why, lang)),
    };
    let key = s
        .current_field(spec)
        .map(|f| f.key.to_string())
        .unwrap_or_default();
    let mut echo = trf(lang, "form.file_received", &[("name", &file.name)]);
    let files = match s.answers.remove(&key) {
        Some(Answer::Files(mut files)) if max > 1 && files.len() < max => {
            files.push(file);
            files
        }
        // Back at a question that has all its files (after /quaylai), a new one
        // starts the list again, and says so: never more than `max`.
        Some(Answer::Files(files)) if max > 1 && !files.is_empty() => {
            let n = max.to_string();
            echo = trf(
                lang,
                "form.files_restarted",
                &[("name", &file.name), ("max", &n)],
            );
            vec![file]
        }
        _ => vec![file],
    };
    let full = files.len() >= max;
    s.answers.insert(key, Answer::Files(files));
    let outcome = if full {
        advance(s, spec, ctx)
    } else {
        ask(s, spec, ctx)
    };
    with_echo(outcome, echo)
}

fn with_echo(outcome: FormOutcome, echo: String) -> FormOutcome {
    match outcome {
        FormOutcome::Continue(s, mut replies) => {
            if let Some(first) = replies.first_mut() {
                first.text = format!("{echo}\n\n{}", first.text);
            }
            FormOutcome::Continue(s, replies)
        }
        outcome => outcome,
    }
}

fn on_text(mut s: FormSession, text: &str, spec: &FormSpec, ctx: &Ctx) -> FormOutcome {
    if s.step == Step::Quick {
        return super::quick::take(s, text, spec, ctx);
    }
    let Some(field) = s.current_field(spec) else {
        return reask(s, spec, ctx, tr(ctx.lang, "form.use_choices"));
    };
    if text.trim().is_empty() {
        // An empty line (the console's Enter) keeps an answer already given.
        if s.answers.contains_key(&*field.key) {
            return advance(s, spec, ctx);
        }
        return reask(s, spec, ctx, tr(ctx.lang, "form.empty"));
    }
    match field.parse(text, &s.answers, ctx.default_year) {
        Ok(answer) => {
            let echo = match &answer {
                Answer::Money(v) => Some(trf(
                    ctx.lang,
                    "form.money_echo",
                    &[("amount", &crate::i18n::money(ctx.lang, *v))],
                )),
                Answer::Date(d) => Some(trf(
                    ctx.lang,
                    "form.date_echo",
                    &[("date", &format_dmy(*d))],
                )),
                _ => None,
            };
            s.answers.insert(field.key.to_string(), answer);
            let outcome = advance(s, spec, ctx);
            match echo {
                Some(echo) => with_echo(outcome, echo),
                None => outcome,
            }
        }
        Err(rejection) => {
            let reason = rejection_text(&rejection, ctx.lang);
            reask(s, spec, ctx, reason)
        }
    }
}

pub fn rejection_text(r: &Rejection, lang: Lang) -> String {
    let args: Vec<(&str, &str)> = r.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    trf(lang, r.key, &args)
}

fn advance(mut s: FormSession, spec: &FormSpec, ctx: &Ctx) -> FormOutcome {
    s.step = match s.step {
        Step::Field(i) if i + 1 < spec.fields.len() => Step::Field(i + 1),
        _ => Step::Summary,
    };
    ask(s, spec, ctx)
}

fn ask(s: FormSession, spec: &FormSpec, ctx: &Ctx) -> FormOutcome {
    let reply = prompt(&s, spec, ctx);
    FormOutcome::Continue(s, vec![reply])
}

/// The same question again, after saying why.
fn reask(s: FormSession, spec: &FormSpec, ctx: &Ctx, reason: String) -> FormOutcome {
    let mut reply = prompt(&s, spec, ctx);
    reply.text = format!("⚠️ {reason}\n\n{}", reply.text);
    FormOutcome::Continue(s, vec![reply])
}

/// The message that asks for the current step. Deterministic in the session, so it
/// can be shown again at any time (after a restart, after an unrelated command).
pub fn prompt(s: &FormSession, spec: &FormSpec, ctx: &Ctx) -> Reply {
    let lang = ctx.lang;
    match s.step {
        Step::Field(i) | Step::EditField(i) => match spec.fields.get(i) {
            Some(field) => field_prompt(s, spec, field, i, lang),
            None => {
                // Never stored so (`refit` runs first), but a prompt must not panic.
                let at_summary = FormSession {
                    step: Step::Summary,
                    ..s.clone()
                };
                prompt(&at_summary, spec, ctx)
            }
        },
        Step::Summary => {
            let title = match &s.editing {
                Some(e) => trf(lang, "form.summary_title_edit", &[("number", &e.number)]),
                None => spec.texts.summary_title.show(lang),
            };
            let lines = match ctx.buttons {
                true => summary_lines(s, spec, lang),
                // The actions are numbered under it: items are not, so "1" is never
                // both "send" and "item 1".
                false => summary_bullets(s, spec, lang),
            };
            let mut text = format!("{title}\n\n{lines}");
            for hint in late_dates(s, spec, ctx).into_iter().chain(award_hints(
                &ctx.awards,
                &s.answers,
                lang,
            )) {
                text.push_str("\n\n");
                text.push_str(&hint);
            }
            text.push_str("\n\n");
            text.push_str(&match (&spec.texts.summary_ask, ctx.buttons) {
                // What to type, where nothing can be pressed.
                (super::form::Words::Key(key), false) => tr(lang, &format!("{key}_typed")),
                (ask, _) => ask.show(lang),
            });
            Reply::with_choices(
                text,
                vec![
                    Choice::new(tr(lang, spec.texts.confirm), Action::Confirm(s.key.clone())),
                    Choice::new(tr(lang, "button.edit"), Action::Edit),
                    Choice::new(tr(lang, "button.cancel"), Action::Cancel),
                    Choice::new(tr(lang, "button.back"), Action::Back),
                ],
            )
        }
        Step::Quick => super::quick::template(spec, lang),
        Step::PickEdit => {
            let mut choices: Vec<Choice> = spec
                .fields
                .iter()
                .map(|f| Choice::new(f.label.show(lang), Action::EditField(f.key.to_string())))
                .collect();
            choices.push(Choice::new(tr(lang, "button.back"), Action::Back));
            Reply::with_choices(tr(lang, "form.pick_edit"), choices)
        }
    }
}

/// The question of field `i`: where the form stands, the prompt, its hint, the answer
/// kept so far, and the choices (the field's own, then skip or keep, then back).
fn field_prompt(
    s: &FormSession,
    spec: &FormSpec,
    field: &FieldSpec,
    i: usize,
    lang: Lang,
) -> Reply {
    let mut text = match s.step {
        // A form of one question needs no "(1/1)".
        Step::Field(_) if spec.fields.len() == 1 => String::new(),
        Step::Field(_) => {
            let (n, total) = ((i + 1).to_string(), spec.fields.len().to_string());
            trf(lang, "form.progress", &[("n", &n), ("total", &total)]) + " "
        }
        _ => tr(lang, "form.editing_field") + " ",
    };
    text.push_str(&field.prompt.show(lang));
    if field.optional {
        text.push(' ');
        text.push_str(&tr(lang, "form.optional"));
    }
    if let Some(hint) = field.hint {
        text.push('\n');
        text.push_str(&tr(lang, hint));
    }
    let current = s
        .answers
        .get(&*field.key)
        .filter(|a| **a != Answer::Skipped);
    if let Some(current) = current {
        let value = answer_text(field, current, lang);
        text.push('\n');
        text.push_str(&trf(lang, "form.current_answer", &[("value", &value)]));
    }
    let mut choices = Vec::new();
    if let FieldKind::Choice(options) = &field.kind {
        choices.extend(
            options
                .iter()
                .map(|o| Choice::new(o.label.show(lang), Action::Pick(o.value.to_string()))),
        );
    }
    // Back at a question already answered: keep the answer without typing it again.
    if current.is_some() && !field.takes_files() {
        choices.push(Choice::new(tr(lang, "button.keep"), Action::Keep));
    }
    match (&field.kind, current) {
        (FieldKind::File { max: 1 }, Some(a)) if has_files(a) => {
            choices.push(Choice::new(tr(lang, "button.keep_file"), Action::Skip));
        }
        (FieldKind::File { .. }, Some(a)) if has_files(a) => {
            choices.push(Choice::new(tr(lang, "button.files_done"), Action::Skip));
        }
        _ if field.optional => {
            choices.push(Choice::new(tr(lang, "button.skip"), Action::Skip));
        }
        _ => {}
    }
    choices.push(Choice::new(tr(lang, "button.back"), Action::Back));
    Reply::with_choices(text, choices)
}

/// Dates answered past the campaign's end, each pointed out (a hint, not a refusal).
fn late_dates(s: &FormSession, spec: &FormSpec, ctx: &Ctx) -> Vec<String> {
    let Some(end) = ctx.campaign_ends else {
        return Vec::new();
    };
    spec.fields
        .iter()
        .filter_map(|f| match s.answers.get(&*f.key) {
            Some(Answer::Date(d)) if *d > end => Some(trf(
                ctx.lang,
                "form.after_campaign",
                &[
                    ("label", &f.label.show(ctx.lang)),
                    ("date", &format_dmy(*d)),
                    ("end", &format_dmy(end)),
                ],
            )),
            _ => None,
        })
        .collect()
}

/// "💡 Giá trị dự kiến 250 triệu đạt mức xét Bằng khen … — đây là gợi ý, không phải kết
/// quả xét": one line per criterion a money answer reaches.
pub fn award_hints(
    awards: &[crate::domain::awards::AwardCriterion],
    answers: &super::form::Answers,
    lang: Lang,
) -> Vec<String> {
    answers
        .iter()
        .filter_map(|(key, a)| match a {
            Answer::Money(v) => Some((key, *v)),
            _ => None,
        })
        .flat_map(|(key, v)| {
            crate::domain::awards::reached(awards, key, v)
                .into_iter()
                .map(move |c| {
                    trf(
                        lang,
                        "award.hint",
                        &[
                            ("amount", &crate::i18n::money(lang, v)),
                            ("award", &c.award),
                            ("plan_ref", &c.plan_ref),
                        ],
                    )
                })
        })
        .collect()
}

/// "1. Loại: Mô hình" lines, every field in order.
pub fn summary_lines(s: &FormSession, spec: &FormSpec, lang: Lang) -> String {
    summary_marked(s, spec, lang, |i| format!("{}.", i + 1))
}

/// "• Loại: Mô hình" lines: the summary where numbers are for the actions only.
fn summary_bullets(s: &FormSession, spec: &FormSpec, lang: Lang) -> String {
    summary_marked(s, spec, lang, |_| "•".to_string())
}

/// Every field in order, each after its mark.
fn summary_marked(
    s: &FormSession,
    spec: &FormSpec,
    lang: Lang,
    mark: impl Fn(usize) -> String,
) -> String {
    spec.fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let value = match s.answers.get(&*f.key) {
                Some(a) => answer_text(f, a, lang),
                None => tr(lang, "form.not_answered"),
            };
            format!("{} {}: {}", mark(i), f.label.show(lang), value)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An answer as the summary (and the paper) shows it.
pub fn answer_text(field: &FieldSpec, answer: &Answer, lang: Lang) -> String {
    match answer {
        Answer::Text(t) => t.clone(),
        Answer::Date(d) => format_dmy(*d),
        Answer::Money(v) => crate::i18n::money(lang, *v),
        Answer::Choice(v) => match &field.kind {
            FieldKind::Choice(opts) => opts
                .iter()
                .find(|o| o.value == v.as_str())
                .map(|o| o.label.show(lang))
                .unwrap_or_else(|| v.clone()),
            _ => v.clone(),
        },
        Answer::Files(files) => files
            .iter()
            .map(|f| format!("{} ({} KB)", f.name, f.size.div_ceil(1024)))
            .collect::<Vec<_>>()
            .join(", "),
        Answer::Skipped => tr(lang, "form.skipped"),
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
pub(crate) mod tests;
