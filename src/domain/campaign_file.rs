//! Campaign files: one TOML file per campaign plan (kế hoạch thi đua) with its
//! deadlines, the documents each deadline asks for, and when to remind.
//!
//! ```toml
//! code = "vinh-thuan-2025"
//! title = "Phong trào thi đua …"
//! plan_ref = "Kế hoạch số 76/KH-LĐLĐ ngày 20/11/2024"
//! starts_on = 2024-11-20
//! ends_on = 2025-07-31
//! timezone = "Asia/Ho_Chi_Minh"     # optional
//! reminder_days = [7, 3, 1, 0]      # optional default for every deadline
//! reminder_time = "08:00"           # optional default for every deadline
//!
//! [[deadline]]
//! key = "report"
//! title = "Báo cáo tổng kết phong trào thi đua"
//! due = 2025-05-05
//! due_time = "23:59"                # optional
//! asks_for = "report"               # registration | report | nomination
//!
//! [[deadline.document]]
//! key = "bao_cao"
//! title = "Báo cáo tổng kết phong trào thi đua"
//! ```
//!
//! [`parse`] checks every rule and refuses the whole file at the first
//! problem, naming the field (`deadline[1].due`) and the line it sits on, so
//! the person who typed the file can fix it. Unknown keys are refused: a typo
//! must not silently drop a deadline or a reminder.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use chrono::{
    DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc,
};
use chrono_tz::Tz;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use toml::{Spanned, Value};

/// Time zone of a file that names none.
pub const DEFAULT_TIMEZONE: Tz = Tz::Asia__Ho_Chi_Minh;

/// The longest text a campaign file may give one value (a title, the issuer, an
/// award, a question's prompt).
pub const MAX_TEXT_VALUE: usize = 300;
/// Reminder days of a file that names none: a week before, three days, the
/// day before and the day itself.
pub const DEFAULT_REMINDER_DAYS: [u32; 4] = [7, 3, 1, 0];
/// Local time of reminders when the file names none.
pub const DEFAULT_REMINDER_TIME: NaiveTime = match NaiveTime::from_hms_opt(8, 0, 0) {
    Some(t) => t,
    None => panic!("08:00 is a time"),
};
/// Local time a deadline falls due when the file names none: "trước ngày
/// 5/5" is read as by the end of that day.
pub const DEFAULT_DUE_TIME: NaiveTime = match NaiveTime::from_hms_opt(23, 59, 0) {
    Some(t) => t,
    None => panic!("23:59 is a time"),
};
/// Largest number of days before a due date a reminder may be sent.
pub const MAX_REMINDER_DAYS: u32 = 60;
/// Deadlines may fall this many days after the campaign ends (late reports,
/// the summary of the campaign).
pub const DUE_AFTER_END_DAYS: u64 = 60;

/// A campaign file that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignFile {
    pub code: String,
    pub title: String,
    pub plan_ref: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub timezone: Tz,
    /// In the order of the file.
    pub deadlines: Vec<DeadlineSpec>,
    pub paper: PaperSpec,
    /// `[[award]]`: the plan's thresholds, in the order of the file.
    pub awards: Vec<crate::domain::awards::AwardCriterion>,
    /// `[[question]]`: asked after the paper form's items, in the order of the file.
    pub questions: Vec<crate::domain::questions::Question>,
}

/// What the printed forms say that the database does not know: `[paper]`, every
/// line optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PaperSpec {
    /// The federation that launched the campaign, in full ("Liên đoàn Lao động huyện
    /// Vĩnh Thuận"): the form's header and its "Nơi nhận".
    pub issuer: Option<String>,
    /// Where forms are signed: "Vĩnh Thuận, ngày … tháng … năm …".
    pub place: Option<String>,
    /// The line under "BẢNG ĐĂNG KÝ" on the registration form.
    pub subtitle: Option<String>,
    /// The issuer's part of a form's number, "CĐCS" in "Số: 001/ĐK-CĐCS"; without it,
    /// the unit's short name.
    #[serde(default)]
    pub number_suffix: Option<String>,
    /// Who signs the district's summary for the federation ("Lê Kim Thoa"), under
    /// "TM. BAN THƯỜNG VỤ / CHỦ TỊCH".
    #[serde(default)]
    pub signer: Option<String>,
    /// The achievement report's layout (`[report]`); without it no draft is offered.
    #[serde(default)]
    pub report: Option<crate::domain::report_layout::ReportLayout>,
}

/// One `[[deadline]]`, with the campaign's reminder defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineSpec {
    pub key: String,
    pub title: String,
    pub due_on: NaiveDate,
    pub due_time: NaiveTime,
    pub asks_for: AsksFor,
    /// In the order of the file; empty for a registration deadline.
    pub documents: Vec<DocumentSpec>,
    /// Days before `due_on`, unique, sorted descending (oldest reminder first).
    pub reminder_days: Vec<u32>,
    pub reminder_time: NaiveTime,
}

