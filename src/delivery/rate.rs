//! Sending pace: at most `per_second` messages overall and one a second per chat
//! (Telegram's published limits), and a pause for everyone when the API says
//! "retry after".

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::domain::member::Address;

const PER_CHAT: Duration = Duration::from_secs(1);

/// The pace aimed at, as a share of the configured rate. Sends leave a little late or
/// early (timers, the database, the network), and a server counting fixed one-second
/// windows then sees 31 in one of them: a 429 costs a second and widens the spacing.
/// Two percent under the limit absorbs that jitter.
pub const HEADROOM: f64 = 0.98;

/// The spacing between two messages at `per_second` with the headroom.
pub fn spacing(per_second: u32) -> Duration {
    Duration::from_secs_f64(1.0 / (f64::from(per_second.max(1)) * HEADROOM))
}

pub struct RateLimiter {
    base: Duration,
    state: Mutex<State>,
}

struct State {
    /// Spacing between two messages overall; widened a little on every 429, since
    /// the platform's real limit is then evidently lower than ours.
    interval: Duration,
    next_global: Instant,
    next_per_chat: HashMap<Address, Instant>,
}

impl RateLimiter {
    pub fn new(per_second: u32) -> RateLimiter {
        let base = spacing(per_second);
        RateLimiter {
            base,
            state: Mutex::new(State {
                interval: base,
                next_global: Instant::now(),
                next_per_chat: HashMap::new(),
            }),
        }
    }

    /// Waits for this message's turn and books the slot it takes.
    pub async fn acquire(&self, to: &Address) {
        let at = {
            let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let chat_ready = s.next_per_chat.get(to).copied().unwrap_or(now);
            let at = now.max(s.next_global).max(chat_ready);
            s.next_global = at + s.interval;
            if s.next_per_chat.len() > 50_000 {
                s.next_per_chat.retain(|_, t| *t > now);
            }
            s.next_per_chat.insert(to.clone(), at + PER_CHAT);
            at
        };
        tokio::time::sleep_until(at).await;
    }

    /// A direct reply's slot: the next one overall, without the per-chat spacing
    /// (someone filling the form gets each answer at once). Booked on arrival, so it
    /// goes before the outbox's next message, which is booked only when it is due.
    pub async fn acquire_reply(&self) {
        let at = {
            let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let at = Instant::now().max(s.next_global);
            s.next_global = at + s.interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }

    /// The API asked to slow down: nobody is sent anything before `wait` has passed,
    /// and from then on a little slower (5% per 429, at most 4 times the base spacing).
    pub fn pause(&self, wait: Duration) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.next_global = s.next_global.max(Instant::now() + wait);
        s.interval = (s.interval * 105 / 100).min(self.base * 4);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::member::Channel;

    fn to(id: &str) -> Address {
        Address {
            channel: Channel::Telegram,
            chat_id: id.into(),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn overall_rate_is_kept() {
        let l = RateLimiter::new(30);
        let start = Instant::now();
        for i in 0..61 {
            l.acquire(&to(&i.to_string())).await;
        }
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(1990) && took < Duration::from_millis(2100),
            "{took:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn one_chat_gets_one_message_a_second() {
        let l = RateLimiter::new(30);
        let start = Instant::now();
        for _ in 0..3 {
            l.acquire(&to("same")).await;
        }
        assert!(
            start.elapsed() >= Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn each_429_slows_the_pace_a_little() {
        let l = RateLimiter::new(20);
        l.pause(Duration::ZERO);
        l.pause(Duration::ZERO);
        let start = Instant::now();
        for i in 0..21 {
            l.acquire(&to(&i.to_string())).await;
        }
        // 20 gaps of 50 ms (and the headroom) × 1.05², instead of 1 s.
        let took = start.elapsed();
        let expected = spacing(20).mul_f64(20.0 * 1.05 * 1.05);
        assert!(
            took >= expected - Duration::from_millis(5)
                && took < expected + Duration::from_millis(5),
            "{took:?} vs {expected:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_pauses_everyone() {
        let l = RateLimiter::new(30);
        l.pause(Duration::from_secs(5));
        let start = Instant::now();
        l.acquire(&to("a")).await;
        assert!(start.elapsed() >= Duration::from_secs(5));
    }
}
