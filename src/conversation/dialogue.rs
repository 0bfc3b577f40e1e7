use serde::{Deserialize, Serialize};

use super::engine::FormSession;

/// Where a chat stands between two messages; stored as JSON with the chat.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Dialogue {
    #[default]
    Idle,
    /// Any form: registration, a deadline's documents, an announcement, a return
    /// reason, a work's result.
    Form { session: FormSession },
    /// Asking the full name printed on paper; any command or other button leaves it.
    Name,
}