pub use super::deadline_kind::AsksFor;

/// One `[[deadline.document]]`: a paper the deadline asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSpec {
    pub key: String,
    pub title: String,
}

/// Why a campaign file was refused: the field (dotted path such as
/// `deadline[1].due`) and the 1-based line where its value, or for a missing
/// field its table, sits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {field}: {message}")]
pub struct CampaignFileError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl DeadlineSpec {
    /// The instant the deadline falls due: `due_on` at `due_time` in `tz`.
    pub fn due_at(&self, tz: Tz) -> DateTime<Utc> {
        local_instant(tz, self.due_on.and_time(self.due_time))
    }

    /// `(days_before, instant)` for each reminder day at `reminder_time`
    /// local time, oldest first.
    pub fn reminder_slots(&self, tz: Tz) -> Vec<(u32, DateTime<Utc>)> {
        self.reminder_days
            .iter()
            .map(|&days| {
                let day = self.due_on - TimeDelta::days(i64::from(days));
                (days, local_instant(tz, day.and_time(self.reminder_time)))
            })
            .collect()
    }
}

/// A wall-clock reading in `tz` as an instant. A reading that happens twice
/// (clocks going back) is the first one; a reading skipped by clocks going
/// forward is read in the offset before the jump, so it lands just after it.
fn local_instant(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => {
            let before = tz
                .from_local_datetime(&(local - TimeDelta::days(1)))
                .earliest()
                .map_or(0, |t| chrono::Offset::fix(t.offset()).local_minus_utc());
            (local - TimeDelta::seconds(i64::from(before))).and_utc()
        }
    }
}

/// Reads a campaign file. No I/O: the caller passes the text.
pub fn parse(text: &str) -> Result<CampaignFile, CampaignFileError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
    Checker { text }.file(raw)
}

