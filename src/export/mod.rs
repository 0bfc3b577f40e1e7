//! Registrations for district staff: CSV and JSON for machines, XLSX for people.

mod award_lists;
mod columns;
mod docx_header_rows;
mod form_docx;
pub mod invites;
mod paper;
mod report_docx;
mod status;
mod submissions;
mod summary;
mod works_annex;
mod xlsx;

pub use award_lists::{candidates_csv, featured_csv};
pub use form_docx::{
    each_form, form_docx, issuer_of, place_of, registration_paper, slug, FormPaper,
};
pub use invites::invites_xlsx;
pub use paper::PAPER;
pub use report_docx::{
    each_report, report_docx, report_file_name, unit_report, ReportPaper, UnitReport,
};
pub use status::{status_sheet, submission_state, StatusSheet};
pub use submissions::submissions;
pub use summary::{summary_docx, summary_xlsx, SummaryPaper, UnitTotal};
pub use works_annex::works_annex_docx;
pub use xlsx::Sheet;

use anyhow::Result;
use chrono::{DateTime, Utc};

pub use columns::{cells_for, columns_for, Cell, CellKind, Column};

use crate::conversation::form::{Answers, FormSpec};
use crate::domain::registration::{RegistrationStatus, WorkResult};
use crate::domain::unit::Scope;
use crate::store::registrations;

