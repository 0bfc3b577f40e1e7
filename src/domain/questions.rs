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

/// Longest label and question a campaign file may give: a chat line, not a page.
pub const MAX_LABEL: usize = 80;
pub const MAX_PROMPT: usize = 300;
/// A form of more questions than this is not filled in on a phone.
pub const MAX_QUESTIONS: usize = 10;
