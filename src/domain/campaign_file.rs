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
use std::str::FromStr;

use chrono::{
    DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc,
};
use chrono_tz::Tz;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use toml::{Spanned, Value};

/// Time zone of a file that names none.
pub const DEFAULT_TIMEZONE: Tz = Tz::Asia__Ho_Chi_Minh;
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

/// What a deadline asks the grassroots unions to send.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AsksFor {
    /// Đăng ký thi đua: the registration form, no documents.
    Registration,
    /// Báo cáo: a report with its documents.
    Report,
    /// Đề nghị khen thưởng: the award nomination dossier.
    Nomination,
}

impl AsksFor {
    pub const ALL: [AsksFor; 3] = [AsksFor::Registration, AsksFor::Report, AsksFor::Nomination];

    pub fn as_str(self) -> &'static str {
        match self {
            AsksFor::Registration => "registration",
            AsksFor::Report => "report",
            AsksFor::Nomination => "nomination",
        }
    }

    /// Whether a deadline of this kind lists the documents to send.
    pub fn needs_documents(self) -> bool {
        !matches!(self, AsksFor::Registration)
    }
}

impl fmt::Display for AsksFor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is none of `registration`, `report`, `nomination`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not registration, report or nomination")]
pub struct ParseAsksForError(pub String);

