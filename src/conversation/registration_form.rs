//! "Bảng đăng ký công trình (sản phẩm, mô hình, chương trình) thi đua", declared as data
//! in the order of the paper form.

use std::borrow::Cow;

use super::form::{ChoiceOption, FieldKind, FieldSpec, FormSpec, FormTexts, Words};
use crate::domain::questions::{Question, QuestionKind};

pub use crate::domain::registration::field::*;

const KINDS: &[ChoiceOption] = &[
    ChoiceOption {
        value: Cow::Borrowed("cong_trinh"),
        label: Words::Key("kind.cong_trinh"),
    },
    ChoiceOption {
        value: Cow::Borrowed("san_pham"),
        label: Words::Key("kind.san_pham"),
    },
    ChoiceOption {
        value: Cow::Borrowed("mo_hinh"),
        label: Words::Key("kind.mo_hinh"),
    },
    ChoiceOption {
        value: Cow::Borrowed("chuong_trinh"),
        label: Words::Key("kind.chuong_trinh"),
    },
];

const OPTIONAL_TEXT: FieldKind = FieldKind::Text { min: 2, max: 1000 };

pub static REGISTRATION: FormSpec = FormSpec {
    texts: FormTexts {
        summary_title: Words::Key("form.summary_title"),
        summary_ask: Words::Key("form.summary_ask"),
        confirm: "button.confirm",
        cancelled: Words::Key("form.cancelled"),
    },
    fields: Cow::Borrowed(&[
        FieldSpec {
            key: Cow::Borrowed(KIND),
            label: Words::Key("field.kind.label"),
            prompt: Words::Key("field.kind.prompt"),
            hint: None,
            kind: FieldKind::Choice(Cow::Borrowed(KINDS)),
            optional: false,
        },
        FieldSpec {
            key: Cow::Borrowed(NAME),
            label: Words::Key("field.name.label"),
            prompt: Words::Key("field.name.prompt"),
            hint: Some("field.name.hint"),
            kind: FieldKind::Text { min: 5, max: 300 },
            optional: false,
        },
        FieldSpec {
            key: Cow::Borrowed(START_DATE),
            label: Words::Key("field.start_date.label"),
            prompt: Words::Key("field.start_date.prompt"),
            hint: Some("field.date.hint"),
            kind: FieldKind::Date {
                not_before: None,
                not_after: Some(END_DATE),
            },
            optional: false,
        },
        FieldSpec {
            key: Cow::Borrowed(END_DATE),
            label: Words::Key("field.end_date.label"),
            prompt: Words::Key("field.end_date.prompt"),
            hint: Some("field.date.hint"),
            kind: FieldKind::Date {
                not_before: Some(START_DATE),
                not_after: None,
            },
            optional: false,
        },
        FieldSpec {
            key: Cow::Borrowed(CONTENT),
            label: Words::Key("field.content.label"),
            prompt: Words::Key("field.content.prompt"),
            hint: None,
            kind: FieldKind::Text { min: 5, max: 3000 },
            optional: false,
        },
        FieldSpec {
            key: Cow::Borrowed(ESTIMATED_VALUE),
            label: Words::Key("field.estimated_value.label"),
            prompt: Words::Key("field.estimated_value.prompt"),
            hint: Some("field.estimated_value.hint"),
            kind: FieldKind::Money,
            optional: false,
        },
        FieldSpec {
            key: Cow::Borrowed(BENEFIT_ECONOMIC),
            label: Words::Key("field.benefit_economic.label"),
            prompt: Words::Key("field.benefit_economic.prompt"),
            hint: None,
            kind: OPTIONAL_TEXT,
            optional: true,
        },
        FieldSpec {
            key: Cow::Borrowed(BENEFIT_SOCIAL),
            label: Words::Key("field.benefit_social.label"),
            prompt: Words::Key("field.benefit_social.prompt"),
            hint: None,
            kind: OPTIONAL_TEXT,
            optional: true,
        },
        FieldSpec {
            key: Cow::Borrowed(TIME_SAVED),
            label: Words::Key("field.time_saved.label"),
            prompt: Words::Key("field.time_saved.prompt"),
            hint: None,
            kind: OPTIONAL_TEXT,
            optional: true,
        },
    ]),
};

