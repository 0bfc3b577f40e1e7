//! What a rehearsal will live through, decided from its seed before the bot starts:
//! the calendar's slots, who sits on which channel, and every act with its moment
//! (hand-ins, registrations in the chat, announcements, blocks, kills, Zalo's faults).

use chrono::{DateTime, Duration as Span, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use thidua::domain::dates::format_dmy;
use thidua::domain::reminders::{is_quiet, MORNING};
use thidua::store::deadlines::Deadline;

use crate::talk::{Answer, Later};

/// splitmix64: a few lines, no `rand`, the same numbers on every machine.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn between(&mut self, a: DateTime<Utc>, b: DateTime<Utc>) -> DateTime<Utc> {
        let span = (b - a).num_milliseconds().max(1) as u64;
        a + Span::milliseconds(self.below(span) as i64)
    }

    /// A moment in `a..b` within `hours` of the day (local).
    pub fn daytime(
        &mut self,
        a: DateTime<Utc>,
        b: DateTime<Utc>,
        tz: Tz,
        hours: std::ops::Range<u32>,
    ) -> DateTime<Utc> {
        for _ in 0..100 {
            let t = self.between(a, b);
            let hour = chrono::Timelike::hour(&t.with_timezone(&tz));
            if hours.contains(&hour) {
                return t;
            }
        }
        a
    }
}

/// When a unit hands in one deadline's papers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum When {
    Early,
    Between,
    /// Within one tick of a reminder's time, either side.
    Boundary,
    OnTheDay,
    Late,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Reminder(u32),
    Overdue,
}

/// One moment the calendar calls for messages: a reminder slot or the overdue notices
/// (with the staff digest), at the first minute out of the quiet hours.
#[derive(Debug, Clone)]
pub struct Slot {
    pub deadline: usize,
    pub kind: Kind,
    pub at: DateTime<Utc>,
    /// The scheduler's claim key of the whole slot in `reminders_sent`.
    pub key: String,
}

/// The first instant at or after `t` that is outside the quiet hours (21:00–07:00).
pub fn first_loud(t: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    if !is_quiet(t, tz) {
        return t;
    }
    let local = t.with_timezone(&tz);
    let morning = NaiveTime::from_hms_opt(MORNING, 0, 0).unwrap();
    let day = if local.time() < morning {
        local.date_naive()
    } else {
        local.date_naive().succ_opt().unwrap()
    };
    tz.from_local_datetime(&day.and_time(morning))
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

pub fn slots(deadlines: &[Deadline], tz: Tz) -> Vec<Slot> {
    let mut out = Vec::new();
    for (i, d) in deadlines.iter().enumerate() {
        for (days, t) in d.spec.reminder_slots(tz) {
            out.push(Slot {
                deadline: i,
                kind: Kind::Reminder(days),
                at: first_loud(t, tz),
                key: format!("s:r:{}:{days}:", d.id),
            });
        }
        out.push(Slot {
            deadline: i,
            kind: Kind::Overdue,
            at: first_loud(d.spec.due_at(tz), tz),
            key: format!("s:o:{}:", d.id),
        });
    }
    out.sort_by_key(|s| s.at);
    out
}

/// Whether a chair's message is this slot's, by its words (locales/vi).
pub fn is_for(text: &str, slot: &Slot, d: &Deadline) -> bool {
    match slot.kind {
        Kind::Reminder(days) => {
            let left = if days == 0 {
                "hôm nay là hạn cuối".to_string()
            } else {
                format!("còn {days} ngày")
            };
            text.contains("Nhắc hạn")
                && text.contains(&format!(
                    "cần nộp {} trước ngày {}",
                    d.spec.title,
                    format_dmy(d.spec.due_on)
                ))
                && text.contains(&format!("({left})"))
        }
        Kind::Overdue => text.contains(&format!("Đã quá hạn nộp {}", d.spec.title)),
    }
}

/// Any reminder or overdue notice, of any deadline: what the quiet hours must not see.
pub fn is_calendar(text: &str) -> bool {
    text.contains("Nhắc hạn") || text.contains("Đã quá hạn nộp")
}

pub fn is_digest(text: &str, d: &Deadline) -> bool {
    text.starts_with("📋") && text.contains(&d.spec.title)
}

/// Where a chair talks to the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seat {
    Telegram(i64),
    /// Zalo's id of the person on the fake's bot number `bot` (0: the first).
    Zalo {
        bot: usize,
        id: String,
    },
}