// ---------------------------------------------------------------------------
// The file as written. Every value keeps its byte span so errors can name the
// line. Required fields are `Option` so a missing one is reported with the
// line of its table; dates and times are read as any TOML value so a quoted
// date or an unquoted time gets a message that says what to write.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    code: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    plan_ref: Option<Spanned<String>>,
    starts_on: Option<Spanned<Value>>,
    ends_on: Option<Spanned<Value>>,
    timezone: Option<Spanned<String>>,
    reminder_days: Option<Vec<Spanned<i64>>>,
    reminder_time: Option<Spanned<Value>>,
    deadline: Option<Vec<Spanned<RawDeadline>>>,
    paper: Option<RawPaper>,
    report: Option<Spanned<report::RawReport>>,
    award: Option<Vec<Spanned<RawAward>>>,
    question: Option<Vec<Spanned<RawQuestion>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    key: Option<Spanned<String>>,
    label: Option<Spanned<String>>,
    prompt: Option<Spanned<String>>,
    kind: Option<Spanned<crate::domain::questions::QuestionKind>>,
    optional: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAward {
    key: Option<Spanned<String>>,
    subject: Option<Spanned<crate::domain::awards::AwardSubject>>,
    field: Option<Spanned<String>>,
    min: Option<Spanned<Value>>,
    max: Option<Spanned<Value>>,
    award: Option<Spanned<String>>,
    plan_ref: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPaper {
    issuer: Option<Spanned<String>>,
    place: Option<Spanned<String>>,
    subtitle: Option<Spanned<String>>,
    number_suffix: Option<Spanned<String>>,
    signer: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeadline {
    key: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    due: Option<Spanned<Value>>,
    due_time: Option<Spanned<Value>>,
    asks_for: Option<Spanned<AsksFor>>,
    reminder_days: Option<Vec<Spanned<i64>>>,
    reminder_time: Option<Spanned<Value>>,
    document: Option<Vec<Spanned<RawDocument>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    key: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
}

/// What every deadline is checked against: the campaign's dates and its
/// reminder defaults, already checked.
struct Frame {
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    reminder_days: Vec<u32>,
    reminder_time: NaiveTime,
}

/// Keys already used in one list: key → (path of its table, line).
type SeenKeys = HashMap<String, (String, usize)>;

struct Checker<'a> {
    text: &'a str,
}

impl Checker<'_> {
    fn error(
        &self,
        span: Range<usize>,
        field: &str,
        message: impl Into<String>,
    ) -> CampaignFileError {
        CampaignFileError {
            line: line_of(self.text, span.start),
            field: field.to_owned(),
            message: message.into(),
        }
    }

    fn required<T>(
        &self,
        value: Option<Spanned<T>>,
        table: &Range<usize>,
        field: &str,
        example: &str,
    ) -> Result<Spanned<T>, CampaignFileError> {
        value.ok_or_else(|| {
            self.error(
                table.clone(),
                field,
                format!("is missing; add a line like {example}"),
            )
        })
    }

    fn file(&self, raw: RawFile) -> Result<CampaignFile, CampaignFileError> {
        let root = 0..0;
        let code = self.required(raw.code, &root, "code", "code = \"vinh-thuan-2025\"")?;
        let code = self.code(code)?;
        let title = self.required(
            raw.title,
            &root,
            "title",
            "title = \"Phong trào thi đua …\"",
        )?;
        let title = self.text_value(title, "title")?;
        let plan_ref = self.required(
            raw.plan_ref,
            &root,
            "plan_ref",
            "plan_ref = \"Kế hoạch số 76/KH-LĐLĐ ngày 20/11/2024\"",
        )?;
        let plan_ref = self.text_value(plan_ref, "plan_ref")?;
        let starts_on =
            self.required(raw.starts_on, &root, "starts_on", "starts_on = 2024-11-20")?;
        let starts_on = self.date(&starts_on, "starts_on")?;
        let ends_on_raw = self.required(raw.ends_on, &root, "ends_on", "ends_on = 2025-07-31")?;
        let ends_on = self.date(&ends_on_raw, "ends_on")?;
        if ends_on < starts_on {
            return Err(self.error(
                ends_on_raw.span(),
                "ends_on",
                format!("{ends_on} is before starts_on {starts_on}"),
            ));
        }
        let timezone = self.timezone(raw.timezone)?;
        let frame = Frame {
            starts_on,
            ends_on,
            reminder_days: match raw.reminder_days {
                None => DEFAULT_REMINDER_DAYS.to_vec(),
                Some(days) => self.reminder_days(&days, "reminder_days")?,
            },
            reminder_time: match raw.reminder_time {
                None => DEFAULT_REMINDER_TIME,
                Some(t) => self.time(&t, "reminder_time")?,
            },
        };

        let deadlines = self.deadlines(raw.deadline.unwrap_or_default(), &frame)?;
        let mut paper = self.paper(raw.paper)?;
        paper.report = self.report(raw.report)?;

        let mut seen_awards = SeenKeys::new();
        let awards = raw
            .award
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, raw)| self.award(i, raw, &mut seen_awards))
            .collect::<Result<Vec<_>, _>>()?;

        let questions = self.questions(raw.question.unwrap_or_default())?;

        Ok(CampaignFile {
            code,
            title,
            plan_ref,
            starts_on,
            ends_on,
            timezone,
            deadlines,
            paper,
            awards,
            questions,
        })
    }

    fn timezone(&self, raw: Option<Spanned<String>>) -> Result<Tz, CampaignFileError> {
        let Some(tz) = raw else {
            return Ok(DEFAULT_TIMEZONE);
        };
        tz.get_ref().parse::<Tz>().map_err(|_| {
            self.error(
                tz.span(),
                "timezone",
                format!(
                    "`{}` is not a time zone name; write \"{}\" (names are case-sensitive)",
                    tz.get_ref(),
                    DEFAULT_TIMEZONE.name()
                ),
            )
        })
    }

    fn deadlines(
        &self,
        raw: Vec<Spanned<RawDeadline>>,
        frame: &Frame,
    ) -> Result<Vec<DeadlineSpec>, CampaignFileError> {
        if raw.is_empty() {
            return Err(self.error(
                0..0,
                "deadline",
                "the file has no deadline; add at least one [[deadline]] table",
            ));
        }
        let mut seen = SeenKeys::new();
        raw.into_iter()
            .enumerate()
            .map(|(i, raw)| self.deadline(i, raw, frame, &mut seen))
            .collect()
    }

    fn paper(&self, raw: Option<RawPaper>) -> Result<PaperSpec, CampaignFileError> {
        let Some(p) = raw else {
            return Ok(PaperSpec::default());
        };
        let text = |v: Option<Spanned<String>>, name: &str| {
            v.map(|v| self.text_value(v, &format!("paper.{name}")))
                .transpose()
        };
        Ok(PaperSpec {
            issuer: text(p.issuer, "issuer")?,
            place: text(p.place, "place")?,
            subtitle: text(p.subtitle, "subtitle")?,
            number_suffix: text(p.number_suffix, "number_suffix")?,
            signer: text(p.signer, "signer")?,
            report: None,
        })
    }

    fn questions(
        &self,
        raw: Vec<Spanned<RawQuestion>>,
    ) -> Result<Vec<crate::domain::questions::Question>, CampaignFileError> {
        use crate::domain::questions::MAX_QUESTIONS;
        if let Some(extra) = raw.get(MAX_QUESTIONS) {
            return Err(self.error(
                extra.span(),
                "question",
                format!(
                    "at most {MAX_QUESTIONS} questions; a longer form is not filled in on a phone"
                ),
            ));
        }
        let mut seen = SeenKeys::new();
        let mut columns = std::collections::HashSet::new();
        raw.into_iter()
            .enumerate()
            .map(|(i, raw)| self.question(i, raw, &mut seen, &mut columns))
            .collect()
    }

    fn question(
        &self,
        index: usize,
        raw: Spanned<RawQuestion>,
        seen: &mut SeenKeys,
        columns: &mut std::collections::HashSet<String>,
    ) -> Result<crate::domain::questions::Question, CampaignFileError> {
        use crate::domain::questions::{
            column_name, Question, QuestionKind, MAX_LABEL, MAX_PROMPT, RECORD_COLUMNS,
        };
        use crate::domain::registration::field::ON_PAPER;
        let path = format!("question[{index}]");
        let span = raw.span();
        let raw = raw.into_inner();
        let field = |name: &str| format!("{path}.{name}");
        let key = self.required(raw.key, &span, &field("key"), "key = \"don_vi_phoi_hop\"")?;
        let key_span = key.span();
        let key = self.unique_key(key, &path, seen, "question")?;
        if ON_PAPER.contains(&key.as_str()) {
            return Err(self.error(
                key_span,
                &field("key"),
                format!("`{key}` is an item of the paper form already; choose another key"),
            ));
        }
        let kind = self.required(
            raw.kind,
            &span,
            &field("kind"),
            "kind = \"text\" (or \"money\", \"date\")",
        )?;
        let kind = kind.into_inner();
        let column = column_name(&key, kind == QuestionKind::Money);
        // The paper's own fields and the exports' fixed columns: one column per name.
        let paper_columns = ON_PAPER
            .iter()
            .flat_map(|k| [k.to_string(), column_name(k, true)]);
        if RECORD_COLUMNS.contains(&column.as_str())
            || paper_columns.clone().any(|c| c == column)
            || !columns.insert(column.clone())
        {
            return Err(self.error(
                key_span,
                &field("key"),
                format!(
                    "`{key}` would be the export column `{column}`, which is taken; choose another key"
                ),
            ));
        }
        let label = self.required(
            raw.label,
            &span,
            &field("label"),
            "label = \"Đơn vị phối hợp\"",
        )?;
        let prompt = self.required(
            raw.prompt,
            &span,
            &field("prompt"),
            "prompt = \"Đơn vị nào phối hợp thực hiện?\"",
        )?;
        let bounded = |value: Spanned<String>, name: &str, max: usize| {
            let span = value.span();
            let text = self.text_value(value, &field(name))?;
            if text.chars().count() > max {
                return Err(self.error(
                    span,
                    &field(name),
                    format!("is longer than {max} characters"),
                ));
            }
            Ok(text)
        };
        Ok(Question {
            key,
            label: bounded(label, "label", MAX_LABEL)?,
            prompt: bounded(prompt, "prompt", MAX_PROMPT)?,
            kind,
            optional: raw.optional.unwrap_or(true),
        })
    }

    fn award(
        &self,
        index: usize,
        raw: Spanned<RawAward>,
        seen: &mut SeenKeys,
    ) -> Result<crate::domain::awards::AwardCriterion, CampaignFileError> {
        use crate::domain::awards::{AwardCriterion, AWARD_FIELDS};
        let path = format!("award[{index}]");
        let span = raw.span();
        let raw = raw.into_inner();
        let field = |name: &str| format!("{path}.{name}");
        let key = self.required(raw.key, &span, &field("key"), "key = \"bang_khen_tinh\"")?;
        let key = self.unique_key(key, &path, seen, "award")?;
        let subject = self.required(
            raw.subject,
            &span,
            &field("subject"),
            "subject = \"work\" (or \"supporter\", \"donor\")",
        )?;
        let value_field = self.required(
            raw.field,
            &span,
            &field("field"),
            "field = \"estimated_value\"",
        )?;
        if !AWARD_FIELDS.contains(&value_field.get_ref().as_str()) {
            return Err(self.error(
                value_field.span(),
                &field("field"),
                format!(
                    "`{}` is not a value of a work; write one of: {}",
                    value_field.get_ref(),
                    AWARD_FIELDS.join(", ")
                ),
            ));
        }
        let min = self.required(raw.min, &span, &field("min"), "min = \"200 triệu\"")?;
        let min = self.money(&min, &field("min"))?;
        let max = match &raw.max {
            None => None,
            Some(m) => {
                let max = self.money(m, &field("max"))?;
                if max < min {
                    return Err(self.error(m.span(), &field("max"), "is below min"));
                }
                Some(max)
            }
        };
        let award = self.required(
            raw.award,
            &span,
            &field("award"),
            "award = \"Bằng khen của BCH LĐLĐ tỉnh\"",
        )?;
        let plan_ref = self.required(
            raw.plan_ref,
            &span,
            &field("plan_ref"),
            "plan_ref = \"mục III.2.2.1\"",
        )?;
        Ok(AwardCriterion {
            key,
            subject: subject.into_inner(),
            field: value_field.into_inner(),
            min,
            max,
            award: self.text_value(award, &field("award"))?,
            plan_ref: self.text_value(plan_ref, &field("plan_ref"))?,
        })
    }

    /// An amount as chairs write it ("200 triệu", "1,5 tỷ") or a whole number of đồng.
    fn money(
        &self,
        value: &Spanned<Value>,
        field: &str,
    ) -> Result<crate::domain::money::Vnd, CampaignFileError> {
        use crate::domain::money::Vnd;
        let parsed = match value.get_ref() {
            Value::Integer(i) => u64::try_from(*i).ok().and_then(|d| Vnd::from_dong(d).ok()),
            Value::String(s) => Vnd::parse(s).ok(),
            _ => None,
        };
        parsed.ok_or_else(|| {
            self.error(
                value.span(),
                field,
                "is not an amount; write it like \"200 triệu\" or 200000000",
            )
        })
    }

    fn deadline(
        &self,
        index: usize,
        raw: Spanned<RawDeadline>,
        frame: &Frame,
        seen: &mut SeenKeys,
    ) -> Result<DeadlineSpec, CampaignFileError> {
        let path = format!("deadline[{index}]");
        let span = raw.span();
        let raw = raw.into_inner();
        let field = |name: &str| format!("{path}.{name}");
        let key = self.required(raw.key, &span, &field("key"), "key = \"report\"")?;
        let key = self.unique_key(key, &path, seen, "deadline")?;
        let title = self.required(raw.title, &span, &field("title"), "title = \"Báo cáo …\"")?;
        let title = self.text_value(title, &field("title"))?;
        let due = self.required(raw.due, &span, &field("due"), "due = 2025-05-05")?;
        let due_on = self.date(&due, &field("due"))?;
        let latest = frame.ends_on + chrono::Days::new(DUE_AFTER_END_DAYS);
        if due_on < frame.starts_on || due_on > latest {
            return Err(self.error(
                due.span(),
                &field("due"),
                format!(
                    "{due_on} is outside the campaign: due dates go from starts_on {} \
                     to {DUE_AFTER_END_DAYS} days after ends_on, {latest}",
                    frame.starts_on
                ),
            ));
        }
        let due_time = match &raw.due_time {
            None => DEFAULT_DUE_TIME,
            Some(t) => self.time(t, &field("due_time"))?,
        };
        let asks_for = self.required(
            raw.asks_for,
            &span,
            &field("asks_for"),
            "asks_for = \"report\" (or \"registration\", \"nomination\")",
        )?;
        let asks_for = asks_for.into_inner();
        let reminder_days = match &raw.reminder_days {
            None => frame.reminder_days.clone(),
            Some(days) => self.reminder_days(days, &field("reminder_days"))?,
        };
        let reminder_time = match &raw.reminder_time {
            None => frame.reminder_time,
            Some(t) => self.time(t, &field("reminder_time"))?,
        };
        if reminder_days.contains(&0) && reminder_time > due_time {
            // The reminder on the day itself would come after the deadline.
            let (at, name) = match (&raw.due_time, &raw.reminder_time) {
                (Some(t), _) => (t.span(), "due_time"),
                (None, Some(t)) => (t.span(), "reminder_time"),
                (None, None) => (span.clone(), "due_time"),
            };
            return Err(self.error(
                at,
                &field(name),
                format!(
                    "the reminder on the due day (0 in reminder_days) at {} would come after \
                     the deadline at {}; make reminder_time earlier than due_time or drop 0",
                    reminder_time.format("%H:%M"),
                    due_time.format("%H:%M"),
                ),
            ));
        }

        let documents = self.documents(raw.document.unwrap_or_default(), asks_for, &path, span)?;

        Ok(DeadlineSpec {
            key,
            title,
            due_on,
            due_time,
            asks_for,
            documents,
            reminder_days,
            reminder_time,
        })
    }

    /// A deadline's documents: at least one where it asks for documents, none where
    /// it asks for the registration form; keys unique within the deadline.
    fn documents(
        &self,
        raw_documents: Vec<Spanned<RawDocument>>,
        asks_for: AsksFor,
        path: &str,
        span: Range<usize>,
    ) -> Result<Vec<DocumentSpec>, CampaignFileError> {
        let field = |name: &str| format!("{path}.{name}");
        if asks_for.needs_documents() && raw_documents.is_empty() {
            return Err(self.error(
                span,
                &field("document"),
                format!(
                    "a {asks_for} deadline needs at least one [[deadline.document]] \
                     naming a document to send"
                ),
            ));
        }
        if !asks_for.needs_documents() {
            if let Some(first) = raw_documents.first() {
                return Err(self.error(
                    first.span(),
                    &field("document"),
                    "a registration deadline asks for the registration form only; \
                     remove its [[deadline.document]] tables or change asks_for",
                ));
            }
        }
        let mut seen_documents = SeenKeys::new();
        let mut documents: Vec<DocumentSpec> = Vec::with_capacity(raw_documents.len());
        for (j, doc) in raw_documents.into_iter().enumerate() {
            let doc_path = format!("{path}.document[{j}]");
            let doc_span = doc.span();
            let doc = doc.into_inner();
            let key_field = format!("{doc_path}.key");
            let key = self.required(doc.key, &doc_span, &key_field, "key = \"bao_cao\"")?;
            let key = self.unique_key(
                key,
                &doc_path,
                &mut seen_documents,
                "document of a deadline",
            )?;
            let title_field = format!("{doc_path}.title");
            let title =
                self.required(doc.title, &doc_span, &title_field, "title = \"Báo cáo …\"")?;
            let title = self.text_value(title, &title_field)?;
            documents.push(DocumentSpec { key, title });
        }

        Ok(documents)
    }

    /// The `key` of the table at `owner`, checked for its characters and
    /// against the keys before it in the same list.
    fn unique_key(
        &self,
        key: Spanned<String>,
        owner: &str,
        seen: &mut SeenKeys,
        what: &str,
    ) -> Result<String, CampaignFileError> {
        let field = format!("{owner}.key");
        let span = key.span();
        let key = self.key(key, &field)?;
        if let Some((first, first_line)) = seen.get(&key) {
            return Err(self.error(
                span,
                &field,
                format!(
                    "`{key}` is already the key of {first} (line {first_line}); \
                     every {what} needs its own key"
                ),
            ));
        }
        seen.insert(
            key.clone(),
            (owner.to_owned(), line_of(self.text, span.start)),
        );
        Ok(key)
    }

    fn code(&self, code: Spanned<String>) -> Result<String, CampaignFileError> {
        let span = code.span();
        let code = code.into_inner();
        let len = code.chars().count();
        if !(3..=64).contains(&len) {
            return Err(self.error(
                span,
                "code",
                format!("must be 3 to 64 characters long, `{code}` has {len}"),
            ));
        }
        if let Some(c) = code
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(self.error(
                span,
                "code",
                format!(
                    "`{code}` has `{c}`; use only a-z, 0-9 and -, without accents, \
                     like \"vinh-thuan-2025\""
                ),
            ));
        }
        Ok(code)
    }

    fn key(&self, key: Spanned<String>, field: &str) -> Result<String, CampaignFileError> {
        let span = key.span();
        let key = key.into_inner();
        let len = key.chars().count();
        if !(1..=64).contains(&len) {
            return Err(self.error(
                span,
                field,
                format!("must be 1 to 64 characters long, it has {len}"),
            ));
        }
        if let Some(c) = key
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
        {
            return Err(self.error(
                span,
                field,
                format!(
                    "`{key}` has `{c}`; use only a-z, 0-9 and _, without accents, \
                     like \"bao_cao\""
                ),
            ));
        }
        Ok(key)
    }

    /// A title or reference: surrounding spaces dropped, must not be empty.
    fn text_value(&self, value: Spanned<String>, field: &str) -> Result<String, CampaignFileError> {
        let span = value.span();
        // Cleaned like anything a person types: a control or XML-forbidden character
        // in a title would reach every message and every Word file.
        let text = crate::domain::text::clean(value.get_ref().trim());
        if text.trim().is_empty() {
            return Err(self.error(span, field, "must not be empty"));
        }
        // A title, an issuer or an award is one line of a message or of the paper: a
        // 100 000-character one made a 29-message summary.
        let n = text.chars().count();
        if n > MAX_TEXT_VALUE {
            return Err(self.error(
                span,
                field,
                format!("is {n} characters long; at most {MAX_TEXT_VALUE}"),
            ));
        }
        Ok(text.trim().to_owned())
    }

    fn date(&self, value: &Spanned<Value>, field: &str) -> Result<NaiveDate, CampaignFileError> {
        let bad = |message: String| self.error(value.span(), field, message);
        match value.get_ref() {
            Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => {
                    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                        .ok_or_else(|| bad(format!("{dt} is not a date")))
                }
                _ => Err(bad(format!(
                    "`{dt}` is not a plain date; write only the date, like {}",
                    field_example_date(field)
                ))),
            },
            Value::String(s) => {
                // Suggest the very date when it is written the right way round.
                let example = match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
                    Ok(d) => d.to_string(),
                    Err(_) => field_example_date(field).to_owned(),
                };
                Err(bad(format!(
                    "write the date without quotes, year-month-day: {} = {example} \
                     (not \"{s}\")",
                    last_segment(field)
                )))
            }
            other => Err(bad(format!(
                "expected a date like {}, found {}",
                field_example_date(field),
                other.type_str()
            ))),
        }
    }

    fn time(&self, value: &Spanned<Value>, field: &str) -> Result<NaiveTime, CampaignFileError> {
        let bad = |message: String| self.error(value.span(), field, message);
        match value.get_ref() {
            Value::String(s) => parse_hh_mm(s).ok_or_else(|| {
                bad(format!(
                    "`{s}` is not a time of day; write HH:MM from 00:00 to 23:59, like \"08:00\""
                ))
            }),
            Value::Datetime(dt) => Err(bad(format!(
                "write the time in quotes as HH:MM, like \"08:00\" (not {dt})"
            ))),
            other => Err(bad(format!(
                "expected a time in quotes like \"08:00\", found {}",
                other.type_str()
            ))),
        }
    }

    /// Checked and sorted descending (oldest reminder first).
    fn reminder_days(
        &self,
        days: &[Spanned<i64>],
        field: &str,
    ) -> Result<Vec<u32>, CampaignFileError> {
        let mut out: Vec<u32> = Vec::with_capacity(days.len());
        for (i, day) in days.iter().enumerate() {
            let item = format!("{field}[{i}]");
            let value = *day.get_ref();
            let checked = u32::try_from(value)
                .ok()
                .filter(|d| *d <= MAX_REMINDER_DAYS)
                .ok_or_else(|| {
                    self.error(
                        day.span(),
                        &item,
                        format!(
                            "{value} is not between 0 and {MAX_REMINDER_DAYS} \
                             (days before the due date; 0 = on the day)"
                        ),
                    )
                })?;
            if let Some(first) = out.iter().position(|d| *d == checked) {
                return Err(self.error(
                    day.span(),
                    &item,
                    format!("{checked} is already in the list at {field}[{first}]"),
                ));
            }
            out.push(checked);
        }
        out.sort_unstable_by(|a, b| b.cmp(a));
        Ok(out)
    }
}

