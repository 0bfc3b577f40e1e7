//! Sending pace: at most `per_second` messages overall on each channel and one a
//! second per chat (Telegram's published limits, kept on Zalo too), and a pause for
//! everyone on that channel when its API says "retry after". Each channel has its own
//! pace: a reminder morning on Zalo does not slow Telegram down, nor the reverse.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::domain::member::{Address, Channel};

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
    paces: HashMap<Channel, Pace>,
    next_per_chat: HashMap<Address, Instant>,
}

/// One channel's overall pace.
#[derive(Clone, Copy)]
struct Pace {
    /// Spacing between two messages; widened a little on every 429, since the
    /// platform's real limit is then evidently lower than ours, and narrowed back by
    /// 1% of the widening with every message (a burst does not slow the bot for good).
    interval: Duration,
    next: Instant,
}

impl Pace {
    fn narrow(&mut self, base: Duration) {
        self.interval -= self.interval.saturating_sub(base) / 100;
    }
}

impl State {
    fn pace(&mut self, channel: Channel, base: Duration) -> &mut Pace {
        self.paces.entry(channel).or_insert(Pace {
            interval: base,
            next: Instant::now(),
        })
    }
}

impl RateLimiter {
    pub fn new(per_second: u32) -> RateLimiter {
        let base = spacing(per_second);
        RateLimiter {
            base,
            state: Mutex::new(State {
                paces: HashMap::new(),
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
            let pace = s.pace(to.channel, self.base);
            pace.narrow(self.base);
            let at = now.max(pace.next).max(chat_ready);
            pace.next = at + pace.interval;
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
    pub async fn acquire_reply(&self, channel: Channel) {
        let at = {
            let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let pace = s.pace(channel, self.base);
            pace.narrow(self.base);
            let at = Instant::now().max(pace.next);
            pace.next = at + pace.interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }

    /// The channel's API asked to slow down: nobody on it is sent anything before
    /// `wait` has passed, and from then on a little slower (5% per 429, at most 4 times
    /// the base spacing).
    pub fn pause(&self, channel: Channel, wait: Duration) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let base = self.base;
        let pace = s.pace(channel, base);
        pace.next = pace.next.max(Instant::now() + wait);
        pace.interval = (pace.interval * 105 / 100).min(base * 4);
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
        l.pause(Channel::Telegram, Duration::ZERO);
        l.pause(Channel::Telegram, Duration::ZERO);
        let start = Instant::now();
        for i in 0..21 {
            l.acquire(&to(&i.to_string())).await;
        }
        // 20 gaps of 50 ms (and the headroom) × 1.05², instead of 1 s, each a little
        // narrower than the one before.
        let took = start.elapsed();
        let (base, mut gap) = (spacing(20), spacing(20).mul_f64(1.05 * 1.05));
        let mut expected = Duration::ZERO;
        for _ in 0..20 {
            gap -= gap.saturating_sub(base) / 100;
            expected += gap;
        }
        assert!(expected > base.mul_f64(20.0 * 1.09), "{expected:?}");
        assert!(
            took >= expected - Duration::from_millis(5)
                && took < expected + Duration::from_millis(5),
            "{took:?} vs {expected:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_of_429s_slows_the_pace_for_a_while_not_for_good() {
        let l = RateLimiter::new(20);
        for _ in 0..30 {
            l.pause(Channel::Telegram, Duration::ZERO);
        }
        let pace = |l: &RateLimiter| {
            let mut s = l.state.lock().unwrap();
            s.pace(Channel::Telegram, l.base).interval
        };
        assert_eq!(pace(&l), spacing(20) * 4);
        for i in 0..600 {
            l.acquire(&to(&i.to_string())).await;
        }
        assert!(pace(&l) < spacing(20).mul_f64(1.01), "{:?}", pace(&l));
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_pauses_everyone_on_that_channel_only() {
        let l = RateLimiter::new(30);
        l.pause(Channel::Telegram, Duration::from_secs(5));
        let start = Instant::now();
        let zalo = Address {
            channel: Channel::Zalo,
            chat_id: "a".into(),
        };
        l.acquire(&zalo).await;
        assert!(start.elapsed() < Duration::from_millis(100));
        l.acquire(&to("a")).await;
        assert!(start.elapsed() >= Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn each_channel_keeps_its_own_overall_rate() {
        let l = RateLimiter::new(30);
        let start = Instant::now();
        for i in 0..30 {
            l.acquire(&to(&i.to_string())).await;
            let zalo = Address {
                channel: Channel::Zalo,
                chat_id: i.to_string(),
            };
            l.acquire(&zalo).await;
        }
        // 60 messages, 30 on each: one second, not two.
        let took = start.elapsed();
        assert!(took < Duration::from_millis(1100), "{took:?}");
    }
}