/// The registration form of a campaign: the paper form's items, then the campaign's
/// own questions.
pub fn for_campaign(questions: &[Question]) -> FormSpec {
    if questions.is_empty() {
        return REGISTRATION.clone();
    }
    let mut fields = REGISTRATION.fields.to_vec();
    fields.extend(questions.iter().map(|q| FieldSpec {
        key: Cow::Owned(q.key.clone()),
        label: Words::Plain(q.label.clone()),
        prompt: Words::Plain(q.prompt.clone()),
        hint: match q.kind {
            QuestionKind::Money => Some("field.estimated_value.hint"),
            QuestionKind::Date => Some("field.date.hint"),
            QuestionKind::Text => None,
        },
        kind: match q.kind {
            QuestionKind::Text => OPTIONAL_TEXT,
            QuestionKind::Money => FieldKind::Money,
            QuestionKind::Date => FieldKind::Date {
                not_before: None,
                not_after: None,
            },
        },
        optional: q.optional,
    }));
    FormSpec {
        fields: fields.into(),
        texts: REGISTRATION.texts.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::answers::{text, Answer, Answers};
    use crate::domain::money::Vnd;
    use crate::domain::registration::{RegistrationDraft, WorkKind};
    use chrono::NaiveDate;

    #[test]
    fn form_follows_the_paper_order() {
        let keys: Vec<_> = REGISTRATION.fields.iter().map(|f| &*f.key).collect();
        assert_eq!(keys, ON_PAPER);
        // Items 1–4 are required; what the paper marks "nếu có" comes after them.
        let required: Vec<_> = REGISTRATION
            .fields
            .iter()
            .take_while(|f| !f.optional)
            .map(|f| &*f.key)
            .collect();
        assert_eq!(
            required,
            [KIND, NAME, START_DATE, END_DATE, CONTENT, ESTIMATED_VALUE]
        );
        assert!(REGISTRATION.fields[required.len()..]
            .iter()
            .all(|f| f.optional));
    }

    #[test]
    fn a_complete_form_makes_a_draft() {
        let answers = Answers::from([
            (KIND.into(), Answer::Choice("mo_hinh".into())),
            (NAME.into(), Answer::Text("Mái ấm công đoàn".into())),
            (
                START_DATE.into(),
                Answer::Date(NaiveDate::from_ymd_opt(2025, 1, 15).unwrap()),
            ),
            (
                END_DATE.into(),
                Answer::Date(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()),
            ),
            (
                CONTENT.into(),
                Answer::Text("Xây nhà cho đoàn viên khó khăn".into()),
            ),
            (
                ESTIMATED_VALUE.into(),
                Answer::Money(Vnd::from_dong(250_000_000).unwrap()),
            ),
            (BENEFIT_ECONOMIC.into(), Answer::Skipped),
            (
                BENEFIT_SOCIAL.into(),
                Answer::Text("Đoàn viên an cư".into()),
            ),
            (TIME_SAVED.into(), Answer::Skipped),
        ]);
        let draft = RegistrationDraft::from_answers(&answers).unwrap();
        assert_eq!(draft.kind, WorkKind::MoHinh);
        assert_eq!(draft.name, "Mái ấm công đoàn");
        assert_eq!(draft.estimated_value.dong(), 250_000_000);
        assert_eq!(text(&answers, BENEFIT_SOCIAL), Some("Đoàn viên an cư"));
        assert_eq!(text(&answers, BENEFIT_ECONOMIC), None);
        let mut missing = answers.clone();
        missing.remove(CONTENT);
        assert_eq!(RegistrationDraft::from_answers(&missing), None);
    }
}
