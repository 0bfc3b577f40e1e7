use serde::{Deserialize, Serialize};

use super::engine::FormSession;

/// Where a chat stands between two messages; stored as JSON with the chat.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Dialogue {
    #[default]
    Idle,
    Form {
        session: FormSession,
    },
    /// A chair handing in a deadline's documents, one by one, then a note.
    Submission {
        key: String,
        deadline_id: i64,
        step: SubmissionStep,
        files: Vec<Option<StoredFile>>,
        note: Option<String>,
    },
    /// Staff returning submission `submission_id`: the reason comes next.
    ReturnReason {
        submission_id: i64,
    },
    /// A chair telling how registration `registration_id` ended.
    WorkResult {
        registration_id: i64,
        step: ResultStep,
    },
    /// Staff composing an announcement: the text first, then the audience.
    Broadcast {
        key: String,
        text: Option<String>,
        audience: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "at")]
pub enum ResultStep {
    /// Done: its actual value, then what it achieved (optional).
    ActualValue,
    Achieved {
        actual_dong: u64,
    },
    /// Not done: why.
    Reason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "at", content = "index")]
pub enum SubmissionStep {
    Document(usize),
    Note,
    Checklist,
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
