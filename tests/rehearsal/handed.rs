//! What each unit had handed in, and when, as the rehearsal did it: hand-ins and staff's
//! returns, each known to have taken effect between two moments of the bot's clock (the
//! moment it was asked for and the moment it was committed).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

/// One change: from `asked` to `done` the unit's papers became handed in (`true`) or
/// were returned (`false`).
#[derive(Debug, Clone, Copy)]
pub struct Change {
    pub asked: DateTime<Utc>,
    pub done: DateTime<Utc>,
    pub handed_in: bool,
}

/// (deadline, unit) -> its changes in time order.
#[derive(Debug, Default)]
pub struct Handed(HashMap<(usize, usize), Vec<Change>>);

impl Handed {
    pub fn record(&mut self, key: (usize, usize), change: Change) {
        self.0.entry(key).or_default().push(change);
    }

    pub fn changes(&self, key: (usize, usize)) -> &[Change] {
        self.0.get(&key).map_or(&[], Vec::as_slice)
    }

    /// Handed in at `t` for certain (`Some(true)`), missing for certain (`Some(false)`),
    /// or `None` while a change was under way.
    pub fn at(&self, key: (usize, usize), t: DateTime<Utc>) -> Option<bool> {
        match self.changes(key).iter().rev().find(|c| c.asked <= t) {
            None => Some(false),
            Some(c) if t <= c.done => None,
            Some(c) => Some(c.handed_in),
        }
    }

    /// The same state, for certain, all through `lo..=hi`.
    pub fn throughout(
        &self,
        key: (usize, usize),
        lo: DateTime<Utc>,
        hi: DateTime<Utc>,
    ) -> Option<bool> {
        let moving = self
            .changes(key)
            .iter()
            .any(|c| c.asked <= hi && c.done >= lo);
        match moving {
            true => None,
            false => self.at(key, lo),
        }
    }

    /// How many of these units' returns were done (each one's chair told of it).
    pub fn returns(&self) -> impl Iterator<Item = ((usize, usize), &Change)> {
        self.0
            .iter()
            .flat_map(|(k, v)| v.iter().filter(|c| !c.handed_in).map(move |c| (*k, c)))
    }
}