/// The first chair's Telegram chat; unit `u`'s is `FIRST_CHAT + u`.
pub const FIRST_CHAT: i64 = 7_000;
/// Zalo's Basic plan serves 50 people a bot; a few places are kept for staff and
/// newcomers.
const ON_A_BOT: usize = 45;

/// How many Zalo bots `units` chairs need: two at least (the district's two), and
/// as many more as 45 chairs a bot make.
pub fn zalo_bots(units: usize) -> usize {
    let on_zalo = (0..units).filter(|u| u % 5 >= 2).count();
    on_zalo.div_ceil(ON_A_BOT).max(2)
}

/// Most chairs are on Zalo: two in five on Telegram, three spread in turn over the
/// Zalo bots.
pub fn seat_of(u: usize, units: usize) -> Seat {
    if u % 5 < 2 {
        return Seat::Telegram(FIRST_CHAT + u as i64);
    }
    let on_zalo = (0..units).filter(|u| u % 5 >= 2).count();
    let per_bot = on_zalo.div_ceil(zalo_bots(units));
    let nth = (u / 5) * 3 + (u % 5 - 2);
    Seat::Zalo {
        bot: nth / per_bot,
        id: format!("zc{u:04}"),
    }
}

/// A federation's staff member (on Telegram) and the units below it.
#[derive(Debug, Clone)]
pub struct Staff {
    pub chat: i64,
    pub units: Vec<usize>,
}

/// Unit `u`'s district: units are dealt to the districts in turn.
pub fn district_of(u: usize, districts: usize) -> usize {
    u % districts
}

/// One staff member for each district (chats 6999, 6998, …) and, over several
/// districts, one for the province (chat 6990).
pub fn staff(units: usize, districts: usize) -> Vec<Staff> {
    let mut all: Vec<Staff> = (0..districts)
        .map(|d| Staff {
            chat: 6_999 - d as i64,
            units: (0..units)
                .filter(|u| district_of(*u, districts) == d)
                .collect(),
        })
        .collect();
    if districts > 1 {
        all.push(Staff {
            chat: 6_990,
            units: (0..units).collect(),
        });
    }
    all
}

/// Something that happens at a rehearsal moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    /// The unit hands in the deadline's papers (straight into the database).
    HandIn { deadline: usize, unit: usize },
    /// Staff return the unit's papers for that deadline (`thidua submission return`).
    Return { deadline: usize, unit: usize },
    /// The chair registers a work through the chat's quick form.
    Register { unit: usize },
    /// Days later, the chair changes the work's value or withdraws it ("/cuatoi").
    Change { unit: usize, later: Later },
    /// After the work's end date, the chair answers the bot's result question.
    Report { unit: usize, answer: Answer },
    /// The operator announces, to everyone or to those missing something.
    Announce { n: usize, audience: &'static str },
    /// The chair blocks the bot (Telegram).
    Block { unit: usize },
    /// kill -9 of the instance with this number, started again at once.
    Kill(usize),
    /// Zalo answers 403 to one send in three, or stops doing so.
    Zalo403(bool),
    /// Telegram answers 429 past this many messages a second (`None`: its usual ~30,
    /// which the bot keeps to by itself).
    TelegramLimit(Option<u32>),
    /// Zalo's calendar month turns (its counts start again).
    NewMonth,
}

pub fn month_turns(from: DateTime<Utc>, to: DateTime<Utc>, tz: Tz) -> Vec<DateTime<Utc>> {
    use chrono::Datelike;
    let mut out = Vec::new();
    let mut t = from.with_timezone(&tz).date_naive().with_day(1).unwrap();
    loop {
        t = t.checked_add_months(chrono::Months::new(1)).unwrap();
        let at = tz
            .from_local_datetime(&t.and_hms_opt(0, 0, 0).unwrap())
            .single()
            .unwrap()
            .with_timezone(&Utc);
        if at >= to {
            return out;
        }
        out.push(at);
    }
}

