//! Registrations for district staff: CSV and JSON for machines, XLSX for people.

mod form_docx;
mod invites;
mod status;
mod submissions;
mod summary;
mod xlsx;

pub use form_docx::{form_docx, registration_paper, FormPaper};
pub use invites::invites_xlsx;
pub use status::{submission_state, StatusSheet};
pub use submissions::submissions;
pub use summary::{summary_docx, summary_xlsx, UnitTotal};
pub use xlsx::Sheet;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use serde::Serialize;

use crate::domain::registration::{RegistrationStatus, WorkKind, WorkResult};
use crate::domain::unit::Scope;
use crate::store::registrations;

/// One registration, flat, in the CSV's column order.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub number: String,
    pub unit: String,
    pub kind: &'static str,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub content: String,
    pub estimated_value_vnd: u64,
    pub benefit_economic: Option<String>,
    pub benefit_social: Option<String>,
    pub time_saved: Option<String>,
    pub status: &'static str,
    pub submitted_by: String,
    /// ISO 8601 with Vietnam's offset, as the district reads it.
    pub submitted_at: String,
    /// How the work ended, once its chair said: done, ongoing, not_done (empty before).
    pub result: &'static str,
    pub actual_value_vnd: Option<u64>,
    /// What a done work achieved, or why it was not done.
    pub result_note: Option<String>,
    #[serde(skip)]
    pub work_kind: WorkKind,
    #[serde(skip)]
    pub registration_status: RegistrationStatus,
    #[serde(skip)]
    pub submitted_at_utc: DateTime<Utc>,
    #[serde(skip)]
    pub result_key: Option<&'static str>,
}

/// Every registration of the units in scope as a row, one at a time, as the
/// database yields them.
pub async fn each_row(
    conn: &mut sqlx::AnyConnection,
    within: Scope,
    mut each: impl FnMut(Row) -> Result<()>,
) -> Result<usize> {
    registrations::for_each(conn, within, |l| each(row(l))).await
}

fn row(l: registrations::Listed) -> Row {
    let r = l.registration;
    let result = r.result.as_ref().map_or("", |x| x.as_str());
    let result_key = r.result.as_ref().map(|x| x.label_key());
    let (actual_value_vnd, result_note) = match r.result {
        Some(WorkResult::Done { actual, note }) => (Some(actual.dong()), note),
        Some(WorkResult::NotDone { reason }) => (None, Some(reason)),
        _ => (None, None),
    };
    Row {
        number: r.number.to_string(),
        unit: r.unit_name,
        kind: r.draft.kind.as_str(),
        name: r.draft.name,
        start_date: r.draft.start_date,
        end_date: r.draft.end_date,
        content: r.draft.content,
        estimated_value_vnd: r.draft.estimated_value.dong(),
        benefit_economic: r.draft.benefit_economic,
        benefit_social: r.draft.benefit_social,
        time_saved: r.draft.time_saved,
        status: r.status.as_str(),
        submitted_by: r.submitted_by,
        submitted_at: r
            .submitted_at
            .with_timezone(&Ho_Chi_Minh)
            .to_rfc3339_opts(SecondsFormat::Secs, false),
        result,
        actual_value_vnd,
        result_note,
        work_kind: r.draft.kind,
        registration_status: r.status,
        submitted_at_utc: r.submitted_at,
        result_key,
    }
}

/// A text cell a spreadsheet will not run: one starting like a formula (`=`, `+`,
/// `-`, `@`, tab, carriage return) gets a leading `'` (OWASP's advice for CSV
/// injection). Work names and file names come from chairs; staff open the CSV in
/// Excel, where `=HYPERLINK(…)` would be a live link.
pub fn csv_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

impl Row {
    /// The row with every free-text cell made safe for a spreadsheet; numbers,
    /// dates and fixed codes are left alone.
    fn for_csv(&self) -> Row {
        let text = |s: &String| csv_text(s).into_owned();
        Row {
            unit: text(&self.unit),
            name: text(&self.name),
            content: text(&self.content),
            benefit_economic: self.benefit_economic.as_ref().map(text),
            benefit_social: self.benefit_social.as_ref().map(text),
            time_saved: self.time_saved.as_ref().map(text),
            submitted_by: text(&self.submitted_by),
            result_note: self.result_note.as_ref().map(text),
            ..self.clone()
        }
    }
}

/// CSV written a row at a time.
pub struct CsvOut<W: std::io::Write> {
    w: csv::Writer<W>,
    rows: usize,
}

impl<W: std::io::Write> CsvOut<W> {
    pub fn new(w: W) -> Self {
        CsvOut {
            w: csv::Writer::from_writer(w),
            rows: 0,
        }
    }

    pub fn push(&mut self, r: &Row) -> Result<()> {
        self.w.serialize(r.for_csv())?;
        self.rows += 1;
        Ok(())
    }

    pub fn finish(mut self) -> Result<W> {
        if self.rows == 0 {
            // The header still tells a reader what the columns would be.
            self.w.write_record(HEADER)?;
        }
        self.w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
    }
}

pub fn csv(rows: &[Row]) -> Result<Vec<u8>> {
    let mut out = CsvOut::new(Vec::new());
    for r in rows {
        out.push(r)?;
    }
    out.finish()
}

