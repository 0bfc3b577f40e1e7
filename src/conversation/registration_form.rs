//! "Bảng đăng ký công trình (sản phẩm, mô hình, chương trình) thi đua", declared as data
//! in the order of the paper form.

use super::form::{Answer, Answers, ChoiceOption, FieldKind, FieldSpec, FormSpec};
use crate::domain::registration::{RegistrationDraft, WorkKind};

pub const KIND: &str = "kind";
pub const NAME: &str = "name";
pub const START_DATE: &str = "start_date";
pub const END_DATE: &str = "end_date";
pub const CONTENT: &str = "content";
pub const ESTIMATED_VALUE: &str = "estimated_value";
pub const BENEFIT_ECONOMIC: &str = "benefit_economic";
pub const BENEFIT_SOCIAL: &str = "benefit_social";
pub const TIME_SAVED: &str = "time_saved";

const KINDS: &[ChoiceOption] = &[
    ChoiceOption {
        value: "cong_trinh",
        label: "kind.cong_trinh",
    },
    ChoiceOption {
        value: "san_pham",
        label: "kind.san_pham",
    },
    ChoiceOption {
        value: "mo_hinh",
        label: "kind.mo_hinh",
    },
    ChoiceOption {
        value: "chuong_trinh",
        label: "kind.chuong_trinh",
    },
];

/// The fields the plan's paper form has a place for, in its order (items 1–5).
pub const ON_PAPER: [&str; 9] = [
    KIND,
    NAME,
    START_DATE,
    END_DATE,
    CONTENT,
    ESTIMATED_VALUE,
    BENEFIT_ECONOMIC,
    BENEFIT_SOCIAL,
    TIME_SAVED,
];

const OPTIONAL_TEXT: FieldKind = FieldKind::Text { min: 2, max: 1000 };

pub static REGISTRATION: FormSpec = FormSpec {
    fields: &[
        FieldSpec {
            key: KIND,
            label: "field.kind.label",
            prompt: "field.kind.prompt",
            hint: None,
            kind: FieldKind::Choice(KINDS),
            optional: false,
        },
        FieldSpec {
            key: NAME,
            label: "field.name.label",
            prompt: "field.name.prompt",
            hint: Some("field.name.hint"),
            kind: FieldKind::Text { min: 5, max: 300 },
            optional: false,
        },
        FieldSpec {
            key: START_DATE,
            label: "field.start_date.label",
            prompt: "field.start_date.prompt",
            hint: Some("field.date.hint"),
            kind: FieldKind::Date {
                not_before: None,
                not_after: Some(END_DATE),
            },
            optional: false,
        },
        FieldSpec {
            key: END_DATE,
            label: "field.end_date.label",
            prompt: "field.end_date.prompt",
            hint: Some("field.date.hint"),
            kind: FieldKind::Date {
                not_before: Some(START_DATE),
                not_after: None,
            },
            optional: false,
        },
        FieldSpec {
            key: CONTENT,
            label: "field.content.label",
            prompt: "field.content.prompt",
            hint: None,
            kind: FieldKind::Text { min: 5, max: 3000 },
            optional: false,
        },
        FieldSpec {
            key: ESTIMATED_VALUE,
            label: "field.estimated_value.label",
            prompt: "field.estimated_value.prompt",
            hint: Some("field.estimated_value.hint"),
            kind: FieldKind::Money,
            optional: false,
        },
        FieldSpec {
            key: BENEFIT_ECONOMIC,
            label: "field.benefit_economic.label",
            prompt: "field.benefit_economic.prompt",
            hint: None,
            kind: OPTIONAL_TEXT,
            optional: true,
        },
        FieldSpec {
            key: BENEFIT_SOCIAL,
            label: "field.benefit_social.label",
            prompt: "field.benefit_social.prompt",
            hint: None,
            kind: OPTIONAL_TEXT,
            optional: true,
        },
        FieldSpec {
            key: TIME_SAVED,
            label: "field.time_saved.label",
            prompt: "field.time_saved.prompt",
            hint: None,
            kind: OPTIONAL_TEXT,
            optional: true,
        },
    ],
};

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
        let keys: Vec<_> = REGISTRATION.fields.iter().map(|f| f.key).collect();
        assert_eq!(keys, ON_PAPER);
        let optional: Vec<_> = REGISTRATION
            .fields
            .iter()
            .filter(|f| f.optional)
            .map(|f| f.key)
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
