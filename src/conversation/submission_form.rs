//! A deadline's documents handed in as a form: one file question per document the
//! deadline asks for (from the campaign file), then a note; the summary is the
//! checklist, "Nộp" hands it in.

use std::borrow::Cow;

use super::form::{FieldKind, FieldSpec, FormSpec, FormTexts, Words};
use crate::domain::campaign_file::DocumentSpec;
use crate::domain::member::{Capabilities, Receives};
use crate::i18n::{tr, trf, Lang};

pub const NOTE: &str = "note";
const MAX_NOTE: usize = 1000;

/// `caps`: how files come on this channel (photos only on Zalo, a path on the
/// console, attached elsewhere), which each question says, and whether the chat was
/// given an upload link for the web (`web`); `command` starts it again (/baocao,
/// /hoso), as the cancellation says.
pub fn spec(
    (title, command): (&str, &str),
    documents: &[DocumentSpec],
    lang: Lang,
    (caps, web): (Capabilities, bool),
) -> FormSpec {
    let how = match (caps.receives, caps.local) {
        (Receives::PhotosOnly, _) if web => Some("submission.zalo_photos_web"),
        (Receives::PhotosOnly, _) => Some("submission.zalo_photos"),
        (_, true) => Some("submission.local_path"),
        _ => None,
    };
    let mut fields: Vec<FieldSpec> = documents
        .iter()
        .map(|doc| {
            let mut prompt = trf(lang, "submission.ask_file", &[("title", &doc.title)]);
            if let Some(how) = how {
                prompt.push('\n');
                prompt.push_str(&tr(lang, how));
            }
            FieldSpec {
                key: Cow::Owned(doc.key.clone()),
                label: Words::Plain(doc.title.clone()),
                prompt: Words::Plain(prompt),
                hint: None,
                kind: FieldKind::File { max: 1 },
                optional: false,
            }
        })
        .collect();
    fields.push(FieldSpec {
        key: Cow::Borrowed(NOTE),
        label: Words::Key("submission.note_label"),
        prompt: Words::Key("submission.ask_note"),
        hint: None,
        kind: FieldKind::Text {
            min: 1,
            max: MAX_NOTE,
        },
        optional: true,
    });
    FormSpec {
        fields: fields.into(),
        texts: FormTexts {
            summary_title: Words::Plain(trf(lang, "submission.checklist", &[("title", title)])),
            summary_ask: Words::Key("submission.checklist_ask"),
            confirm: "button.submit",
            cancelled: Words::Plain(trf(lang, "submission.cancelled", &[("command", command)])),
        },
    }
}
