//! Forms as data: a list of field declarations that one engine walks. The
//! registration form is a static list; the submission of a deadline's documents, an
//! announcement and a return reason are lists built from the data they are about.

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::domain::dates::{self, DateError};
use crate::domain::money::{MoneyError, Vnd};
use crate::domain::text::{fold, visible_len};
use crate::i18n::{tr, Lang};

#[derive(Debug, Clone)]
pub struct FormSpec {
    pub fields: Cow<'static, [FieldSpec]>,
    pub texts: FormTexts,
}

/// What a form says around its questions.
#[derive(Debug, Clone)]
pub struct FormTexts {
    /// Above the summary ("Xin kiểm tra lại …").
    pub summary_title: Words,
    /// Under the summary, before the buttons.
    pub summary_ask: Words,
    /// Locale key of the button that hands the form in.
    pub confirm: &'static str,
    /// Locale key of the line after a cancel.
    pub cancelled: Words,
}

impl FormSpec {
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.key == key)
    }
}

/// Words a person reads: a locale key, or text that came with the data (a document's
/// title from the campaign file, an audience with its count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Words {
    Key(&'static str),
    Plain(String),
}

impl Words {
    pub fn show(&self, lang: Lang) -> String {
        match self {
            Words::Key(k) => tr(lang, k),
            Words::Plain(s) => s.clone(),
        }
    }

    /// The locale key, for what looks words up once per export (every form exported
    /// declares its labels as keys).
    pub fn key(&self) -> Option<&'static str> {
        match self {
            Words::Key(k) => Some(k),
            Words::Plain(_) => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct FieldSpec {
    /// Stable name, stored with the answers: never rename.
    pub key: Cow<'static, str>,
    /// The short label used in summaries, the edit menu and exports' headers.
    pub label: Words,
    /// The question.
    pub prompt: Words,
    /// Locale key of an example line under the question, if any.
    pub hint: Option<&'static str>,
    pub kind: FieldKind,
    pub optional: bool,
}

#[derive(Debug, Clone)]
pub struct ChoiceOption {
    pub value: Cow<'static, str>,
    pub label: Words,
}

#[derive(Debug, Clone)]
pub enum FieldKind {
    Choice(Cow<'static, [ChoiceOption]>),
    Text {
        min: usize,
        max: usize,
    },
    /// A date, optionally ordered against another date field of the same form.
    Date {
        not_before: Option<&'static str>,
        not_after: Option<&'static str>,
    },
    Money,
    /// Files sent as attachments, already checked and saved before the turn. With
    /// `max` 1 a second file replaces the first; with more, files add up to `max`.
    File {
        max: usize,
    },
}

pub use crate::domain::answers::{Answer, Answers, StoredFile};

/// Why an answer was refused: a locale key and the values its message needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Rejection {
    pub fn plain(key: &'static str) -> Self {
        Rejection { key, args: vec![] }
    }
}

impl From<MoneyError> for Rejection {
    fn from(e: MoneyError) -> Self {
        Rejection::plain(e.key())
    }
}

impl From<DateError> for Rejection {
    fn from(e: DateError) -> Self {
        let args = match e {
            DateError::NoSuchMonth { month } => vec![("month", month.to_string())],
            DateError::NoSuchDay {
                day,
                month,
                year,
                max,
            } => vec![
                ("day", day.to_string()),
                ("month", month.to_string()),
                ("year", year.to_string()),
                ("max", max.to_string()),
            ],
            DateError::YearOutOfRange { year } => vec![("year", year.to_string())],
            DateError::Empty | DateError::Format => vec![],
        };
        Rejection { key: e.key(), args }
    }
}

impl FieldSpec {
    /// Parse a typed answer. `answers` holds the rest of the form, for rules that
    /// relate two fields (end date not before start date).
    pub fn parse(
        &self,
        input: &str,
        answers: &Answers,
        default_year: i32,
    ) -> Result<Answer, Rejection> {
        match &self.kind {
            FieldKind::Choice(options) => {
                let typed = fold(input);
                options
                    .iter()
                    .find(|o| fold(o.value.replace('_', " ").as_str()) == typed)
                    .map(|o| Answer::Choice(o.value.to_string()))
                    .ok_or_else(|| Rejection::plain("form.pick_one"))
            }
            FieldKind::Text { min, max } => {
                let text = input.trim();
                let len = text.chars().count();
                // The minimum counts what a reader sees: five zero-width spaces are
                // five characters and an empty name in every list.
                let visible = visible_len(text);
                if visible == 0 {
                    Err(Rejection::plain("form.invisible"))
                } else if visible < *min {
                    Err(Rejection {
                        key: "form.too_short",
                        args: vec![("min", min.to_string())],
                    })
                } else if len > *max {
                    Err(Rejection {
                        key: "form.too_long",
                        args: vec![("max", max.to_string()), ("len", len.to_string())],
                    })
                } else {
                    Ok(Answer::Text(text.to_string()))
                }
            }
            FieldKind::Date {
                not_before,
                not_after,
            } => {
                let date = dates::parse_date(input, default_year)?;
                if let Some(other) = not_before.and_then(|k| date_answer(answers, k)) {
                    if date < other {
                        return Err(Rejection {
                            key: "form.date_before_start",
                            args: vec![("other", dates::format_dmy(other))],
                        });
                    }
                }
                if let Some(other) = not_after.and_then(|k| date_answer(answers, k)) {
                    if date > other {
                        return Err(Rejection {
                            key: "form.date_after_end",
                            args: vec![("other", dates::format_dmy(other))],
                        });
                    }
                }
                Ok(Answer::Date(date))
            }
            FieldKind::Money => Ok(Answer::Money(Vnd::parse(input)?)),
            FieldKind::File { .. } => Err(Rejection::plain("form.send_a_file")),
        }
    }

    pub fn accepts_choice(&self, value: &str) -> bool {
        matches!(&self.kind, FieldKind::Choice(opts) if opts.iter().any(|o| o.value == value))
    }

    pub fn takes_files(&self) -> bool {
        matches!(self.kind, FieldKind::File { .. })
    }
}

fn date_answer(answers: &Answers, key: &str) -> Option<NaiveDate> {
    match answers.get(key) {
        Some(Answer::Date(d)) => Some(*d),
        _ => None,
    }
}
