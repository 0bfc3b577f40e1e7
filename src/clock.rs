//! What time it is. Real time by default; `thidua run --now T` starts the clock at T
//! and lets it run on, to rehearse a campaign's calendar.

use std::sync::Arc;

use chrono::{DateTime, Utc};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Offset added to the system time; none for the real clock.
    offset: Option<Arc<chrono::Duration>>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that reads `start` now and advances in real time from here.
    pub fn starting_at(start: DateTime<Utc>) -> Clock {
        Clock {
            offset: Some(Arc::new(start - Utc::now())),
        }
    }

    /// Started at a given time (`run --now`), not the real clock.
    pub fn is_rehearsal(&self) -> bool {
        self.offset.is_some()
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.offset {
            Some(d) => Utc::now() + **d,
            None => Utc::now(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_started_clock_reads_its_start_and_runs_on() {
        let start = DateTime::parse_from_rfc3339("2025-04-28T07:59:50+07:00")
            .unwrap()
            .with_timezone(&Utc);
        let c = Clock::starting_at(start);
        let a = c.now();
        assert!((a - start).num_milliseconds().abs() < 1000, "{a}");
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(c.now() > a);
        assert!((Clock::system().now() - Utc::now()).num_seconds().abs() < 2);
    }
}