/// `HH:MM`, two digits each, 00:00 to 23:59.
fn parse_hh_mm(s: &str) -> Option<NaiveTime> {
    let (h, m) = s.split_once(':')?;
    let two_digits = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(h) || !two_digits(m) {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

fn last_segment(field: &str) -> &str {
    field.rsplit('.').next().unwrap_or(field)
}

fn field_example_date(field: &str) -> &'static str {
    match last_segment(field) {
        "starts_on" => "2024-11-20",
        "ends_on" => "2025-07-31",
        _ => "2025-05-05",
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

// ---------------------------------------------------------------------------
// Errors toml reports itself: syntax errors, unknown keys, values of the
// wrong type. toml gives a message and a byte span; the field is found by
// reading the document again, or by scanning the lines when it does not parse.

fn toml_error(text: &str, e: &toml::de::Error) -> CampaignFileError {
    let message = e.message().trim().replace('\n', "; ");
    let Some(span) = e.span() else {
        return CampaignFileError {
            line: 1,
            field: "file".to_owned(),
            message,
        };
    };
    let line = line_of(text, span.start);
    let field = match field_at(text, span.start) {
        Some(field) => field,
        None => field_near_line(text, line),
    };
    let hint = if message.contains("expected a sequence")
        && matches!(last_segment(&field), "deadline" | "document")
    {
        format!(
            "; write the table header with double brackets: [[{}]]",
            if field.ends_with("document") {
                "deadline.document"
            } else {
                "deadline"
            }
        )
    } else {
        String::new()
    };
    CampaignFileError {
        line,
        field,
        message: format!("{message}{hint}"),
    }
}

/// The shape of a TOML document with the span of every key and value; read
/// only to name the field of an error toml reported.
enum Shape {
    Leaf,
    Array(Vec<Spanned<Shape>>),
    Table(Vec<(Spanned<String>, Spanned<Shape>)>),
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ShapeVisitor)
    }
}

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any TOML value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::Leaf)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::Leaf)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::Leaf)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::Leaf)
    }

    fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape::Leaf)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Shape::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut entries = Vec::new();
        loop {
            match map.next_key::<Spanned<String>>() {
                Ok(Some(key)) => {
                    let value = map.next_value()?;
                    entries.push((key, value));
                }
                Ok(None) => return Ok(Shape::Table(entries)),
                // A datetime comes as a map whose one key carries no span.
                Err(_) => return Ok(Shape::Leaf),
            }
        }
    }
}