impl FromStr for AsksFor {
    type Err = ParseAsksForError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AsksFor::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| ParseAsksForError(s.to_owned()))
    }
}

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
        let timezone = match raw.timezone {
            None => DEFAULT_TIMEZONE,
            Some(tz) => tz.get_ref().parse::<Tz>().map_err(|_| {
                self.error(
                    tz.span(),
                    "timezone",
                    format!(
                        "`{}` is not a time zone name; write \"{}\" (names are case-sensitive)",
                        tz.get_ref(),
                        DEFAULT_TIMEZONE.name()
                    ),
                )
            })?,
        };
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

        let raw_deadlines = raw.deadline.unwrap_or_default();
        if raw_deadlines.is_empty() {
            return Err(self.error(
                root,
                "deadline",
                "the file has no deadline; add at least one [[deadline]] table",
            ));
        }
        let mut seen = SeenKeys::new();
        let deadlines = raw_deadlines
            .into_iter()
            .enumerate()
            .map(|(i, raw)| self.deadline(i, raw, &frame, &mut seen))
            .collect::<Result<Vec<_>, _>>()?;

        Ok(CampaignFile {
            code,
            title,
            plan_ref,
            starts_on,
            ends_on,
            timezone,
            deadlines,
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

        let raw_documents = raw.document.unwrap_or_default();
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
        let trimmed = value.get_ref().trim();
        if trimmed.is_empty() {
            return Err(self.error(span, field, "must not be empty"));
        }
        Ok(trimmed.to_owned())
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

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../examples/campaign-vinh-thuan-2025.toml");

    /// A small valid file; tests change one line and check the error's line.
    const BASE: &str = r#"code = "test-2025"
title = "Thử nghiệm"
plan_ref = "Kế hoạch số 1/KH-LĐLĐ"
starts_on = 2024-11-20
ends_on = 2025-07-31

[[deadline]]
key = "report"
title = "Báo cáo tổng kết"
due = 2025-05-05
asks_for = "report"

[[deadline.document]]
key = "bao_cao"
title = "Báo cáo tổng kết"

[[deadline]]
key = "nomination"
title = "Đề nghị khen thưởng"
due = 2025-06-02
asks_for = "nomination"

[[deadline.document]]
key = "to_trinh"
title = "Tờ trình"
"#;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().expect("RFC 3339 instant")
    }

    /// BASE with `from` (which must occur exactly once) replaced by `to`.
    fn with(from: &str, to: &str) -> String {
        assert_eq!(
            BASE.matches(from).count(),
            1,
            "`{from}` must occur once in BASE"
        );
        BASE.replacen(from, to, 1)
    }

    /// Parses `text`, which must be refused at `line` for `field`.
    #[track_caller]
    fn refused(text: &str, line: usize, field: &str) -> CampaignFileError {
        let err = parse(text).expect_err("the file must be refused");
        assert_eq!((err.line, err.field.as_str()), (line, field), "{err}");
        // One line, so it reads well after "line N: field: ".
        assert!(
            !err.message.is_empty() && !err.message.contains('\n'),
            "{err:?}"
        );
        err
    }

    #[track_caller]
    fn assert_mentions(err: &CampaignFileError, words: &str) {
        assert!(
            err.message.contains(words),
            "`{}` should mention `{words}`",
            err.message
        );
    }

    fn doc(key: &str, title: &str) -> DocumentSpec {
        DocumentSpec {
            key: key.to_owned(),
            title: title.to_owned(),
        }
    }

    #[test]
    fn example_file_is_the_seed_plan() {
        let file = parse(EXAMPLE).expect("the example parses");
        let expected = CampaignFile {
            code: "vinh-thuan-2025".to_owned(),
            title: "Phong trào thi đua lập thành tích chào mừng Đại hội Đảng bộ các cấp, \
                    nhiệm kỳ 2025 - 2030"
                .to_owned(),
            plan_ref: "Kế hoạch số 76/KH-LĐLĐ ngày 20/11/2024".to_owned(),
            starts_on: date(2024, 11, 20),
            ends_on: date(2025, 7, 31),
            timezone: Tz::Asia__Ho_Chi_Minh,
            deadlines: vec![
                DeadlineSpec {
                    key: "report".to_owned(),
                    title: "Báo cáo tổng kết phong trào thi đua".to_owned(),
                    due_on: date(2025, 5, 5),
                    due_time: time(23, 59),
                    asks_for: AsksFor::Report,
                    documents: vec![doc("bao_cao", "Báo cáo tổng kết phong trào thi đua")],
                    reminder_days: vec![7, 3, 1, 0],
                    reminder_time: time(8, 0),
                },
                DeadlineSpec {
                    key: "nomination".to_owned(),
                    title: "Hồ sơ trình đề nghị khen thưởng".to_owned(),
                    due_on: date(2025, 6, 2),
                    due_time: time(23, 59),
                    asks_for: AsksFor::Nomination,
                    documents: vec![
                        doc("to_trinh", "Tờ trình đề nghị khen thưởng"),
                        doc("bien_ban", "Biên bản họp xét khen thưởng"),
                        doc(
                            "bao_cao_thanh_tich",
                            "Báo cáo thành tích của tập thể và cá nhân (Mẫu số 08 ban hành \
                             kèm theo Nghị định số 98/2023/NĐ-CP)",
                        ),
                    ],
                    reminder_days: vec![7, 3, 1, 0],
                    reminder_time: time(8, 0),
                },
            ],
        };
        assert_eq!(file, expected);
    }

    #[test]
    fn example_without_optional_lines_reads_the_same() {
        // Every optional line of the example repeats a default.
        let optional = [
            "timezone =",
            "due_time =",
            "reminder_days =",
            "reminder_time =",
        ];
        let stripped: String = EXAMPLE
            .lines()
            .filter(|l| !optional.iter().any(|o| l.starts_with(o)))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_ne!(stripped.len(), EXAMPLE.len());
        assert_eq!(parse(&stripped).unwrap(), parse(EXAMPLE).unwrap());
    }

    #[test]
    fn report_is_due_at_the_end_of_the_day_in_vietnam() {
        let file = parse(EXAMPLE).unwrap();
        assert_eq!(
            file.deadlines[0].due_at(file.timezone),
            utc("2025-05-05T16:59:00Z")
        );
        assert_eq!(
            file.deadlines[1].due_at(file.timezone),
            utc("2025-06-02T16:59:00Z")
        );
    }

    #[test]
    fn report_reminders_are_at_eight_in_the_morning_oldest_first() {
        let file = parse(EXAMPLE).unwrap();
        assert_eq!(
            file.deadlines[0].reminder_slots(file.timezone),
            vec![
                (7, utc("2025-04-28T01:00:00Z")),
                (3, utc("2025-05-02T01:00:00Z")),
                (1, utc("2025-05-04T01:00:00Z")),
                (0, utc("2025-05-05T01:00:00Z")),
            ]
        );
    }

    #[test]
    fn defaults_fill_what_the_file_leaves_out() {
        let file = parse(BASE).unwrap();
        assert_eq!(file.timezone, DEFAULT_TIMEZONE);
        let d = &file.deadlines[0];
        assert_eq!(d.due_time, time(23, 59));
        assert_eq!(d.reminder_days, vec![7, 3, 1, 0]);
        assert_eq!(d.reminder_time, time(8, 0));
        assert_eq!(
            file.deadlines[1].documents,
            vec![doc("to_trinh", "Tờ trình")]
        );
    }

    #[test]
    fn deadline_reminders_override_the_campaign_defaults() {
        let text = with(
            "ends_on = 2025-07-31\n",
            "ends_on = 2025-07-31\nreminder_days = [1, 14]\nreminder_time = \"07:30\"\n",
        )
        .replacen(
            "asks_for = \"report\"\n",
            "asks_for = \"report\"\nreminder_days = [0, 2]\nreminder_time = \"16:00\"\n",
            1,
        );
        let file = parse(&text).unwrap();
        let (report, nomination) = (&file.deadlines[0], &file.deadlines[1]);
        assert_eq!(
            (report.reminder_days.clone(), report.reminder_time),
            (vec![2, 0], time(16, 0))
        );
        assert_eq!(
            (nomination.reminder_days.clone(), nomination.reminder_time),
            (vec![14, 1], time(7, 30))
        );
        assert_eq!(
            nomination.reminder_slots(file.timezone),
            vec![
                (14, utc("2025-05-19T00:30:00Z")),
                (1, utc("2025-06-01T00:30:00Z"))
            ]
        );
    }

    #[test]
    fn an_empty_reminder_list_means_no_reminders() {
        let text = with(
            "asks_for = \"report\"\n",
            "asks_for = \"report\"\nreminder_days = []\n",
        );
        let file = parse(&text).unwrap();
        assert!(file.deadlines[0].reminder_slots(file.timezone).is_empty());
        assert_eq!(file.deadlines[1].reminder_days, vec![7, 3, 1, 0]);
    }

    #[test]
    fn misspelled_key_in_a_deadline_is_refused() {
        let err = refused(
            &with("due = 2025-06-02", "dua = 2025-06-02"),
            20,
            "deadline[1].dua",
        );
        assert_mentions(&err, "unknown field `dua`");
        assert_eq!(
            err.to_string().split(": ").take(2).collect::<Vec<_>>(),
            ["line 20", "deadline[1].dua"]
        );
    }

    #[test]
    fn misspelled_top_level_key_is_refused() {
        let text = with(
            "ends_on = 2025-07-31\n",
            "ends_on = 2025-07-31\ntimezon = \"Asia/Ho_Chi_Minh\"\n",
        );
        assert_mentions(&refused(&text, 6, "timezon"), "unknown field `timezon`");
    }

    #[test]
    fn misspelled_key_in_a_document_is_refused() {
        let text = with("title = \"Tờ trình\"", "titel = \"Tờ trình\"");
        refused(&text, 25, "deadline[1].document[0].titel");
    }

    #[test]
    fn misspelled_key_in_an_inline_document_is_refused() {
        let text = with(
            "\n[[deadline.document]]\nkey = \"bao_cao\"\ntitle = \"Báo cáo tổng kết\"\n",
            "document = [{ key = \"bao_cao\", titel = \"Báo cáo\" }]\n",
        );
        refused(&text, 12, "deadline[0].document[0].titel");
    }

    #[test]
    fn misspelled_table_header_is_refused() {
        let text = with(
            "[[deadline]]\nkey = \"nomination\"",
            "[[deadlines]]\nkey = \"nomination\"",
        );
        refused(&text, 17, "deadlines");
    }

    #[test]
    fn single_bracket_deadline_gets_a_hint() {
        let text = "code = \"abc\"\ntitle = \"t\"\nplan_ref = \"p\"\nstarts_on = 2025-01-01\n\
                    ends_on = 2025-02-01\n\n[deadline]\nkey = \"a\"\n";
        let err = refused(text, 7, "deadline");
        assert_mentions(&err, "[[deadline]]");
    }

    #[test]
    fn impossible_date_is_refused() {
        let err = refused(
            &with("due = 2025-05-05", "due = 2025-02-30"),
            10,
            "deadline[0].due",
        );
        assert_mentions(&err, "out of range");
        refused(
            &with("starts_on = 2024-11-20", "starts_on = 20/11/2024"),
            4,
            "starts_on",
        );
    }

    #[test]
    fn quoted_date_is_refused() {
        let err = refused(
            &with("due = 2025-06-02", "due = \"2025-06-02\""),
            20,
            "deadline[1].due",
        );
        assert_mentions(&err, "without quotes, year-month-day: due = 2025-06-02 ");
        let err = refused(
            &with("starts_on = 2024-11-20", "starts_on = \"20/11/2024\""),
            4,
            "starts_on",
        );
        assert_mentions(&err, "starts_on = 2024-11-20 (not \"20/11/2024\")");
    }

    #[test]
    fn date_with_a_time_is_refused() {
        let err = refused(
            &with("ends_on = 2025-07-31", "ends_on = 2025-07-31T08:00:00"),
            5,
            "ends_on",
        );
        assert_mentions(&err, "plain date");
        refused(&with("due = 2025-05-05", "due = 1"), 10, "deadline[0].due");
    }

    #[test]
    fn end_before_start_is_refused() {
        let err = refused(
            &with("ends_on = 2025-07-31", "ends_on = 2024-11-19"),
            5,
            "ends_on",
        );
        assert_mentions(&err, "before starts_on 2024-11-20");
    }

    #[test]
    fn due_dates_stay_within_the_campaign_and_sixty_days_after() {
        refused(
            &with("due = 2025-05-05", "due = 2024-11-19"),
            10,
            "deadline[0].due",
        );
        let err = refused(
            &with("due = 2025-06-02", "due = 2025-09-30"),
            20,
            "deadline[1].due",
        );
        assert_mentions(&err, "2025-09-29");
        let last = parse(&with("due = 2025-06-02", "due = 2025-09-29")).unwrap();
        assert_eq!(last.deadlines[1].due_on, date(2025, 9, 29));
        let first = parse(&with("due = 2025-05-05", "due = 2024-11-20")).unwrap();
        assert_eq!(first.deadlines[0].due_on, date(2024, 11, 20));
    }

    #[test]
    fn duplicate_deadline_key_is_refused() {
        let err = refused(
            &with("key = \"nomination\"", "key = \"report\""),
            18,
            "deadline[1].key",
        );
        assert_mentions(&err, "deadline[0] (line 8)");
    }

    #[test]
    fn duplicate_document_key_is_refused() {
        let text =
            format!("{BASE}\n[[deadline.document]]\nkey = \"to_trinh\"\ntitle = \"Tờ trình 2\"\n");
        let err = refused(&text, 28, "deadline[1].document[1].key");
        assert_mentions(&err, "deadline[1].document[0] (line 24)");
    }

    #[test]
    fn same_document_key_in_two_deadlines_is_fine() {
        let file = parse(&with("key = \"to_trinh\"", "key = \"bao_cao\"")).unwrap();
        assert_eq!(file.deadlines[1].documents[0].key, "bao_cao");
    }

    #[test]
    fn hour_25_is_refused() {
        let text = with(
            "asks_for = \"report\"\n",
            "asks_for = \"report\"\nreminder_time = \"25:00\"\n",
        );
        let err = refused(&text, 12, "deadline[0].reminder_time");
        assert_mentions(&err, "`25:00` is not a time of day");
        let text = with(
            "ends_on = 2025-07-31\n",
            "ends_on = 2025-07-31\nreminder_time = \"25:00\"\n",
        );
        refused(&text, 6, "reminder_time");
    }

    #[test]
    fn times_must_be_hh_mm_in_quotes() {
        for bad in [
            "\"24:00\"",
            "\"08:60\"",
            "\"8:00\"",
            "\"08h00\"",
            "\"08:00:00\"",
            "08:00:00",
            "8",
        ] {
            let text = with(
                "due = 2025-06-02\n",
                &format!("due = 2025-06-02\ndue_time = {bad}\n"),
            );
            refused(&text, 21, "deadline[1].due_time");
        }
        let text = with(
            "due = 2025-06-02\n",
            "due = 2025-06-02\ndue_time = \"17:00\"\n",
        );
        let file = parse(&text).unwrap();
        assert_eq!(
            file.deadlines[1].due_at(file.timezone),
            utc("2025-06-02T10:00:00Z")
        );
    }

    #[test]
    fn day_zero_reminder_after_the_due_time_is_refused() {
        let text = with(
            "due = 2025-06-02\n",
            "due = 2025-06-02\ndue_time = \"07:00\"\n",
        );
        let err = refused(&text, 21, "deadline[1].due_time");
        assert_mentions(&err, "after the deadline at 07:00");
        let text = with(
            "due = 2025-06-02\n",
            "due = 2025-06-02\ndue_time = \"07:00\"\nreminder_days = [3, 1]\n",
        );
        assert_eq!(parse(&text).unwrap().deadlines[1].due_time, time(7, 0));
    }

    #[test]
    fn reminder_days_must_be_unique_and_within_sixty() {
        let days = |list: &str| {
            with(
                "ends_on = 2025-07-31\n",
                &format!("ends_on = 2025-07-31\nreminder_days = {list}\n"),
            )
        };
        assert_mentions(
            &refused(&days("[7, 61]"), 6, "reminder_days[1]"),
            "61 is not between 0 and 60",
        );
        refused(&days("[-1]"), 6, "reminder_days[0]");
        let err = refused(&days("[7, 3, 7]"), 6, "reminder_days[2]");
        assert_mentions(&err, "already in the list at reminder_days[0]");
        refused(&days("[\n  7,\n  3,\n  70,\n]"), 9, "reminder_days[2]");
        let file = parse(&days("[0, 60, 3]")).unwrap();
        assert_eq!(file.deadlines[0].reminder_days, vec![60, 3, 0]);
        let text = with(
            "asks_for = \"nomination\"\n",
            "asks_for = \"nomination\"\nreminder_days = [2, 2]\n",
        );
        refused(&text, 22, "deadline[1].reminder_days[1]");
    }

    #[test]
    fn values_of_the_wrong_type_name_their_field() {
        let text = with(
            "asks_for = \"report\"\n",
            "asks_for = \"report\"\nreminder_days = 7\n",
        );
        refused(&text, 12, "deadline[0].reminder_days");
        let text = with(
            "asks_for = \"report\"\n",
            "asks_for = \"report\"\nreminder_days = [7, \"3\"]\n",
        );
        refused(&text, 12, "deadline[0].reminder_days[1]");
        let err = refused(
            &with("title = \"Tờ trình\"", "title = 5"),
            25,
            "deadline[1].document[0].title",
        );
        assert_mentions(&err, "expected a string");
    }

    #[test]
    fn nomination_without_documents_is_refused() {
        let text = with(
            "\n[[deadline.document]]\nkey = \"to_trinh\"\ntitle = \"Tờ trình\"\n",
            "",
        );
        let err = refused(&text, 17, "deadline[1].document");
        assert_mentions(
            &err,
            "nomination deadline needs at least one [[deadline.document]]",
        );
    }

    #[test]
    fn report_without_documents_is_refused() {
        let text = with(
            "\n[[deadline.document]]\nkey = \"bao_cao\"\ntitle = \"Báo cáo tổng kết\"\n",
            "document = []\n",
        );
        refused(&text, 7, "deadline[0].document");
    }

    #[test]
    fn registration_takes_no_documents() {
        let text = with("asks_for = \"report\"", "asks_for = \"registration\"");
        let err = refused(&text, 13, "deadline[0].document");
        assert_mentions(&err, "registration");
        let text = with(
            "asks_for = \"report\"\n\n[[deadline.document]]\nkey = \"bao_cao\"\ntitle = \"Báo cáo tổng kết\"\n",
            "asks_for = \"registration\"\n",
        );
        let file = parse(&text).unwrap();
        assert_eq!(file.deadlines[0].asks_for, AsksFor::Registration);
        assert!(file.deadlines[0].documents.is_empty());
    }

    #[test]
    fn unknown_asks_for_is_refused() {
        let err = refused(
            &with("asks_for = \"report\"", "asks_for = \"reprt\""),
            11,
            "deadline[0].asks_for",
        );
        assert_mentions(&err, "unknown variant `reprt`");
    }

    #[test]
    fn unknown_timezone_is_refused() {
        let tz = |name: &str| {
            with(
                "ends_on = 2025-07-31\n",
                &format!("ends_on = 2025-07-31\ntimezone = \"{name}\"\n"),
            )
        };
        let err = refused(&tz("Asia/Hanoi"), 6, "timezone");
        assert_mentions(&err, "`Asia/Hanoi` is not a time zone name");
        refused(&tz("asia/ho_chi_minh"), 6, "timezone");
        assert_eq!(
            parse(&tz("Asia/Bangkok")).unwrap().timezone,
            Tz::Asia__Bangkok
        );
    }

    #[test]
    fn syntax_error_names_its_line() {
        let err = refused(
            &with("title = \"Thử nghiệm\"", "title = \"Thử nghiệm"),
            2,
            "title",
        );
        assert!(!err.message.contains('\n'), "{}", err.message);
        refused(
            &with("key = \"bao_cao\"", "key = bao_cao"),
            14,
            "deadline[0].document[0].key",
        );
        refused(
            &with(
                "[[deadline]]\nkey = \"nomination\"",
                "[[deadline]\nkey = \"nomination\"",
            ),
            17,
            "deadline[1]",
        );
        let err = refused(
            &with(
                "[[deadline]]\nkey = \"nomination\"",
                "[deadline]\nkey = \"nomination\"",
            ),
            17,
            "deadline",
        );
        assert_mentions(&err, "duplicate key `deadline`");
        let text = with(
            "key = \"to_trinh\"",
            "key = \"to_trinh\"\nnote = \"\"\"\n[[deadline]]\n\"\"\"\n",
        );
        refused(&format!("{text}bad line\n"), 30, "deadline[1].document[0]");
    }

    #[test]
    fn windows_line_ends_and_byte_order_mark_are_read() {
        // Notepad on Windows saves files like this.
        let crlf = format!("\u{feff}{}", EXAMPLE.replace('\n', "\r\n"));
        assert_eq!(parse(&crlf).unwrap(), parse(EXAMPLE).unwrap());
        let bad = format!(
            "\u{feff}{}",
            with("due = 2025-06-02", "dua = 2025-06-02").replace('\n', "\r\n")
        );
        refused(&bad, 20, "deadline[1].dua");
    }

    #[test]
    fn locator_names_the_deepest_of_equal_spans() {
        // With one deadline, the array `deadline` and its element share a span.
        let text = "[[deadline]]\nkey = 1\n";
        assert_eq!(field_at(text, 0).as_deref(), Some("deadline[0]"));
        assert_eq!(field_at(text, 19).as_deref(), Some("deadline[0].key"));
        assert_eq!(field_at(text, 14).as_deref(), Some("deadline[0].key"));
    }

    #[test]
    fn missing_fields_point_at_their_table() {
        let err = refused(&with("due = 2025-06-02\n", ""), 17, "deadline[1].due");
        assert_mentions(&err, "is missing");
        refused(
            &with("key = \"to_trinh\"\n", ""),
            23,
            "deadline[1].document[0].key",
        );
        refused(
            &with("title = \"Tờ trình\"\n", ""),
            23,
            "deadline[1].document[0].title",
        );
        refused(
            &with("asks_for = \"report\"\n", ""),
            7,
            "deadline[0].asks_for",
        );
        refused(
            &with("plan_ref = \"Kế hoạch số 1/KH-LĐLĐ\"\n", ""),
            1,
            "plan_ref",
        );
    }

    #[test]
    fn a_file_without_deadlines_is_refused() {
        let head: String = BASE.lines().take(5).map(|l| format!("{l}\n")).collect();
        let err = refused(&head, 1, "deadline");
        assert_mentions(&err, "no deadline");
    }

    #[test]
    fn code_is_short_lowercase_ascii() {
        refused(&with("code = \"test-2025\"", "code = \"ab\""), 1, "code");
        refused(
            &with("code = \"test-2025\"", "code = \"Vinh-Thuan\""),
            1,
            "code",
        );
        refused(
            &with("code = \"test-2025\"", "code = \"vĩnh-thuận\""),
            1,
            "code",
        );
        refused(
            &with(
                "code = \"test-2025\"",
                &format!("code = \"{}\"", "a".repeat(65)),
            ),
            1,
            "code",
        );
        let ok = parse(&with(
            "code = \"test-2025\"",
            &format!("code = \"{}\"", "a".repeat(64)),
        ))
        .unwrap();
        assert_eq!(ok.code.len(), 64);
        refused(&with("code = \"test-2025\"\n", ""), 1, "code");
    }

    #[test]
    fn keys_are_lowercase_ascii_with_underscores() {
        refused(
            &with("key = \"report\"", "key = \"Report\""),
            8,
            "deadline[0].key",
        );
        refused(
            &with("key = \"bao_cao\"", "key = \"bao-cao\""),
            14,
            "deadline[0].document[0].key",
        );
        refused(
            &with("key = \"bao_cao\"", "key = \"\""),
            14,
            "deadline[0].document[0].key",
        );
    }

    #[test]
    fn titles_must_not_be_empty() {
        refused(
            &with("title = \"Thử nghiệm\"", "title = \"  \""),
            2,
            "title",
        );
        refused(
            &with("title = \"Đề nghị khen thưởng\"", "title = \"\""),
            19,
            "deadline[1].title",
        );
        let file = parse(&with("title = \"Thử nghiệm\"", "title = \" Thử nghiệm \"")).unwrap();
        assert_eq!(file.title, "Thử nghiệm");
    }

    #[test]
    fn asks_for_text_round_trips() {
        for a in AsksFor::ALL {
            assert_eq!(a.as_str().parse::<AsksFor>(), Ok(a));
            assert_eq!(a.to_string(), a.as_str());
        }
        assert_eq!(
            "Report".parse::<AsksFor>(),
            Err(ParseAsksForError("Report".to_owned()))
        );
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Row {
            asks_for: AsksFor,
            documents: Vec<DocumentSpec>,
        }
        let row = Row {
            asks_for: AsksFor::Nomination,
            documents: vec![doc("to_trinh", "Tờ trình")],
        };
        let text = toml::to_string(&row).unwrap();
        assert!(text.contains("asks_for = \"nomination\""), "{text}");
        assert_eq!(toml::from_str::<Row>(&text).unwrap(), row);
    }

    #[test]
    fn clock_changes_are_resolved() {
        let spec = |day: NaiveDate, t: NaiveTime| DeadlineSpec {
            key: "k".to_owned(),
            title: "t".to_owned(),
            due_on: day,
            due_time: t,
            asks_for: AsksFor::Registration,
            documents: Vec::new(),
            reminder_days: vec![0],
            reminder_time: t,
        };
        let berlin = Tz::Europe__Berlin;
        // 02:30 does not exist on 30/3/2025: read in winter time, it is 03:30 summer time.
        assert_eq!(
            spec(date(2025, 3, 30), time(2, 30)).due_at(berlin),
            utc("2025-03-30T01:30:00Z")
        );
        // 02:30 happens twice on 26/10/2025: the first one counts.
        assert_eq!(
            spec(date(2025, 10, 26), time(2, 30)).due_at(berlin),
            utc("2025-10-26T00:30:00Z")
        );
        assert_eq!(
            spec(date(2025, 10, 26), time(2, 30)).reminder_slots(berlin),
            vec![(0, utc("2025-10-26T00:30:00Z"))]
        );
    }
}
