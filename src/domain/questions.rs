//! A campaign's own questions, asked after the paper form's items (`[[question]]` in
//! the campaign file): what a district's plan asks beyond the standard form, such as
//! the partner unit of a work. Their answers are kept with the work's other answers
//! and follow the paper form everywhere: the summary, the exports, the Word form.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Stored with the answers: lower-case letters, digits and `_`, never renamed.
    pub key: String,
    /// Short, for the summary, the edit menu and the exports' header.
    pub label: String,
    /// The question as the chair reads it.
    pub prompt: String,
    pub kind: QuestionKind,
    pub optional: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    Text,
    Money,
    Date,
}

/// The columns every export of the registrations has besides the form's answers
/// (the CSV's header, the JSON's keys). A question that took one of these names
/// would give the CSV two columns of that name and the JSON a work's unit or
/// number overwritten by an answer.
pub const RECORD_COLUMNS: [&str; 8] = [
    "number",
    "unit",
    "status",
    "submitted_by",
    "submitted_at",
    "result",
    "actual_value_vnd",
    "result_note",
];

/// The export column of an answer: amounts say their unit in their name.
pub fn column_name(key: &str, money: bool) -> String {
    if money {
        format!("{key}_vnd")
    } else {
        key.to_string()
    }
}

/// Longest label and question a campaign file may give: a chat line, not a page.
pub const MAX_LABEL: usize = 80;
pub const MAX_PROMPT: usize = 300;
/// A form of more questions than this is not filled in on a phone.
pub const MAX_QUESTIONS: usize = 10;
