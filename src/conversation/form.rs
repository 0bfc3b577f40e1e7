//! Forms as data: a list of field declarations that one engine walks. The
//! registration form is one such list; the report and nomination forms will be others.

use chrono::NaiveDate;

use crate::domain::dates::{self, DateError};
use crate::domain::money::{MoneyError, Vnd};
use crate::domain::text::{fold, visible_len};

#[derive(Debug)]
pub struct FormSpec {
    pub fields: &'static [FieldSpec],
}

impl FormSpec {
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.key == key)
    }
}

#[derive(Debug, Clone)]
pub struct FieldSpec {
    /// Stable name, stored in drafts: never rename.
    pub key: &'static str,
    /// Locale key of the short label used in summaries and the edit menu.
    pub label: &'static str,
    /// Locale key of the question.
    pub prompt: &'static str,
    /// Locale key of an example line under the question, if any.
    pub hint: Option<&'static str>,
    pub kind: FieldKind,
    pub optional: bool,
}

#[derive(Debug)]
pub struct ChoiceOption {
    pub value: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Clone)]
pub enum FieldKind {
    Choice(&'static [ChoiceOption]),
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
}

pub use crate::domain::answers::{Answer, Answers};

/// Why an answer was refused: a locale key and the values its message needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Rejection {
    fn plain(key: &'static str) -> Self {
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
        }
    }

    pub fn accepts_choice(&self, value: &str) -> bool {
        matches!(&self.kind, FieldKind::Choice(opts) if opts.iter().any(|o| o.value == value))
    }
}

fn date_answer(answers: &Answers, key: &str) -> Option<NaiveDate> {
    match answers.get(key) {
        Some(Answer::Date(d)) => Some(*d),
        _ => None,
    }
}
