//! "Bảng đăng ký công trình (sản phẩm, mô hình, chương trình) thi đua", declared as data
//! in the order of the paper form.

use std::borrow::Cow;

use super::form::{
    Answer, Answers, ChoiceOption, FieldKind, FieldSpec, FormSpec, FormTexts, Words,
};
use crate::domain::questions::{Question, QuestionKind};
use crate::domain::registration::{RegistrationDraft, WorkKind};

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
        cancelled: "form.cancelled",
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

/// The draft a complete form describes; `None` while anything required is missing.
pub fn draft_from_answers(a: &Answers) -> Option<RegistrationDraft> {
    let text = |k: &str| match a.get(k) {
        Some(Answer::Text(t)) => Some(t.clone()),
        _ => None,
    };
    let date = |k: &str| match a.get(k) {
        Some(Answer::Date(d)) => Some(*d),
        _ => None,
    };
    let kind = match a.get(KIND) {
        Some(Answer::Choice(v)) => v.parse::<WorkKind>().ok()?,
        _ => return None,
    };
    let estimated_value = match a.get(ESTIMATED_VALUE) {
        Some(Answer::Money(v)) => *v,
        _ => return None,
    };
    Some(RegistrationDraft {
        kind,
        name: text(NAME)?,
        start_date: date(START_DATE)?,
        end_date: date(END_DATE)?,
        content: text(CONTENT)?,
        estimated_value,
        benefit_economic: text(BENEFIT_ECONOMIC),
        benefit_social: text(BENEFIT_SOCIAL),
        time_saved: text(TIME_SAVED),
    })
}

/// The answers that reproduce a stored registration, for editing it.
pub fn answers_from_draft(d: &RegistrationDraft) -> Answers {
    let optional = |v: &Option<String>| match v {
        Some(t) => Answer::Text(t.clone()),
        None => Answer::Skipped,
    };
    Answers::from([
        (KIND.into(), Answer::Choice(d.kind.as_str().into())),
        (NAME.into(), Answer::Text(d.name.clone())),
        (START_DATE.into(), Answer::Date(d.start_date)),
        (END_DATE.into(), Answer::Date(d.end_date)),
        (CONTENT.into(), Answer::Text(d.content.clone())),
        (ESTIMATED_VALUE.into(), Answer::Money(d.estimated_value)),
        (BENEFIT_ECONOMIC.into(), optional(&d.benefit_economic)),
        (BENEFIT_SOCIAL.into(), optional(&d.benefit_social)),
        (TIME_SAVED.into(), optional(&d.time_saved)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Vnd;
    use chrono::NaiveDate;

    #[test]
    fn form_follows_the_paper_order() {
        let keys: Vec<_> = REGISTRATION.fields.iter().map(|f| &*f.key).collect();
        assert_eq!(keys, ON_PAPER);
        let optional: Vec<_> = REGISTRATION
            .fields
            .iter()
            .filter(|f| f.optional)
            .map(|f| &*f.key)
            .collect();
        assert_eq!(optional, [BENEFIT_ECONOMIC, BENEFIT_SOCIAL, TIME_SAVED]);
    }

    #[test]
    fn draft_and_answers_round_trip() {
        let draft = RegistrationDraft {
            kind: WorkKind::MoHinh,
            name: "Mái ấm công đoàn".into(),
            start_date: NaiveDate::from_ymd_opt(2025, 1, 15).unwrap(),
            end_date: NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
            content: "Xây nhà cho đoàn viên khó khăn".into(),
            estimated_value: Vnd::from_dong(250_000_000).unwrap(),
            benefit_economic: None,
            benefit_social: Some("Đoàn viên an cư".into()),
            time_saved: None,
        };
        let answers = answers_from_draft(&draft);
        assert_eq!(draft_from_answers(&answers), Some(draft));
        let mut missing = answers.clone();
        missing.remove(CONTENT);
        assert_eq!(draft_from_answers(&missing), None);
    }
}
