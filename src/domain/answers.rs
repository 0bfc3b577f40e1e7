//! A form's answers as the chair gave them, by field key: what a registration is made of,
//! kept whole (as JSON with the work) so that a field added to the form needs no column.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::money::Vnd;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "lowercase")]
pub enum Answer {
    Text(String),
    Date(NaiveDate),
    Money(Vnd),
    Choice(String),
    Files(Vec<StoredFile>),
    Skipped,
}

/// A received file, already saved in the data folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub path: String,
    pub channel: String,
    pub file_id: String,
}

pub type Answers = BTreeMap<String, Answer>;

/// The text answered to `key`; `None` when skipped, absent or not a text.
pub fn text<'a>(answers: &'a Answers, key: &str) -> Option<&'a str> {
    match answers.get(key) {
        Some(Answer::Text(t)) => Some(t),
        _ => None,
    }
}