/// The whole rehearsal's acts, in time order, and how the hand-ins were drawn.
pub struct Script {
    pub acts: Vec<(DateTime<Utc>, Act)>,
    pub chosen: std::collections::BTreeMap<When, usize>,
}

pub struct Frame<'a> {
    pub deadlines: &'a [Deadline],
    pub slots: &'a [Slot],
    pub tz: Tz,
    pub start: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// One scheduler tick in rehearsal time.
    pub tol: Span,
    pub units: usize,
    pub kills: usize,
    pub instances: usize,
}

impl Frame<'_> {
    pub fn script(&self, rng: &mut Rng) -> Script {
        let mut acts = Vec::new();
        let mut chosen = std::collections::BTreeMap::new();
        self.hand_ins(rng, &mut acts, &mut chosen);
        self.people(rng, &mut acts);
        self.faults(rng, &mut acts);
        acts.sort_by_key(|(t, _)| *t);
        Script { acts, chosen }
    }

    fn hand_ins(
        &self,
        rng: &mut Rng,
        acts: &mut Vec<(DateTime<Utc>, Act)>,
        chosen: &mut std::collections::BTreeMap<When, usize>,
    ) {
        let tol = self.tol;
        for (di, d) in self.deadlines.iter().enumerate() {
            let mine: Vec<&Slot> = self.slots.iter().filter(|s| s.deadline == di).collect();
            let reminders: Vec<&&Slot> = mine
                .iter()
                .filter(|s| matches!(s.kind, Kind::Reminder(_)))
                .collect();
            let first = reminders.first().unwrap().at;
            let last = reminders.last().unwrap().at;
            let due = d.spec.due_at(self.tz);
            let overdue = mine.last().unwrap().at;
            for unit in 0..self.units {
                let when = match rng.below(100) {
                    0..15 => When::Early,
                    15..45 => When::Between,
                    45..55 => When::Boundary,
                    55..70 => When::OnTheDay,
                    70..85 => When::Late,
                    _ => When::Never,
                };
                *chosen.entry(when).or_default() += 1;
                let t = match when {
                    When::Early => rng.between(first - Span::days(3), first - tol * 2),
                    When::Between => rng.between(first, last),
                    When::Boundary => {
                        let s = reminders[rng.below(reminders.len() as u64) as usize];
                        rng.between(s.at - tol, s.at + tol)
                    }
                    When::OnTheDay => rng.between(last, due),
                    When::Late => rng.between(due, overdue + Span::hours(2)),
                    When::Never => continue,
                };
                acts.push((t, Act::HandIn { deadline: di, unit }));
                self.returns(rng, acts, t, di, unit);
            }
        }
    }

    /// One hand-in in eight is returned by staff within two days (daytime); seven in ten
    /// of those are handed in again within two days more.
    fn returns(
        &self,
        rng: &mut Rng,
        acts: &mut Vec<(DateTime<Utc>, Act)>,
        handed: DateTime<Utc>,
        deadline: usize,
        unit: usize,
    ) {
        if rng.below(8) != 0 {
            return;
        }
        let back = rng.daytime(
            handed + Span::hours(2),
            handed + Span::days(2),
            self.tz,
            8..17,
        );
        if back >= self.until {
            return;
        }
        acts.push((back, Act::Return { deadline, unit }));
        if rng.below(10) < 7 {
            let again = rng.daytime(back + Span::hours(1), back + Span::days(2), self.tz, 8..20);
            acts.push((again, Act::HandIn { deadline, unit }));
        }
    }

    /// Chairs register in the chat (on the first Zalo bot only once its month has
    /// room again), two on Telegram block the bot, and the operator announces twice:
    /// to everyone before the month turns, to those missing the report after.
    fn people(&self, rng: &mut Rng, acts: &mut Vec<(DateTime<Utc>, Act)>) {
        let (a, b) = (self.start + Span::hours(12), self.until - Span::hours(18));
        let turn = month_turns(self.start, self.until, self.tz)
            .first()
            .copied();
        let mut blocks = 0;
        // Some 27 registrations whatever the size: 45 in 100 chairs of a district, fewer
        // of a province's (Telegram's one message a second to a staff chat, with the
        // clock 1 000× faster, would not carry 270 in these days).
        let share = (45 * 60 / self.units.max(60)) as u64;
        for unit in 0..self.units {
            let seat = seat_of(unit, self.units);
            let roll = rng.below(100);
            if roll < share {
                let from = match (&seat, turn) {
                    (Seat::Zalo { bot: 0, .. }, Some(t)) => t + Span::hours(8),
                    _ => a,
                };
                if from < b {
                    let at = rng.daytime(from, b, self.tz, 8..17);
                    acts.push((at, Act::Register { unit }));
                    // One in five changes its value hours or days later, one in eight
                    // withdraws it.
                    let later = match rng.below(40) {
                        0..8 => Some(Later::Edit),
                        8..13 => Some(Later::Withdraw),
                        _ => None,
                    };
                    let (c, d) = (at + Span::hours(4), at + Span::days(3));
                    if let Some(later) = later.filter(|_| c < self.until - Span::hours(12)) {
                        let t = rng.daytime(c, d.min(self.until - Span::hours(12)), self.tz, 8..17);
                        acts.push((t, Act::Change { unit, later }));
                    }
                    // Once the works have ended (30/6; the bot asks on 1/7 at 08:00),
                    // half the chairs report it done, a quarter still going, the rest
                    // say nothing.
                    let answer = match rng.below(4) {
                        0 | 1 => Some(Answer::Done),
                        2 => Some(Answer::Ongoing),
                        _ => None,
                    };
                    let asked = crate::run::at("2025-07-01T09:00:00+07:00");
                    let last = (asked + Span::days(3)).min(self.until - Span::hours(12));
                    let withdraws = later == Some(Later::Withdraw);
                    if let Some(answer) =
                        answer.filter(|_| at < asked && asked < last && !withdraws)
                    {
                        let t = rng.daytime(asked, last, self.tz, 9..17);
                        acts.push((t, Act::Report { unit, answer }));
                    }
                }
            } else if roll >= 90 && blocks < 2 && matches!(seat, Seat::Telegram(_)) {
                blocks += 1;
                let t = rng.between(self.start + Span::days(1), self.until - Span::days(1));
                acts.push((t, Act::Block { unit }));
            }
        }
        let before = turn.unwrap_or(self.until) - Span::hours(12);
        if a < before {
            let audience = "all";
            let t = rng.daytime(a, before, self.tz, 8..12);
            acts.push((t, Act::Announce { n: 1, audience }));
            // A 429 burst while the announcement goes out.
            acts.push((t, Act::TelegramLimit(Some(2))));
            acts.push((t + Span::hours(3), Act::TelegramLimit(None)));
        }
        let after = turn.map_or(a, |t| t + Span::hours(8));
        if after < b {
            let audience = "missing-report";
            acts.push((
                rng.daytime(after, b, self.tz, 8..12),
                Act::Announce { n: 2, audience },
            ));
        }
        for t in month_turns(self.start, self.until, self.tz) {
            acts.push((t, Act::NewMonth));
        }
    }

    /// kill -9 (the first near a reminder's 08:00) and one Zalo 403 storm over a
    /// reminder slot.
    fn faults(&self, rng: &mut Rng, acts: &mut Vec<(DateTime<Utc>, Act)>) {
        let tol = self.tol;
        let mornings: Vec<DateTime<Utc>> = self
            .slots
            .iter()
            .filter(|s| {
                matches!(s.kind, Kind::Reminder(_)) && s.at > self.start && s.at < self.until
            })
            .map(|s| s.at)
            .collect();
        for i in 0..self.kills {
            let t = if i == 0 && !mornings.is_empty() {
                let m = mornings[rng.below(mornings.len() as u64) as usize];
                rng.between(m - tol, m + tol * 3)
            } else {
                rng.between(self.start + Span::hours(1), self.until - Span::hours(1))
            };
            let instance = match self.instances {
                1 => 0,
                n => rng.below(n as u64) as usize,
            };
            acts.push((t, Act::Kill(instance)));
        }
        if let Some(m) = mornings.get(rng.below(mornings.len() as u64) as usize) {
            acts.push((*m - tol * 2, Act::Zalo403(true)));
            acts.push((*m + Span::hours(6), Act::Zalo403(false)));
        }
    }
}
