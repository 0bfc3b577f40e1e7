//! Walks any `FormSpec`: asks each field in turn, re-asks with the reason on bad
//! input, goes back, skips optional fields, shows a summary, lets one field be
//! changed, and hands a complete form to the caller to store.

use serde::{Deserialize, Serialize};

use super::form::{Answer, Answers, FieldKind, FieldSpec, FormSpec, Rejection};
use super::registration_form::REGISTRATION;
use super::reply::{Action, Choice, Reply};
use crate::domain::dates::format_dmy;
use crate::i18n::{tr, trf, Lang};

/// What the engine needs to know about the world; all of it is plain data.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    /// Year of dates typed without one ("15/1").
    pub default_year: i32,
    /// The campaign's award criteria: the summary says which a work's values reach.
    pub awards: Vec<crate::domain::awards::AwardCriterion>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormId {
    Registration,
}

impl FormId {
    pub fn spec(self) -> &'static FormSpec {
        match self {
            FormId::Registration => &REGISTRATION,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "at", content = "field")]
pub enum Step {
    Field(usize),
    Summary,
    PickEdit,
    /// Changing one field from the summary: the answer returns to the summary.
    EditField(usize),
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text(String),
    /// A button, or its typed command (/quaylai, /boqua, /huy).
    Action(Action),
    /// A command the form does not know.
    UnknownCommand,
    /// A photo, sticker, file... where text is expected.
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
        }
    }

    fn spec(&self) -> &'static FormSpec {
        self.form.spec()
    }

    fn current_field(&self) -> Option<&'static FieldSpec> {
        match self.step {
            Step::Field(i) | Step::EditField(i) => self.spec().fields.get(i),
            Step::Summary | Step::PickEdit => None,
        }
    }
}

pub fn step(mut s: FormSession, input: Input, ctx: &Ctx) -> FormOutcome {
    let lang = ctx.lang;
    let action = match input {
        Input::Action(a) => a,
        Input::UnknownCommand => return reask(s, ctx, tr(lang, "form.unknown_command")),
        Input::Unsupported => return reask(s, ctx, tr(lang, "form.unsupported")),
        Input::StaleButton => return reask(s, ctx, tr(lang, "form.stale_button")),
        Input::Text(text) => return on_text(s, &text, ctx),
    };
    match action {
        Action::Cancel => FormOutcome::Cancelled(vec![Reply::text(tr(lang, "form.cancelled"))]),
        Action::Back => match s.step {
            Step::Field(0) if s.answers.is_empty() => {
                FormOutcome::Cancelled(vec![Reply::text(tr(lang, "form.cancelled"))])
            }
            Step::Field(0) => reask(s, ctx, tr(lang, "form.first_question")),
            Step::Field(i) => {
                s.step = Step::Field(i - 1);
                ask(s, ctx)
            }
            Step::Summary => {
                s.step = Step::Field(s.spec().fields.len() - 1);
                ask(s, ctx)
            }
            Step::PickEdit | Step::EditField(_) => {
                s.step = Step::Summary;
                ask(s, ctx)
            }
        },
        Action::Skip => match s.current_field() {
            Some(f) if f.optional => {
                s.answers.insert(f.key.to_string(), Answer::Skipped);
                advance(s, ctx)
            }
            Some(_) => reask(s, ctx, tr(lang, "form.cannot_skip")),
            None => reask(s, ctx, tr(lang, "form.stale_button")),
        },
        Action::Pick(value) => match s.current_field() {
            Some(f) if f.accepts_choice(&value) => {
                s.answers.insert(f.key.to_string(), Answer::Choice(value));
                advance(s, ctx)
            }
            _ => reask(s, ctx, tr(lang, "form.stale_button")),
        },
        Action::Edit if s.step == Step::Summary => {
            s.step = Step::PickEdit;
            ask(s, ctx)
        }
        Action::EditField(key) if matches!(s.step, Step::Summary | Step::PickEdit) => {
            match s.spec().index_of(&key) {
                Some(i) => {
                    s.step = Step::EditField(i);
                    ask(s, ctx)
                }
                None => reask(s, ctx, tr(lang, "form.stale_button")),
            }
        }
        Action::Confirm(key) if s.step == Step::Summary && key == s.key => FormOutcome::Submit(s),
        _ => reask(s, ctx, tr(lang, "form.stale_button")),
    }
}

fn on_text(mut s: FormSession, text: &str, ctx: &Ctx) -> FormOutcome {
    let Some(field) = s.current_field() else {
        return reask(s, ctx, tr(ctx.lang, "form.use_choices"));
    };
    if text.trim().is_empty() {
        return reask(s, ctx, tr(ctx.lang, "form.empty"));
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
            match (echo, advance(s, ctx)) {
                (Some(echo), FormOutcome::Continue(s, mut replies)) => {
                    if let Some(first) = replies.first_mut() {
                        first.text = format!("{echo}\n\n{}", first.text);
                    }
                    FormOutcome::Continue(s, replies)
                }
                (_, outcome) => outcome,
            }
        }
        Err(rejection) => {
            let reason = rejection_text(&rejection, ctx.lang);
            reask(s, ctx, reason)
        }
    }
}

