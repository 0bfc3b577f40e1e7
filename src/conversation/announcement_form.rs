//! "/thongbao" as a form: the text, then who receives it; the summary is the preview,
//! with how many people the audience reaches, and "Gửi" queues it.

use std::borrow::Cow;

use super::form::{ChoiceOption, FieldKind, FieldSpec, FormSpec, FormTexts, Words};
use crate::domain::audience::Audience;
use crate::i18n::{tr, trf, Lang};

/// The longest announcement, in characters, from the chat and from the command line
/// alike: long enough for a real announcement, short enough for one Zalo message.
pub const MAX_TEXT: usize = 1500;
pub const TEXT: &str = "text";
pub const AUDIENCE: &str = "audience";

/// `chosen`: the audience picked so far and how many people it reaches in the author's
/// scope, which the preview says. Only that one is counted: a count over a province's
/// chairs takes a tenth of a second or more, and a turn holds the database meanwhile.
pub fn spec(chosen: Option<(Audience, i64)>, lang: Lang) -> FormSpec {
    let options: Vec<ChoiceOption> = Audience::every()
        .map(|a| ChoiceOption {
            value: Cow::Borrowed(a.as_str()),
            label: match chosen {
                Some((c, n)) if c == a => Words::Plain(trf(
                    lang,
                    "broadcast.audience_option",
                    &[("label", &tr(lang, a.label_key())), ("n", &n.to_string())],
                )),
                _ => Words::Key(a.label_key()),
            },
        })
        .collect();
    FormSpec {
        fields: vec![
            FieldSpec {
                key: Cow::Borrowed(TEXT),
                label: Words::Key("broadcast.text_label"),
                prompt: Words::Key("broadcast.ask_text"),
                hint: None,
                kind: FieldKind::Text {
                    min: 1,
                    max: MAX_TEXT,
                },
                optional: false,
            },
            FieldSpec {
                key: Cow::Borrowed(AUDIENCE),
                label: Words::Key("broadcast.audience_label"),
                prompt: Words::Key("broadcast.ask_audience"),
                hint: None,
                kind: FieldKind::Choice(options.into()),
                optional: false,
            },
        ]
        .into(),
        texts: FormTexts {
            summary_title: Words::Key("broadcast.preview_title"),
            summary_ask: Words::Key("broadcast.preview_ask"),
            confirm: "button.send",
            cancelled: Words::Key("broadcast.cancelled"),
        },
    }
}