/// One registration as the exports see it: the form's answers as the chair gave them,
/// and how the work stands. Its columns are `columns::columns_for(form)`.
#[derive(Debug, Clone)]
pub struct Row {
    pub number: String,
    pub unit: String,
    pub answers: Answers,
    pub status: RegistrationStatus,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    pub result: Option<WorkResult>,
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
    Row {
        number: r.number.to_string(),
        unit: r.unit_name,
        answers: r.answers,
        status: r.status,
        submitted_by: r.submitted_by,
        submitted_at: r.submitted_at,
        result: r.result,
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

/// CSV written a row at a time, with the columns of `form` (the campaign's
/// registration form: `registration_form::for_campaign`).
pub struct CsvOut<W: std::io::Write> {
    w: csv::Writer<W>,
    form: FormSpec,
    rows: usize,
}

impl<W: std::io::Write> CsvOut<W> {
    pub fn new(w: W, form: &FormSpec) -> Self {
        CsvOut {
            w: csv::Writer::from_writer(w),
            form: form.clone(),
            rows: 0,
        }
    }

    /// One row; free text made safe for a spreadsheet, numbers, dates and codes as
    /// they are.
    pub fn push(&mut self, r: &Row) -> Result<()> {
        if self.rows == 0 {
            self.w.write_record(header(&self.form))?;
        }
        let record = columns::cells_for(&self.form, r)
            .into_iter()
            .map(|c| match c {
                Cell::Text(t) => csv_text(&t).into_owned(),
                other => other.plain(),
            });
        self.w.write_record(record)?;
        self.rows += 1;
        Ok(())
    }

    pub fn finish(mut self) -> Result<W> {
        if self.rows == 0 {
            // The header still tells a reader what the columns would be.
            self.w.write_record(header(&self.form))?;
        }
        self.w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
    }
}

pub fn csv(rows: &[Row], form: &FormSpec) -> Result<Vec<u8>> {
    let mut out = CsvOut::new(Vec::new(), form);
    for r in rows {
        out.push(r)?;
    }
    out.finish()
}

/// The CSV header and the JSON keys, in order.
pub fn header(form: &FormSpec) -> Vec<String> {
    columns::columns_for(form)
        .into_iter()
        .map(|c| c.name)
        .collect()
}

/// A JSON array written a row at a time, one object a line.
pub struct JsonOut<W: std::io::Write> {
    w: W,
    form: FormSpec,
    header: Vec<String>,
    rows: usize,
}

impl<W: std::io::Write> JsonOut<W> {
    pub fn new(mut w: W, form: &FormSpec) -> Result<Self> {
        w.write_all(b"[")?;
        Ok(JsonOut {
            w,
            form: form.clone(),
            header: header(form),
            rows: 0,
        })
    }

    pub fn push(&mut self, r: &Row) -> Result<()> {
        self.w
            .write_all(if self.rows == 0 { b"\n  " } else { b",\n  " })?;
        // Written key by key so the keys keep the columns' order.
        self.w.write_all(b"{")?;
        let cells = columns::cells_for(&self.form, r);
        for (i, (name, cell)) in self.header.iter().zip(cells).enumerate() {
            if i > 0 {
                self.w.write_all(b", ")?;
            }
            serde_json::to_writer(&mut self.w, name)?;
            self.w.write_all(b": ")?;
            serde_json::to_writer(&mut self.w, &cell.json())?;
        }
        self.w.write_all(b"}")?;
        self.rows += 1;
        Ok(())
    }

    pub fn finish(mut self) -> Result<W> {
        self.w.write_all(b"\n]\n")?;
        Ok(self.w)
    }
}

pub fn json(rows: &[Row], form: &FormSpec) -> Result<Vec<u8>> {
    let mut out = JsonOut::new(Vec::new(), form)?;
    for r in rows {
        out.push(r)?;
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::registration_form::REGISTRATION;
    use chrono::TimeZone;

    fn row() -> Row {
        use crate::conversation::form::Answer;
        use crate::domain::money::Vnd;
        let date = |m, d| Answer::Date(chrono::NaiveDate::from_ymd_opt(2025, m, d).unwrap());
        let text = |t: &str| Answer::Text(t.into());
        Row {
            number: "001/ĐK".into(),
            unit: "CĐCS Trường THCS Vĩnh Thuận".into(),
            answers: Answers::from([
                ("kind".into(), Answer::Choice("mo_hinh".into())),
                ("name".into(), text("Mái ấm, \"công đoàn\"")),
                ("start_date".into(), date(1, 15)),
                ("end_date".into(), date(6, 30)),
                ("content".into(), text("Dòng 1\nDòng 2")),
                (
                    "estimated_value".into(),
                    Answer::Money(Vnd::from_dong(250_000_000).unwrap()),
                ),
                ("benefit_economic".into(), Answer::Skipped),
                ("benefit_social".into(), text("An cư")),
            ]),
            status: RegistrationStatus::Submitted,
            submitted_by: "Nguyễn Văn A".into(),
            submitted_at: Utc.with_ymd_and_hms(2025, 3, 1, 2, 30, 0).unwrap(),
            result: Some(WorkResult::Done {
                actual: Vnd::from_dong(260_000_000).unwrap(),
                note: Some("=HYPERLINK(\"x\")".into()),
                photos: vec![],
            }),
        }
    }

    fn set(r: &mut Row, key: &str, value: &str) {
        r.answers.insert(
            key.into(),
            crate::conversation::form::Answer::Text(value.into()),
        );
    }

    #[test]
    fn csv_has_the_agreed_header_and_quotes_safely() {
        let out = String::from_utf8(csv(&[row()], &REGISTRATION).unwrap()).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header.join(","),
            "number,unit,kind,name,start_date,end_date,content,estimated_value_vnd,\
             benefit_economic,benefit_social,time_saved,status,submitted_by,submitted_at,\
             result,actual_value_vnd,result_note"
        );
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
        set(&mut r, "name", "=HYPERLINK(\"http://x.example\",\"Bấm\")");
        set(&mut r, "content", "+cmd|' /C calc'!A0");
        set(&mut r, "benefit_economic", "@SUM(1+1)");
        set(&mut r, "benefit_social", "-2+3");
        set(&mut r, "time_saved", "\t=1");
        r.unit = "\r=1".into();
        r.submitted_by = "=Nguyễn".into();
        let out = String::from_utf8(csv(&[r], &REGISTRATION).unwrap()).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let header = reader.headers().unwrap().clone();
        let rec = reader.records().next().unwrap().unwrap();
        let cell = |name: &str| rec[header.iter().position(|h| h == name).unwrap()].to_string();
        assert_eq!(cell("unit"), "'\r=1");
        assert_eq!(cell("name"), "'=HYPERLINK(\"http://x.example\",\"Bấm\")");
        assert_eq!(cell("content"), "'+cmd|' /C calc'!A0");
        assert_eq!(cell("benefit_economic"), "'@SUM(1+1)");
        assert_eq!(cell("benefit_social"), "'-2+3");
        assert_eq!(cell("time_saved"), "'\t=1");
        assert_eq!(cell("submitted_by"), "'=Nguyễn");
        // Numbers and dates stay as they are.
        assert_eq!(cell("number"), "001/ĐK");
        assert_eq!(cell("start_date"), "2025-01-15");
        assert_eq!(cell("estimated_value_vnd"), "250000000");
        assert_eq!(cell("submitted_at"), "2025-03-01T09:30:00+07:00");
        // Ordinary text is untouched, and JSON keeps what was typed.
        assert_eq!(csv_text("Mái ấm"), "Mái ấm");
        assert_eq!(csv_text("a=b"), "a=b");
        assert_eq!(cell("result_note"), "'=HYPERLINK(\"x\")");
        let mut r = row();
        set(&mut r, "name", "=1+1");
        let v: serde_json::Value =
            serde_json::from_slice(&json(&[r], &REGISTRATION).unwrap()).unwrap();
        assert_eq!(v[0]["name"], "=1+1");
    }

    #[test]
    fn empty_csv_still_has_a_header() {
        let out = String::from_utf8(csv(&[], &REGISTRATION).unwrap()).unwrap();
        assert_eq!(out.trim_end(), header(&REGISTRATION).join(","));
    }

    #[test]
    fn json_uses_the_same_names() {
        let v: serde_json::Value =
            serde_json::from_slice(&json(&[row()], &REGISTRATION).unwrap()).unwrap();
        assert_eq!(v[0]["estimated_value_vnd"], 250_000_000);
        assert_eq!(v[0]["end_date"], "2025-06-30");
        assert_eq!(v[0]["time_saved"], serde_json::Value::Null);
        assert_eq!(v[0]["result"], "done");
        assert_eq!(v[0]["actual_value_vnd"], 260_000_000);
    }
}
