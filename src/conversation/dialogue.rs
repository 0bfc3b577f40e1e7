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
    /// Staff composing an announcement: the text first, then the audience.
    Broadcast {
        key: String,
        text: Option<String>,
        audience: Option<String>,
    },
}
