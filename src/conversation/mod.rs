//! The conversation engine: a pure state machine, (state, input) -> (new state, replies).
//! It knows nothing of channels or storage, so every rule is testable without a bot.

pub mod announcement_form;
pub mod dialogue;
pub mod engine;
pub mod form;
pub mod message;
pub mod quick;
pub mod registration_form;
pub mod render;
pub mod reply;
pub mod report_form;
pub mod result_form;
pub mod return_form;
pub mod submission_form;

pub use dialogue::Dialogue;
pub use engine::{Ctx, FormOutcome, FormSession, Input, Step};
pub use form::StoredFile;
pub use message::{Body, FileSource, Incoming, IncomingFile, Outgoing, RawInput};
pub use reply::{Action, Choice, Reply};
