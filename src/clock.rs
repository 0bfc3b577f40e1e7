//! What time it is. Real time by default; `thidua run --now T` starts the clock at T
//! and lets it run on, to rehearse a campaign's calendar; `--speed K` runs it K times
//! faster, and every timer that waits for the calendar waits `real(d)`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// The fastest a rehearsal may run: seven months in about half an hour.
pub const MAX_SPEED: u32 = 10_000;

#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// A rehearsal's start and speed; none for the real clock.
    rehearsal: Option<Arc<Rehearsal>>,
}

#[derive(Debug)]
struct Rehearsal {
    /// What the clock read when it was made…
    start: DateTime<Utc>,
    /// …at this real instant…
    began: DateTime<Utc>,
    /// …and how many seconds pass for each real one since.
    speed: u32,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that reads `start` now and advances in real time from here.
    pub fn starting_at(start: DateTime<Utc>) -> Clock {
        Clock::rehearsing(start, 1)
    }

    /// A clock that reads `start` now and then runs `speed` times faster than real
    /// time (`run --now T --speed K`): a campaign's months rehearsed in minutes.
    pub fn rehearsing(start: DateTime<Utc>, speed: u32) -> Clock {
        Clock::rehearsing_since(start, speed, Utc::now())
    }

    /// The rehearsal clock that read `start` at the real instant `began` (`run --now T
    /// --speed K --since R`): processes given the same three share one clock, so
    /// several instances rehearse one campaign together, and one restarted after a
    /// crash finds the time gone on while it was down.
    pub fn rehearsing_since(start: DateTime<Utc>, speed: u32, began: DateTime<Utc>) -> Clock {
        Clock {
            rehearsal: Some(Arc::new(Rehearsal {
                start,
                began,
                speed: speed.clamp(1, MAX_SPEED),
            })),
        }
    }

    /// Started at a given time (`run --now`), not the real clock.
    pub fn is_rehearsal(&self) -> bool {
        self.rehearsal.is_some()
    }

    /// How many times faster than real time it runs (1 for the real clock).
    pub fn speed(&self) -> u32 {
        self.rehearsal.as_ref().map_or(1, |r| r.speed)
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.rehearsal {
            Some(r) => r.start + (Utc::now() - r.began) * r.speed as i32,
            None => Utc::now(),
        }
    }

    /// How far this clock moves while `real` passes in real time.
    pub fn after_real(&self, real: Duration) -> chrono::Duration {
        chrono::Duration::from_std(real).unwrap_or(chrono::Duration::MAX) * self.speed() as i32
    }

    /// The real wait that lets `d` pass on this clock (never under 50 ms: a timer
    /// faster than that only spins).
    pub fn real(&self, d: Duration) -> Duration {
        (d / self.speed()).max(Duration::from_millis(50).min(d))
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

    #[test]
    fn a_rehearsal_runs_faster_and_its_timers_shorter() {
        let start = DateTime::parse_from_rfc3339("2025-01-01T00:00:00+07:00")
            .unwrap()
            .with_timezone(&Utc);
        let c = Clock::rehearsing(start, 3_600);
        std::thread::sleep(Duration::from_millis(100));
        // 0.1 s real is 6 minutes rehearsed (and a little more for the test's own pace).
        let passed = c.now() - start;
        assert!(passed >= chrono::Duration::minutes(6), "{passed}");
        assert!(passed < chrono::Duration::minutes(60), "{passed}");
        assert_eq!(c.real(Duration::from_secs(3_600)), Duration::from_secs(1));
        assert_eq!(c.real(Duration::from_secs(5)), Duration::from_millis(50));
        assert_eq!(
            Clock::system().real(Duration::from_secs(5)),
            Duration::from_secs(5)
        );
        assert_eq!(Clock::rehearsing(start, 1_000_000).speed(), MAX_SPEED);
    }
}
