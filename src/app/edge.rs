//! What a chat brings in is cleaned once, before anything reads it: a control
//! character stored in a work name or a display name could never be written to
//! PostgreSQL again, and a bidi override reverses a name in staff's lists.

use super::{Incoming, RawInput};
use crate::domain::text::{clean, clean_file_name};

pub(super) fn cleaned(mut inc: Incoming) -> Incoming {
    inc.display_name = clean(&inc.display_name);
    inc.input = match inc.input {
        RawInput::Text(t) => RawInput::Text(clean(&t)),
        RawInput::Button(data) => RawInput::Button(clean(&data)),
        RawInput::File(mut f) => {
            f.name = clean_file_name(&f.name);
            RawInput::File(f)
        }
        RawInput::Unsupported => RawInput::Unsupported,
    };
    inc
}
