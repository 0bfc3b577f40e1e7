//! Returning a submission as a form: the reason the chair will read, shown once more
//! before it goes.

use std::borrow::Cow;

use super::form::{FieldKind, FieldSpec, FormSpec, FormTexts, Words};
use crate::i18n::{trf, Lang};

pub const REASON: &str = "reason";
pub const MAX_REASON: usize = 500;

pub fn spec(unit: &str, title: &str, lang: Lang) -> FormSpec {
    FormSpec {
        fields: vec![FieldSpec {
            key: Cow::Borrowed(REASON),
            label: Words::Key("review.reason_label"),
            prompt: Words::Key("review.ask_reason"),
            hint: None,
            kind: FieldKind::Text {
                min: 2,
                max: MAX_REASON,
            },
            optional: false,
        }]
        .into(),
        texts: FormTexts {
            summary_title: Words::Plain(trf(
                lang,
                "review.return_title",
                &[("unit", unit), ("title", title)],
            )),
            summary_ask: Words::Key("review.return_ask"),
            confirm: "button.return_now",
            cancelled: Words::Key("review.cancelled"),
        },
    }
}