fn collect_spans(shape: &Shape, path: &str, out: &mut Vec<(Range<usize>, String)>) {
    match shape {
        Shape::Leaf => {}
        Shape::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{i}]");
                out.push((item.span(), item_path.clone()));
                collect_spans(item.get_ref(), &item_path, out);
            }
        }
        Shape::Table(entries) => {
            for (key, value) in entries {
                let entry_path = if path.is_empty() {
                    key.get_ref().clone()
                } else {
                    format!("{path}.{}", key.get_ref())
                };
                out.push((key.span(), entry_path.clone()));
                out.push((value.span(), entry_path.clone()));
                collect_spans(value.get_ref(), &entry_path, out);
            }
        }
    }
}

/// The path of the smallest key or value around `offset`, the deepest one
/// when several are as small.
fn field_at(text: &str, offset: usize) -> Option<String> {
    let shape: Shape = toml::from_str(text).ok()?;
    let mut spans = Vec::new();
    collect_spans(&shape, "", &mut spans);
    spans
        .into_iter()
        .rev()
        .filter(|(span, _)| span.start <= offset && offset < span.end.max(span.start + 1))
        .min_by_key(|(span, _)| span.len())
        .map(|(_, path)| path)
}

/// Best guess of the field on `line` of a document that does not parse: the
/// table headers above it and the key on it.
fn field_near_line(text: &str, line: usize) -> String {
    // Array-of-tables headers seen so far and how many times.
    let mut arrays: HashMap<String, usize> = HashMap::new();
    let mut table = String::new();
    let mut in_multiline = false;
    for (i, raw_line) in text.lines().enumerate() {
        let at_error = i + 1 == line;
        let trimmed = raw_line.trim();
        let toggles = raw_line.matches("\"\"\"").count() + raw_line.matches("'''").count();
        if in_multiline {
            in_multiline = toggles % 2 == 0;
            if at_error {
                break;
            }
            continue;
        }
        if toggles % 2 == 1 {
            in_multiline = true;
        }
        if let Some(rest) = trimmed.strip_prefix("[[") {
            let name = header_name(rest.split("]]").next().unwrap_or(rest));
            arrays.retain(|k, _| !k.starts_with(&format!("{name}.")));
            *arrays.entry(name.clone()).or_insert(0) += 1;
            table = header_path(&name, &arrays);
        } else if let Some(rest) = trimmed.strip_prefix('[') {
            let name = header_name(rest.split(']').next().unwrap_or(rest));
            // Only the tables above a [table] can be elements of an array.
            table = match name.rsplit_once('.') {
                Some((parent, last)) => format!("{}.{last}", header_path(parent, &arrays)),
                None => name,
            };
        } else if at_error {
            let key = trimmed.split_once('=').map(|(k, _)| header_name(k));
            return match key {
                Some(k) if !k.is_empty() && !k.contains(char::is_whitespace) => {
                    if table.is_empty() {
                        k
                    } else {
                        format!("{table}.{k}")
                    }
                }
                _ if table.is_empty() => "file".to_owned(),
                _ => table,
            };
        }
        if at_error {
            break;
        }
    }
    if table.is_empty() {
        "file".to_owned()
    } else {
        table
    }
}

/// `deadline . "document"` → `deadline.document`.
fn header_name(raw: &str) -> String {
    raw.trim()
        .trim_end_matches(']')
        .split('.')
        .map(|seg| seg.trim().trim_matches(['"', '\'']))
        .collect::<Vec<_>>()
        .join(".")
}

/// `deadline.document` → `deadline[1].document[0]`, each array-of-tables
/// segment indexed by its latest element.
fn header_path(name: &str, arrays: &HashMap<String, usize>) -> String {
    let mut prefix = String::new();
    let mut path = String::new();
    for seg in name.split('.') {
        if !prefix.is_empty() {
            prefix.push('.');
            path.push('.');
        }
        prefix.push_str(seg);
        path.push_str(seg);
        if let Some(n) = arrays.get(&prefix) {
            path.push_str(&format!("[{}]", n.saturating_sub(1)));
        }
    }
    path
}

#[path = "campaign_file_report.rs"]
mod report;

#[cfg(test)]
#[path = "campaign_file_tests.rs"]
mod tests;
