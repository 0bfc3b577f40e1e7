//! The achievement report's sections a chair writes, as a form: one short answer per
//! section the campaign's layout fills with text, the section's guidance under its
//! heading, each skippable (left blank on the draft, to fill in by hand).

use std::borrow::Cow;

use super::form::{FieldKind, FieldSpec, FormSpec, FormTexts, Words};
use crate::domain::report_layout::{ReportLayout, MAX_ANSWER};
use crate::i18n::{trf, Lang};

pub fn spec(layout: &ReportLayout, unit: &str, lang: Lang) -> FormSpec {
    let fields: Vec<FieldSpec> = layout
        .written()
        .map(|s| {
            let prompt = match &s.guidance {
                Some(g) => trf(
                    lang,
                    "achievement.ask",
                    &[("heading", &s.heading), ("guidance", g)],
                ),
                None => s.heading.clone(),
            };
            FieldSpec {
                key: Cow::Owned(s.key.clone()),
                label: Words::Plain(s.heading.clone()),
                prompt: Words::Plain(prompt),
                hint: None,
                kind: FieldKind::Text {
                    min: 2,
                    max: MAX_ANSWER,
                },
                optional: true,
            }
        })
        .collect();
    FormSpec {
        fields: fields.into(),
        texts: FormTexts {
            summary_title: Words::Plain(trf(lang, "achievement.summary_title", &[("unit", unit)])),
            summary_ask: Words::Key("achievement.summary_ask"),
            confirm: "button.make_report",
            cancelled: Words::Key("achievement.cancelled"),
        },
    }
}
