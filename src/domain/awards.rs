//! Award criteria from the plan (section III.2.2): thresholds a registered work's value
//! can reach, kept in the campaign file as data. The bot only hints ("đạt mức xét …");
//! the federation decides.

use serde::{Deserialize, Serialize};

use super::money::Vnd;

/// Who a criterion is about. Only works are registered through the bot; the others are
/// kept so the campaign file can copy the plan whole, and listed for staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardSubject {
    /// A CĐCS's registered work (công trình, sản phẩm, mô hình, chương trình).
    Work,
    /// An agency or enterprise supporting the union's activities.
    Supporter,
    /// An individual donor.
    Donor,
}

/// Which value of a work the threshold applies to: a money field of the registration
/// form, by its key.
pub const AWARD_FIELDS: [&str; 1] = ["estimated_value"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwardCriterion {
    pub key: String,
    pub subject: AwardSubject,
    /// One of `AWARD_FIELDS`.
    pub field: String,
    pub min: Vnd,
    pub max: Option<Vnd>,
    /// "Bằng khen của BCH LĐLĐ tỉnh".
    pub award: String,
    /// "mục III.2.2.1".
    pub plan_ref: String,
}

impl AwardCriterion {
    /// Whether a work whose `field` holds `value` reaches this criterion.
    pub fn reached_by(&self, field: &str, value: Vnd) -> bool {
        self.subject == AwardSubject::Work
            && self.field == field
            && value >= self.min
            && self.max.is_none_or(|max| value <= max)
    }
}

/// The criteria a work reaches with `value` in `field`, in the file's order.
pub fn reached<'a>(
    criteria: &'a [AwardCriterion],
    field: &str,
    value: Vnd,
) -> Vec<&'a AwardCriterion> {
    criteria
        .iter()
        .filter(|c| c.reached_by(field, value))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criterion(min: u64, max: Option<u64>) -> AwardCriterion {
        AwardCriterion {
            key: "tinh".into(),
            subject: AwardSubject::Work,
            field: "estimated_value".into(),
            min: Vnd::from_dong(min).unwrap(),
            max: max.map(|m| Vnd::from_dong(m).unwrap()),
            award: "Bằng khen của BCH LĐLĐ tỉnh".into(),
            plan_ref: "mục III.2.2.1".into(),
        }
    }

    #[test]
    fn a_work_reaches_a_threshold_from_its_minimum() {
        let all = [criterion(200_000_000, None)];
        let v = |d| Vnd::from_dong(d).unwrap();
        assert_eq!(reached(&all, "estimated_value", v(250_000_000)).len(), 1);
        assert_eq!(reached(&all, "estimated_value", v(200_000_000)).len(), 1);
        assert!(reached(&all, "estimated_value", v(50_000_000)).is_empty());
        assert!(reached(&all, "other", v(250_000_000)).is_empty());
        let capped = [criterion(200_000_000, Some(300_000_000))];
        assert!(reached(&capped, "estimated_value", v(300_000_001)).is_empty());
    }

    #[test]
    fn supporters_and_donors_are_not_works() {
        let mut c = criterion(100_000_000, None);
        c.subject = AwardSubject::Donor;
        assert!(!c.reached_by("estimated_value", Vnd::from_dong(500_000_000).unwrap()));
    }
}
