use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub plan_ref: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub timezone: String,
    pub paper: crate::domain::campaign_file::PaperSpec,
    pub awards: Vec<crate::domain::awards::AwardCriterion>,
    /// Asked after the paper form's items.
    pub questions: Vec<crate::domain::questions::Question>,
}

impl Campaign {
    /// Dates typed without a year ("15/1") belong to the year the campaign is judged in.
    pub fn default_year(&self) -> i32 {
        self.ends_on.year()
    }

    /// The campaign's time zone; Vietnam's when the stored name is unknown.
    pub fn tz(&self) -> Tz {
        self.timezone
            .parse()
            .unwrap_or(chrono_tz::Asia::Ho_Chi_Minh)
    }
}