pub fn rejection_text(r: &Rejection, lang: Lang) -> String {
    let args: Vec<(&str, &str)> = r.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    trf(lang, r.key, &args)
}

fn advance(mut s: FormSession, ctx: &Ctx) -> FormOutcome {
    s.step = match s.step {
        Step::Field(i) if i + 1 < s.spec().fields.len() => Step::Field(i + 1),
        _ => Step::Summary,
    };
    ask(s, ctx)
}

fn ask(s: FormSession, ctx: &Ctx) -> FormOutcome {
    let reply = prompt(&s, ctx);
    FormOutcome::Continue(s, vec![reply])
}

/// The same question again, after saying why.
fn reask(s: FormSession, ctx: &Ctx, reason: String) -> FormOutcome {
    let mut reply = prompt(&s, ctx);
    reply.text = format!("⚠️ {reason}\n\n{}", reply.text);
    FormOutcome::Continue(s, vec![reply])
}

/// The message that asks for the current step. Deterministic in the session, so it
/// can be shown again at any time (after a restart, after an unrelated command).
pub fn prompt(s: &FormSession, ctx: &Ctx) -> Reply {
    let lang = ctx.lang;
    let spec = s.spec();
    match s.step {
        Step::Field(i) | Step::EditField(i) => {
            let field = &spec.fields[i];
            let mut text = match s.step {
                Step::Field(_) => trf(
                    lang,
                    "form.progress",
                    &[
                        ("n", &(i + 1).to_string()),
                        ("total", &spec.fields.len().to_string()),
                    ],
                ),
                _ => tr(lang, "form.editing_field"),
            };
            text.push(' ');
            text.push_str(&tr(lang, field.prompt));
            if field.optional {
                text.push(' ');
                text.push_str(&tr(lang, "form.optional"));
            }
            if let Some(hint) = field.hint {
                text.push('\n');
                text.push_str(&tr(lang, hint));
            }
            if let Some(current) = s.answers.get(field.key).filter(|a| **a != Answer::Skipped) {
                text.push('\n');
                text.push_str(&trf(
                    lang,
                    "form.current_answer",
                    &[("value", &answer_text(field, current, lang))],
                ));
            }
            let mut choices = Vec::new();
            if let FieldKind::Choice(options) = &field.kind {
                choices.extend(
                    options
                        .iter()
                        .map(|o| Choice::new(tr(lang, o.label), Action::Pick(o.value.into()))),
                );
            }
            if field.optional {
                choices.push(Choice::new(tr(lang, "button.skip"), Action::Skip));
            }
            choices.push(Choice::new(tr(lang, "button.back"), Action::Back));
            Reply::with_choices(text, choices)
        }
        Step::Summary => {
            let title = match &s.editing {
                Some(e) => trf(lang, "form.summary_title_edit", &[("number", &e.number)]),
                None => tr(lang, "form.summary_title"),
            };
            let mut text = format!("{title}\n\n{}", summary_lines(s, lang));
            for hint in award_hints(&ctx.awards, &s.answers, lang) {
                text.push_str("\n\n");
                text.push_str(&hint);
            }
            text.push_str("\n\n");
            text.push_str(&tr(lang, "form.summary_ask"));
            Reply::with_choices(
                text,
                vec![
                    Choice::new(tr(lang, "button.confirm"), Action::Confirm(s.key.clone())),
                    Choice::new(tr(lang, "button.edit"), Action::Edit),
                    Choice::new(tr(lang, "button.cancel"), Action::Cancel),
                    Choice::new(tr(lang, "button.back"), Action::Back),
                ],
            )
        }
        Step::PickEdit => {
            let mut choices: Vec<Choice> = spec
                .fields
                .iter()
                .map(|f| Choice::new(tr(lang, f.label), Action::EditField(f.key.into())))
                .collect();
            choices.push(Choice::new(tr(lang, "button.back"), Action::Back));
            Reply::with_choices(tr(lang, "form.pick_edit"), choices)
        }
    }
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
pub fn summary_lines(s: &FormSession, lang: Lang) -> String {
    s.spec()
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let value = match s.answers.get(f.key) {
                Some(a) => answer_text(f, a, lang),
                None => tr(lang, "form.not_answered"),
            };
            format!("{}. {}: {}", i + 1, tr(lang, f.label), value)
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
                .find(|o| o.value == v)
                .map(|o| tr(lang, o.label))
                .unwrap_or_else(|| v.clone()),
            _ => v.clone(),
        },
        Answer::Skipped => tr(lang, "form.skipped"),
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
