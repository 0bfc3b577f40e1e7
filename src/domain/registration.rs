//! A registered emulation work, field for field as on the paper
//! "Bảng đăng ký công trình (sản phẩm, mô hình, chương trình) thi đua".

use chrono::{DateTime, NaiveDate, Utc};
use std::fmt;

use super::answers::{text, Answer, Answers};
use super::money::Vnd;

/// The keys of the paper form's fields: stored with every registration's answers, so
/// never renamed. A campaign's own questions may not take one of them.
pub mod field {
    pub const KIND: &str = "kind";
    pub const NAME: &str = "name";
    pub const START_DATE: &str = "start_date";
    pub const END_DATE: &str = "end_date";
    pub const CONTENT: &str = "content";
    pub const ESTIMATED_VALUE: &str = "estimated_value";
    pub const BENEFIT_ECONOMIC: &str = "benefit_economic";
    pub const BENEFIT_SOCIAL: &str = "benefit_social";
    pub const TIME_SAVED: &str = "time_saved";

    /// The fields the plan's paper form has a place for, in its order (items 1–5).
    pub const ON_PAPER: &[&str] = &[
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
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum WorkKind {
    CongTrinh,
    SanPham,
    MoHinh,
    ChuongTrinh,
}

impl WorkKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Locale key of the kind's name.
    pub fn label_key(self) -> &'static str {
        match self {
            WorkKind::CongTrinh => "kind.cong_trinh",
            WorkKind::SanPham => "kind.san_pham",
            WorkKind::MoHinh => "kind.mo_hinh",
            WorkKind::ChuongTrinh => "kind.chuong_trinh",
        }
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[strum(serialize_all = "lowercase")]
pub enum RegistrationStatus {
    Submitted,
    Withdrawn,
}

impl RegistrationStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label_key(self) -> &'static str {
        match self {
            RegistrationStatus::Submitted => "work_status.submitted",
            RegistrationStatus::Withdrawn => "work_status.withdrawn",
        }
    }
}

/// Sequential per campaign; shown as the district numbers its paperwork: `001/ĐK`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RegistrationNumber(pub i64);

impl fmt::Display for RegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}/ĐK", self.0)
    }
}

/// What every work has, typed, read from its answers (which stay the record: the
/// optional items and a campaign's own questions are read from them by key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationDraft {
    pub kind: WorkKind,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub content: String,
    pub estimated_value: Vnd,
}

impl RegistrationDraft {
    /// The draft a complete form describes; `None` while anything it needs is missing.
    pub fn from_answers(a: &Answers) -> Option<RegistrationDraft> {
        use field::*;
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
            name: text(a, NAME)?.to_string(),
            start_date: date(START_DATE)?,
            end_date: date(END_DATE)?,
            content: text(a, CONTENT)?.to_string(),
            estimated_value,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub id: i64,
    pub campaign_id: i64,
    pub number: RegistrationNumber,
    pub unit_id: i64,
    pub unit_name: String,
    pub draft: RegistrationDraft,
    pub status: RegistrationStatus,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    /// Every answer of the form, including fields the typed draft does not name.
    pub answers: super::answers::Answers,
    /// What the chair said once the end date passed; `None` until then.
    pub result: Option<WorkResult>,
    /// Proposed by staff as a "công trình tiêu biểu" (for a plaque).
    pub featured: bool,
}

/// "Đang làm": the chair is asked again this many days later.
pub const ASK_AGAIN_DAYS: u64 = 14;

/// How a work ended, as its chair reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkResult {
    /// Completed, with its actual value, what it achieved and photos of it.
    Done {
        actual: Vnd,
        note: Option<String>,
        photos: Vec<super::answers::StoredFile>,
    },
    /// Still in progress: asked again on that day.
    Ongoing { ask_again_on: NaiveDate },
    /// Not carried out, and why.
    NotDone { reason: String },
}

impl WorkResult {
    pub fn as_str(&self) -> &'static str {
        match self {
            WorkResult::Done { .. } => "done",
            WorkResult::Ongoing { .. } => "ongoing",
            WorkResult::NotDone { .. } => "not_done",
        }
    }

    /// Locale key of the result's name.
    pub fn label_key(&self) -> &'static str {
        match self {
            WorkResult::Done { .. } => "result.done",
            WorkResult::Ongoing { .. } => "result.ongoing",
            WorkResult::NotDone { .. } => "result.not_done",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_is_zero_padded() {
        assert_eq!(RegistrationNumber(1).to_string(), "001/ĐK");
        assert_eq!(RegistrationNumber(1234).to_string(), "1234/ĐK");
    }

    #[test]
    fn kinds_and_statuses_round_trip() {
        for k in <WorkKind as strum::VariantArray>::VARIANTS.iter().copied() {
            assert_eq!(k.as_str().parse::<WorkKind>().unwrap(), k);
        }
        for s in [RegistrationStatus::Submitted, RegistrationStatus::Withdrawn] {
            assert_eq!(s.as_str().parse::<RegistrationStatus>().unwrap(), s);
        }
        assert!("xyz".parse::<WorkKind>().is_err());
    }
}

/// One unit's line of the district's summary: its works and their estimated value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitTotal {
    pub unit: String,
    pub works: i64,
    pub total_vnd: u64,
}
