//! The registrations export's columns, made from the form's declaration: the work's
//! number and unit, then one column per field of the registration form in its order
//! (named by its key, headed by its label, formatted by its kind), then how the work
//! stands. CSV, JSON and XLSX all read this one list; a field added to the form is a
//! column everywhere.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;

use crate::conversation::form::{Answer, FieldKind, FormSpec, Words};
use crate::domain::registration::WorkResult;

use super::Row;

/// How a column's cells are written: the kind of the field that fills it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    Text,
    /// A fixed code in CSV and JSON, its label in a spreadsheet.
    Choice,
    Date,
    Money,
    /// An instant, shown in Vietnam's time.
    Stamp,
}

pub struct Column {
    /// The CSV header and the JSON key.
    pub name: String,
    /// The spreadsheet's header.
    pub label: Words,
    pub kind: CellKind,
}

/// One cell, typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Choice { code: String, label: &'static str },
    Date(NaiveDate),
    Money(u64),
    Stamp(DateTime<Utc>),
}

impl Cell {
    /// As CSV and JSON write it (free text is made safe for spreadsheets in CSV by the
    /// caller).
    pub fn plain(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Choice { code, .. } => code.clone(),
            Cell::Date(d) => d.to_string(),
            Cell::Money(v) => v.to_string(),
            Cell::Stamp(t) => t
                .with_timezone(&Ho_Chi_Minh)
                .to_rfc3339_opts(SecondsFormat::Secs, false),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        match self {
            Cell::Empty => serde_json::Value::Null,
            Cell::Money(v) => (*v).into(),
            other => other.plain().into(),
        }
    }
}

fn kind_of(field: &FieldKind) -> CellKind {
    match field {
        FieldKind::Choice(_) => CellKind::Choice,
        FieldKind::Text { .. } | FieldKind::File { .. } => CellKind::Text,
        FieldKind::Date { .. } => CellKind::Date,
        FieldKind::Money => CellKind::Money,
    }
}

/// The columns of a form's export: the form is the only place a field is declared.
pub fn columns_for(form: &FormSpec) -> Vec<Column> {
    let col = |name: &str, label, kind| Column {
        name: name.to_string(),
        label: Words::Key(label),
        kind,
    };
    let mut all = vec![
        col("number", "export.col.number", CellKind::Text),
        col("unit", "export.col.unit", CellKind::Text),
    ];
    all.extend(form.fields.iter().map(|f| Column {
        // Amounts say their unit in their name: `estimated_value_vnd`.
        name: crate::domain::questions::column_name(&f.key, matches!(f.kind, FieldKind::Money)),
        label: f.label.clone(),
        kind: kind_of(&f.kind),
    }));
    all.extend([
        col("status", "export.col.status", CellKind::Choice),
        col("submitted_by", "export.col.submitted_by", CellKind::Text),
        col("submitted_at", "export.col.submitted_at", CellKind::Stamp),
        col("result", "export.col.result", CellKind::Choice),
        col(
            "actual_value_vnd",
            "export.col.actual_value",
            CellKind::Money,
        ),
        col("result_note", "export.col.result_note", CellKind::Text),
    ]);
    all
}

/// A row's cells, in the order of `columns_for(form)`.
pub fn cells_for(form: &FormSpec, r: &Row) -> Vec<Cell> {
    let mut out = vec![Cell::Text(r.number.clone()), Cell::Text(r.unit.clone())];
    out.extend(form.fields.iter().map(|f| {
        match (r.answers.get(&*f.key), &f.kind) {
            (None | Some(Answer::Skipped), _) => Cell::Empty,
            (Some(Answer::Choice(code)), FieldKind::Choice(options)) => Cell::Choice {
                code: code.clone(),
                label: options
                    .iter()
                    .find(|o| o.value == code.as_str())
                    .and_then(|o| o.label.key())
                    .unwrap_or("form.not_answered"),
            },
            (Some(Answer::Choice(code)), _) | (Some(Answer::Text(code)), _) => {
                Cell::Text(code.clone())
            }
            (Some(Answer::Date(d)), _) => Cell::Date(*d),
            (Some(Answer::Money(v)), _) => Cell::Money(v.dong()),
            (Some(Answer::Files(files)), _) => Cell::Text(
                files
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        }
    }));
    let (actual, note) = match &r.result {
        Some(WorkResult::Done { actual, note, .. }) => (Cell::Money(actual.dong()), note.clone()),
        Some(WorkResult::NotDone { reason }) => (Cell::Empty, Some(reason.clone())),
        _ => (Cell::Empty, None),
    };
    out.extend([
        Cell::Choice {
            code: r.status.as_str().to_string(),
            label: r.status.label_key(),
        },
        Cell::Text(r.submitted_by.clone()),
        Cell::Stamp(r.submitted_at),
        match &r.result {
            Some(x) => Cell::Choice {
                code: x.as_str().to_string(),
                label: x.label_key(),
            },
            None => Cell::Empty,
        },
        actual,
        note.map_or(Cell::Empty, Cell::Text),
    ]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::form::{Answers, FieldSpec};
    use crate::conversation::registration_form::REGISTRATION;
    use crate::domain::registration::RegistrationStatus;

    /// The registration form with one more optional text field, declared once.
    fn with_partner() -> FormSpec {
        let mut fields: Vec<FieldSpec> = REGISTRATION.fields.to_vec();
        fields.push(FieldSpec {
            key: "added_in_a_test".into(),
            label: Words::Key("field.name.label"),
            prompt: Words::Key("field.name.prompt"),
            hint: None,
            kind: FieldKind::Text { min: 2, max: 300 },
            optional: true,
        });
        FormSpec {
            fields: fields.into(),
            texts: REGISTRATION.texts.clone(),
        }
    }

    #[test]
    fn a_field_added_to_the_form_is_a_column_everywhere() {
        let form = with_partner();
        let names: Vec<String> = columns_for(&form).into_iter().map(|c| c.name).collect();
        let base: Vec<String> = columns_for(&REGISTRATION)
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names.len(), base.len() + 1);
        // After the form's last field, before how the work stands.
        let at = names.iter().position(|n| n == "added_in_a_test").unwrap();
        let last = REGISTRATION.fields.last().unwrap();
        assert_eq!(names[at - 1], *last.key);
        assert_eq!(names[at + 1], "status");
        let row = Row {
            number: "001/ĐK".into(),
            unit: "CĐCS A".into(),
            answers: Answers::from([("added_in_a_test".into(), Answer::Text("Công ty B".into()))]),
            status: RegistrationStatus::Submitted,
            submitted_by: "Lan".into(),
            submitted_at: chrono::Utc::now(),
            result: None,
        };
        let cells = cells_for(&form, &row);
        assert_eq!(cells.len(), names.len());
        assert_eq!(cells[at], Cell::Text("Công ty B".into()));
        // A field the form does not declare is not exported.
        assert_eq!(cells_for(&REGISTRATION, &row).len(), base.len());
    }
}
