//! When a deadline's reminders, overdue notice and staff digest fall due. Pure rules;
//! the scheduler asks them at every tick, the database remembers what was sent.

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;

use super::campaign_file::DeadlineSpec;

/// The local hour the quiet night ends.
pub const MORNING: u32 = 7;

/// Nobody is woken up: 21:00–07:00 local waits for the morning.
pub fn is_quiet(now: DateTime<Utc>, tz: Tz) -> bool {
    let hour = now.with_timezone(&tz).hour();
    !(MORNING..21).contains(&hour)
}

/// Overdue notices and digests are for the days right after a deadline, not for a
/// bot started months later.
pub const OVERDUE_WINDOW_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// The reminder `days_before` the due date is the latest whose time has come.
    Reminder { days_before: u32 },
    /// The deadline has passed.
    Overdue,
}

/// What this deadline calls for at `now`. Only the latest reminder slot counts: after
/// downtime a chair gets one late reminder, not every one that was missed; and none
/// when the next reminder comes later the same day (it would say the same thing twice
/// within hours).
pub fn due_at(spec: &DeadlineSpec, tz: Tz, now: DateTime<Utc>) -> Option<Due> {
    let due = spec.due_at(tz);
    if now >= due {
        return (now < due + Duration::days(OVERDUE_WINDOW_DAYS)).then_some(Due::Overdue);
    }
    let slots = spec.reminder_slots(tz);
    let today = now.with_timezone(&tz).date_naive();
    let next_today = slots
        .iter()
        .any(|(_, at)| *at > now && at.with_timezone(&tz).date_naive() == today);
    if next_today {
        return None;
    }
    slots
        .into_iter()
        .rfind(|(_, at)| *at <= now)
        .map(|(days_before, _)| Due::Reminder { days_before })
}

/// Whole days from `now` to the due date, in local dates (0 on the day itself).
pub fn days_left(spec: &DeadlineSpec, tz: Tz, now: DateTime<Utc>) -> i64 {
    (spec.due_on - now.with_timezone(&tz).date_naive()).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::campaign_file::parse;

    fn report() -> (DeadlineSpec, Tz) {
        let file = parse(include_str!("../../examples/campaign-vinh-thuan-2025.toml")).unwrap();
        (file.deadlines[0].clone(), file.timezone)
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn reminders_come_at_eight_local_and_the_latest_wins() {
        let (d, tz) = report();
        assert_eq!(due_at(&d, tz, at("2025-04-28T07:59:59+07:00")), None);
        assert_eq!(
            due_at(&d, tz, at("2025-04-28T08:00:00+07:00")),
            Some(Due::Reminder { days_before: 7 })
        );
        assert_eq!(
            due_at(&d, tz, at("2025-05-03T10:00:00+07:00")),
            Some(Due::Reminder { days_before: 3 })
        );
        // Down from 27/4 to 5/5 at noon: only the reminder of the day is due.
        assert_eq!(
            due_at(&d, tz, at("2025-05-05T12:00:00+07:00")),
            Some(Due::Reminder { days_before: 0 })
        );
    }

    #[test]
    fn a_late_reminder_waits_for_the_one_due_later_that_day() {
        let (d, tz) = report();
        // Down over 2/5's reminder, back at 07:00 on 4/5: 4/5's own comes at 08:00.
        assert_eq!(due_at(&d, tz, at("2025-05-04T07:00:00+07:00")), None);
        assert_eq!(
            due_at(&d, tz, at("2025-05-04T08:00:00+07:00")),
            Some(Due::Reminder { days_before: 1 })
        );
    }

    #[test]
    fn after_the_due_minute_it_is_overdue_for_a_week() {
        let (d, tz) = report();
        assert_eq!(
            due_at(&d, tz, at("2025-05-05T23:58:59+07:00")),
            Some(Due::Reminder { days_before: 0 })
        );
        assert_eq!(
            due_at(&d, tz, at("2025-05-05T23:59:00+07:00")),
            Some(Due::Overdue)
        );
        assert_eq!(
            due_at(&d, tz, at("2025-05-12T23:58:00+07:00")),
            Some(Due::Overdue)
        );
        assert_eq!(due_at(&d, tz, at("2025-05-12T23:59:00+07:00")), None);
    }

    #[test]
    fn nights_are_quiet_in_vietnam_time() {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        assert!(is_quiet(at("2025-05-05T06:59:00+07:00"), tz));
        assert!(!is_quiet(at("2025-05-05T07:00:00+07:00"), tz));
        assert!(!is_quiet(at("2025-05-05T20:59:00+07:00"), tz));
        assert!(is_quiet(at("2025-05-05T21:00:00+07:00"), tz));
        // 13:00 UTC is 20:00 in Vietnam: not quiet, whatever the server's zone.
        assert!(!is_quiet(at("2025-05-05T13:00:00Z"), tz));
    }

    #[test]
    fn days_left_counts_local_dates() {
        let (d, tz) = report();
        assert_eq!(days_left(&d, tz, at("2025-04-28T08:00:00+07:00")), 7);
        assert_eq!(days_left(&d, tz, at("2025-05-04T23:30:00+07:00")), 1);
        assert_eq!(days_left(&d, tz, at("2025-05-04T17:30:00Z")), 0);
    }
}
