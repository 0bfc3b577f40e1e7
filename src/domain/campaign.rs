use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub plan_ref: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub timezone: String,
}

impl Campaign {
    /// Dates typed without a year ("15/1") belong to the year the campaign is judged in.
    pub fn default_year(&self) -> i32 {
        self.ends_on.year()
    }
}

/// The campaign of the seed plan, created on first start until campaign files exist.
pub struct NewCampaign {
    pub code: &'static str,
    pub title: &'static str,
    pub plan_ref: &'static str,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub timezone: &'static str,
}

pub fn seed_campaign() -> NewCampaign {
    NewCampaign {
        code: "vinh-thuan-2025",
        title: "Phong trào thi đua lập thành tích chào mừng Đại hội Đảng bộ các cấp, nhiệm kỳ 2025 - 2030",
        plan_ref: "Kế hoạch số 76/KH-LĐLĐ ngày 20/11/2024",
        starts_on: NaiveDate::from_ymd_opt(2024, 11, 20).expect("valid date"),
        ends_on: NaiveDate::from_ymd_opt(2025, 7, 31).expect("valid date"),
        timezone: "Asia/Ho_Chi_Minh",
    }
}