pub const HEADER: [&str; 17] = [
    "number",
    "unit",
    "kind",
    "name",
    "start_date",
    "end_date",
    "content",
    "estimated_value_vnd",
    "benefit_economic",
    "benefit_social",
    "time_saved",
    "status",
    "submitted_by",
    "submitted_at",
    "result",
    "actual_value_vnd",
    "result_note",
];

/// A JSON array written a row at a time, one object a line.
pub struct JsonOut<W: std::io::Write> {
    w: W,
    rows: usize,
}

impl<W: std::io::Write> JsonOut<W> {
    pub fn new(mut w: W) -> Result<Self> {
        w.write_all(b"[")?;
        Ok(JsonOut { w, rows: 0 })
    }

    pub fn push(&mut self, r: &Row) -> Result<()> {
        self.w
            .write_all(if self.rows == 0 { b"\n  " } else { b",\n  " })?;
        serde_json::to_writer(&mut self.w, r)?;
        self.rows += 1;
        Ok(())
    }

    pub fn finish(mut self) -> Result<W> {
        self.w.write_all(b"\n]\n")?;
        Ok(self.w)
    }
}

pub fn json(rows: &[Row]) -> Result<Vec<u8>> {
    let mut out = JsonOut::new(Vec::new())?;
    for r in rows {
        out.push(r)?;
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row() -> Row {
        let at = Utc.with_ymd_and_hms(2025, 3, 1, 2, 30, 0).unwrap();
        Row {
            number: "001/ĐK".into(),
            unit: "CĐCS Trường THCS Vĩnh Thuận".into(),
            kind: "mo_hinh",
            name: "Mái ấm, \"công đoàn\"".into(),
            start_date: NaiveDate::from_ymd_opt(2025, 1, 15).unwrap(),
            end_date: NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
            content: "Dòng 1\nDòng 2".into(),
            estimated_value_vnd: 250_000_000,
            benefit_economic: None,
            benefit_social: Some("An cư".into()),
            time_saved: None,
            status: "submitted",
            submitted_by: "Nguyễn Văn A".into(),
            submitted_at: "2025-03-01T09:30:00+07:00".into(),
            work_kind: WorkKind::MoHinh,
            registration_status: RegistrationStatus::Submitted,
            submitted_at_utc: at,
            result: "done",
            actual_value_vnd: Some(260_000_000),
            result_note: Some("=HYPERLINK(\"x\")".into()),
            result_key: Some("result.done"),
        }
    }

    #[test]
    fn csv_has_the_agreed_header_and_quotes_safely() {
        let out = String::from_utf8(csv(&[row()]).unwrap()).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header, HEADER);
        let rec = reader.records().next().unwrap().unwrap();
        assert_eq!(&rec[3], "Mái ấm, \"công đoàn\"");
        assert_eq!(&rec[4], "2025-01-15");
        assert_eq!(&rec[6], "Dòng 1\nDòng 2");
        assert_eq!(&rec[7], "250000000");
        assert_eq!(&rec[8], "");
    }

    #[test]
    fn csv_cells_that_look_like_formulas_are_neutralised() {
        let mut r = row();
        r.name = "=HYPERLINK(\"http://x.example\",\"Bấm\")".into();
        r.content = "+cmd|' /C calc'!A0".into();
        r.benefit_economic = Some("@SUM(1+1)".into());
        r.benefit_social = Some("-2+3".into());
        r.time_saved = Some("\t=1".into());
        r.unit = "\r=1".into();
        r.submitted_by = "=Nguyễn".into();
        let out = String::from_utf8(csv(&[r]).unwrap()).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let rec = reader.records().next().unwrap().unwrap();
        assert_eq!(&rec[1], "'\r=1");
        assert_eq!(&rec[3], "'=HYPERLINK(\"http://x.example\",\"Bấm\")");
        assert_eq!(&rec[6], "'+cmd|' /C calc'!A0");
        assert_eq!(&rec[8], "'@SUM(1+1)");
        assert_eq!(&rec[9], "'-2+3");
        assert_eq!(&rec[10], "'\t=1");
        assert_eq!(&rec[12], "'=Nguyễn");
        // Numbers and dates stay as they are.
        assert_eq!(&rec[0], "001/ĐK");
        assert_eq!(&rec[4], "2025-01-15");
        assert_eq!(&rec[7], "250000000");
        assert_eq!(&rec[13], "2025-03-01T09:30:00+07:00");
        // Ordinary text is untouched, and JSON keeps what was typed.
        assert_eq!(csv_text("Mái ấm"), "Mái ấm");
        assert_eq!(csv_text("a=b"), "a=b");
        let mut r = row();
        r.name = "=1+1".into();
        let v: serde_json::Value = serde_json::from_slice(&json(&[r]).unwrap()).unwrap();
        assert_eq!(v[0]["name"], "=1+1");
    }

    #[test]
    fn empty_csv_still_has_a_header() {
        let out = String::from_utf8(csv(&[]).unwrap()).unwrap();
        assert_eq!(out.trim_end(), HEADER.join(","));
    }

    #[test]
    fn json_uses_the_same_names() {
        let v: serde_json::Value = serde_json::from_slice(&json(&[row()]).unwrap()).unwrap();
        assert_eq!(v[0]["estimated_value_vnd"], 250_000_000);
        assert_eq!(v[0]["end_date"], "2025-06-30");
        assert!(v[0].get("work_kind").is_none());
    }
}
