//! How a work ended, as two forms: done (its actual value, photos of the finished
//! work, what it achieved) and not done (why). "Đang làm" needs no form: one button.

use std::borrow::Cow;

use super::form::{FieldKind, FieldSpec, FormSpec, FormTexts, Words};
use crate::i18n::{trf, Lang};

pub const ACTUAL_VALUE: &str = "actual_value";
pub const PHOTOS: &str = "photos";
pub const ACHIEVED: &str = "achieved";
pub const REASON: &str = "reason";
/// Photos of one finished work: enough to show it, few enough for a phone.
pub const MAX_PHOTOS: usize = 5;
const MAX_NOTE: usize = 1000;

fn texts(number: &str, lang: Lang) -> FormTexts {
    FormTexts {
        summary_title: Words::Plain(trf(lang, "result.summary_title", &[("number", number)])),
        summary_ask: Words::Key("result.summary_ask"),
        confirm: "button.save_result",
        cancelled: Words::Key("result.cancelled"),
    }
}

pub fn done(number: &str, lang: Lang) -> FormSpec {
    FormSpec {
        fields: vec![
            FieldSpec {
                key: Cow::Borrowed(ACTUAL_VALUE),
                label: Words::Key("result.actual_value_label"),
                prompt: Words::Plain(trf(lang, "result.ask_value", &[("number", number)])),
                hint: None,
                kind: FieldKind::Money,
                optional: false,
            },
            FieldSpec {
                key: Cow::Borrowed(PHOTOS),
                label: Words::Key("result.photos_label"),
                prompt: Words::Plain(trf(
                    lang,
                    "result.ask_photos",
                    &[("max", &MAX_PHOTOS.to_string())],
                )),
                hint: None,
                kind: FieldKind::File { max: MAX_PHOTOS },
                optional: true,
            },
            FieldSpec {
                key: Cow::Borrowed(ACHIEVED),
                label: Words::Key("result.achieved_label"),
                prompt: Words::Key("result.ask_achieved"),
                hint: None,
                kind: FieldKind::Text {
                    min: 2,
                    max: MAX_NOTE,
                },
                optional: true,
            },
        ]
        .into(),
        texts: texts(number, lang),
    }
}

pub fn not_done(number: &str, lang: Lang) -> FormSpec {
    FormSpec {
        fields: vec![FieldSpec {
            key: Cow::Borrowed(REASON),
            label: Words::Key("result.reason_label"),
            prompt: Words::Plain(trf(lang, "result.ask_reason", &[("number", number)])),
            hint: None,
            kind: FieldKind::Text {
                min: 2,
                max: MAX_NOTE,
            },
            optional: false,
        }]
        .into(),
        texts: texts(number, lang),
    }
}
