//! The invariants a rehearsal must keep, read from what the fakes received and what
//! the database holds at the end, never from what the bot says of itself; and what the
//! run cost.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use chrono::{DateTime, Utc};
use thidua::domain::reminders::is_quiet;

use crate::plan::FIRST_CHAT;
use crate::plan::{self, is_calendar, is_digest, is_for, Kind, Seat};
use crate::run::{stored_chat, Outcome, Stored, SPENT_BEFORE};
use crate::talk::{Answer, Later, ACTUAL_VALUE, EDITED_VALUE};

/// What a chair received: text and real arrival, on the chair's own channel.
fn received(o: &Outcome, seat: &Seat) -> Vec<(String, Instant)> {
    match seat {
        Seat::Telegram(chat) => o
            .telegram
            .iter()
            .filter(|s| s.chat_id == *chat)
            .map(|s| (s.text.clone(), s.at))
            .collect(),
        Seat::Zalo { bot, id } => o.zalo[*bot]
            .iter()
            .filter(|s| &s.chat_id == id)
            .map(|s| (s.text.clone(), s.at))
            .collect(),
    }
}

/// Rows of the outbox to `chat` in `status` whose text passes `f`.
fn rows(o: &Outcome, chat: &str, status: &str, f: impl Fn(&str) -> bool) -> usize {
    o.outbox
        .iter()
        .filter(|r| r.chat == chat && r.status == status && f(&r.body))
        .count()
}

struct Checked {
    pub failures: Vec<String>,
    pub notes: Vec<String>,
}

fn check(o: &Outcome) -> Checked {
    let mut c = Checked {
        failures: Vec::new(),
        notes: Vec::new(),
    };
    calendar(o, &mut c);
    quiet_hours(o, &mut c);
    staff(o, &mut c);
    registrations(o, &mut c);
    changes(o, &mut c);
    results(o, &mut c);
    result_questions(o, &mut c);
    announcements(o, &mut c);
    returns(o, &mut c);
    blocks(o, &mut c);
    end_state(o, &mut c);
    c
}

/// Every slot swept once and in time; every chair missing that submission told once,
/// nobody who had handed in told, the digest once with its counts.
fn calendar(o: &Outcome, c: &mut Checked) {
    let tol = o.tol;
    let mut lapsed = 0;
    let mut uncertain = 0;
    let mut boundary = 0;
    let mut handed_meanwhile = 0;
    for slot in o.slots.iter().filter(|s| s.at < o.until) {
        let d = &o.deadlines[slot.deadline];
        let name = format!(
            "{} {:?} at {}",
            d.spec.key,
            slot.kind,
            slot.at.with_timezone(&o.tz)
        );
        let Some(&sweep) = o.swept.get(&slot.key) else {
            if slot.at >= o.start {
                c.failures.push(format!("{name}: never swept"));
            }
            continue;
        };
        if sweep < slot.at {
            c.failures.push(format!("{name}: swept early, at {sweep}"));
        }
        // The scheduler follows the fast clock: its first look after the slot's time
        // comes within a tick (some ticks more under a loaded machine), unless a
        // restart came in between (a new process starts its clock, then looks).
        let restarted = o
            .restarts
            .iter()
            .any(|r| *r >= slot.at - tol && *r <= sweep);
        if sweep > slot.at + tol * 6 && !restarted {
            c.failures.push(format!(
                "{name}: swept {} s late with no restart in between",
                (sweep - slot.at).num_seconds()
            ));
        }
        let lo = slot.at - tol;
        let hi = sweep.max(slot.at) + tol;
        for u in 0..o.units {
            let seat = plan::seat_of(u, o.units);
            let chat = stored_chat(&seat);
            let arrived: Vec<DateTime<Utc>> = received(o, &seat)
                .iter()
                .filter(|(t, _)| is_for(t, slot, d))
                .map(|(_, i)| o.timeline.rehearsal(*i))
                .collect();
            let got = arrived.len();
            let key = (slot.deadline, u);
            let changes: Vec<String> = o
                .handed
                .changes(key)
                .iter()
                .map(|c| {
                    let what = if c.handed_in { "in" } else { "returned" };
                    format!(
                        "{what} {}",
                        c.asked.with_timezone(&o.tz).format("%d/%m %H:%M")
                    )
                })
                .collect();
            let what = format!("{name}: chair {chat} (unit {u}, {changes:?}) got {got}");
            // A reminder is for its day: one that comes later counts days that are
            // gone, or reaches a unit that has handed in since.
            for t in &arrived {
                let stale = *t > sweep.max(slot.at) + chrono::Duration::hours(13);
                let after = o.handed.at(key, *t - tol) == Some(true);
                if stale || after {
                    c.failures.push(format!(
                        "{what}: it arrived at {}, {}",
                        t.with_timezone(&o.tz),
                        if stale {
                            "days late"
                        } else {
                            "after the unit had handed in"
                        }
                    ));
                }
            }
            if got > 1 {
                c.failures.push(format!("{what}: a duplicate"));
            }
            let blocked_by = o.blocked.get(&u).is_some_and(|(t, _)| *t <= hi);
            // Handed in all through the slot's window: never told; handed in or
            // returned within it: either; missing all through it: told once.
            match o.handed.throughout(key, lo, hi) {
                Some(true) => {
                    if got != 0 {
                        c.failures.push(format!("{what}: told though handed in"));
                    }
                }
                None => boundary += 1,
                _ if blocked_by => {}
                _ if got == 1 => {}
                _ if rows(o, &chat, "uncertain", |b| is_for(b, slot, d)) > 0 => uncertain += 1,
                // Queued while the unit was missing, it waited (the sending pace is real
                // seconds, hours on this clock) and the unit handed in meanwhile.
                _ if o
                    .handed
                    .changes(key)
                    .iter()
                    .any(|c| c.handed_in && c.done > lo)
                    && o.outbox.iter().any(|r| {
                        r.chat == chat
                            && r.status == "lapsed"
                            && r.error.as_deref().is_some_and(|e| e.contains("handed in"))
                            && is_for(&r.body, slot, d)
                    }) =>
                {
                    handed_meanwhile += 1
                }
                // Held by a spent Zalo month, a reminder lapses rather than arrive at
                // the turn counting days that are gone.
                _ if matches!(slot.kind, Kind::Reminder(_))
                    && o.outbox.iter().any(|r| {
                        r.chat == chat
                            && r.status == "lapsed"
                            && r.purpose == "reminder"
                            && is_for(&r.body, slot, d)
                    }) =>
                {
                    lapsed += 1
                }
                _ => c
                    .failures
                    .push(format!("{what}: should have been told once")),
            }
        }
        if slot.kind == Kind::Overdue {
            digest(o, c, slot, &name, lo, hi);
        }
    }
    c.notes.push(format!(
        "{boundary} hand-ins within a tick of a slot (either way), {handed_meanwhile} lapsed at sending (handed in meanwhile), {uncertain} messages lost to a kill while sending (outbox 'uncertain'), {lapsed} reminders lapsed in a spent Zalo month"
    ));
}

/// Each staff member gets one digest of the deadline, its count of missing units
/// (over the units below that staff member's federation) between the database's at
/// either end of the sweep's window.
fn digest(
    o: &Outcome,
    c: &mut Checked,
    slot: &plan::Slot,
    name: &str,
    lo: DateTime<Utc>,
    hi: DateTime<Utc>,
) {
    let d = &o.deadlines[slot.deadline];
    for staff in &o.staff {
        let digests: Vec<&str> = o
            .telegram
            .iter()
            .filter(|s| s.chat_id == staff.chat && is_digest(&s.text, d))
            .map(|s| s.text.as_str())
            .collect();
        if digests.len() != 1 {
            c.failures.push(format!(
                "{name}: {} digests to staff {}",
                digests.len(),
                staff.chat
            ));
        }
        // Missing all through the window, and those whose papers moved within it.
        let states: Vec<Option<bool>> = staff
            .units
            .iter()
            .map(|u| o.handed.throughout((slot.deadline, *u), lo, hi))
            .collect();
        let least = states.iter().filter(|s| **s == Some(false)).count();
        let most = least + states.iter().filter(|s| s.is_none()).count();
        for text in digests {
            let said = text
                .split("Còn ")
                .nth(1)
                .and_then(|r| r.split('/').next())
                .and_then(|n| n.parse::<usize>().ok());
            let fine = match said {
                Some(n) => (least..=most).contains(&n),
                None => least == 0 && text.contains("đã nộp"),
            };
            if !fine {
                c.failures.push(format!(
                    "{name}: staff {}'s digest says {said:?} missing, the database {least}..={most}: {text}",
                    staff.chat
                ));
            }
        }
    }
}

/// No reminder or overdue notice arrives in the night, and no announcement held for a
/// spent Zalo month either (it waits for the new month's morning, not its midnight).
/// An announcement queued in the day may run into the evening here: its copies are
/// paced in real seconds, which the fast clock stretches into hours.
fn quiet_hours(o: &Outcome, c: &mut Checked) {
    let deep = |t: DateTime<Utc>| {
        is_quiet(t, o.tz) && is_quiet(t - o.tol, o.tz) && is_quiet(t + o.tol, o.tz)
    };
    // Held: on the first Zalo bot (the one whose month is spent), queued before the
    // month turned and sent after. Elsewhere, a copy in the night is the tail of real
    // pacing, stretched by the fast clock.
    let turns = plan::month_turns(o.start, o.until, o.tz);
    let held = |text: &str, t: DateTime<Utc>| {
        o.announced.iter().any(|(n, _, queued, _)| {
            text.contains(&format!("Thông báo số {n} "))
                && turns.iter().any(|turn| queued < turn && t >= *turn)
        })
    };
    let all = o
        .telegram
        .iter()
        .map(|s| (s.chat_id.to_string(), &s.text, s.at, false))
        .chain(o.zalo.iter().enumerate().flat_map(|(b, sent)| {
            sent.iter()
                .map(move |s| (s.chat_id.clone(), &s.text, s.at, b == 0))
        }));
    for (chat, text, when, spent_bot) in all {
        let t = o.timeline.rehearsal(when);
        if (is_calendar(text) || (spent_bot && held(text, t))) && deep(t) {
            let head: String = text.chars().take(60).collect();
            c.failures.push(format!(
                "to {chat} at {} (night): {head}",
                t.with_timezone(&o.tz)
            ));
        }
    }
}

/// Staff hear digests, the registrations, their changes and Zalo's month spent, once
/// each (the changes are counted by `changes`).
fn staff(o: &Outcome, c: &mut Checked) {
    let held = o
        .outbox
        .iter()
        .any(|r| r.error.as_deref() == Some(thidua::delivery::quota::HELD));
    for staff in &o.staff {
        let mut spent = 0;
        for s in o.telegram.iter().filter(|s| s.chat_id == staff.chat) {
            let t = &s.text;
            if t.contains("đã hết") && t.contains("Bot Zalo") {
                spent += 1;
            } else if !(o.deadlines.iter().any(|d| is_digest(t, d))
                || t.starts_with("📥 Đăng ký mới")
                || t.contains("đã sửa bản đăng ký")
                || t.contains("đã rút bản đăng ký"))
            {
                c.failures.push(format!("staff {} got {t:?}", staff.chat));
            }
        }
        if spent > 1 || (held && spent == 0) {
            c.failures.push(format!(
                "staff {} were told {spent} times that a Zalo month was spent (held rows: {held})",
                staff.chat
            ));
        }
    }
    let to_chairs = o
        .telegram
        .iter()
        .filter(|s| s.chat_id >= FIRST_CHAT && s.text.starts_with("📋"))
        .count();
    if to_chairs > 0 {
        c.failures
            .push(format!("{to_chairs} digests went to chairs"));
    }
}

/// Every registration stored once with its own number; each number a chair was
/// thanked with is its unit's; staff told of each once.
fn registrations(o: &Outcome, c: &mut Checked) {
    let mut numbers: HashMap<&str, usize> = HashMap::new();
    for r in &o.registrations {
        *numbers.entry(&r.number).or_default() += 1;
    }
    for (n, k) in &numbers {
        if *k > 1 {
            c.failures
                .push(format!("registration number {n} stored {k} times"));
        }
    }
    for u in 0..o.units {
        let stored: Vec<&str> = o
            .registrations
            .iter()
            .filter(|r| r.unit == u)
            .map(|r| r.number.as_str())
            .collect();
        let a = o.attempts.get(&u).cloned().unwrap_or_default();
        let thanked_ok = a.numbers.iter().all(|n| stored.contains(&n.as_str()));
        if !thanked_ok || stored.len() > a.confirmed || stored.len() < a.numbers.len() {
            c.failures.push(format!(
                "unit {u}: stored {stored:?}, the chat confirmed {} time(s) and was thanked with {:?}",
                a.confirmed, a.numbers
            ));
        }
        if a.tries > 1 && std::env::var("THIDUA_REHEARSAL_LOG").is_ok() {
            let seat = plan::seat_of(u, o.units);
            let chat = stored_chat(&seat);
            for r in o.outbox.iter().filter(|r| r.chat == chat) {
                let head: String = r.body.chars().take(50).collect();
                c.notes.push(format!(
                    "  outbox {} {} {:?} {head}",
                    r.status, r.purpose, r.error
                ));
            }
            for (t, i) in received(o, &seat) {
                let head: String = t.chars().take(50).collect();
                c.notes.push(format!(
                    "  got at {} {head}",
                    o.timeline.rehearsal(i).with_timezone(&o.tz)
                ));
            }
        }
        if a.tries > 1 {
            c.notes.push(format!(
                "unit {u} ({:?}) registered in {} tries: confirmed {}, thanked {:?}, stored {stored:?}",
                plan::seat_of(u, o.units),
                a.tries,
                a.confirmed,
                a.numbers
            ));
        }
    }
    // Every registration stored was answered, once: its chair has the thanks with
    // its number even when the bot died between storing it and sending the thanks.
    for Stored {
        unit: u, number: n, ..
    } in &o.registrations
    {
        let seat = plan::seat_of(*u, o.units);
        let thanks = format!("Đã nhận đăng ký số {n}:");
        let got = received(o, &seat)
            .iter()
            .filter(|(t, _)| t.contains(&thanks))
            .count();
        let lost = rows(o, &stored_chat(&seat), "uncertain", |b| b.contains(&thanks));
        if got != 1 && !(got == 0 && lost > 0) {
            c.failures
                .push(format!("unit {u}: the thanks for {n} arrived {got} times"));
        }
    }
    // The staff over its unit (its district's, the province's) hear of each once; the
    // other districts' never.
    for Stored {
        unit: u, number: n, ..
    } in &o.registrations
    {
        for staff in &o.staff {
            let told = o
                .telegram
                .iter()
                .filter(|s| {
                    s.chat_id == staff.chat && s.text.starts_with(&format!("📥 Đăng ký mới {n} "))
                })
                .count();
            let lost = rows(o, &staff.chat.to_string(), "uncertain", |b| {
                b.contains(n.as_str())
            });
            let over = staff.units.contains(u);
            if (over && told != 1 && !(told == 0 && lost > 0)) || (!over && told > 0) {
                c.failures.push(format!(
                    "staff {} were told of registration {n} (unit {u}) {told} times",
                    staff.chat
                ));
            }
        }
    }
    c.notes.push(format!(
        "{} registrations in the chat by {} chairs",
        o.registrations.len(),
        o.attempts.len()
    ));
}

/// A chair's change of mind, as the database holds it: the value changed or the work
/// withdrawn exactly where the chair was told so (and only where a chair asked for
/// it), each finished, and the staff over the unit told: of a withdrawal once, of a
/// change once per confirmed edit at most.
fn changes(o: &Outcome, c: &mut Checked) {
    let (mut edits, mut withdrawals, mut on_zalo) = (0, 0, 0);
    for r in &o.registrations {
        let a = o.attempts.get(&r.unit).cloned().unwrap_or_default();
        let mine = a.numbers.last() == Some(&r.number);
        let later = a.later.filter(|_| mine);
        let edited = r.value == Some(EDITED_VALUE.1);
        let withdrawn = r.status == "withdrawn";
        let unit = r.unit;
        let n = &r.number;
        let wrong = match later {
            None => edited || withdrawn,
            Some(Later::Edit) => withdrawn || edited != a.edited.is_some(),
            Some(Later::Withdraw) => edited || withdrawn != a.withdrawn.is_some(),
        };
        if wrong {
            c.failures.push(format!(
                "unit {unit}: work {n} is {} with value {:?}; the chair meant {later:?} and was told edited {:?}, withdrawn {:?}",
                r.status, r.value, a.edited, a.withdrawn
            ));
        }
        if later.is_some() && a.edited.is_none() && a.withdrawn.is_none() {
            c.failures.push(format!(
                "unit {unit}: the chair's {later:?} of {n} never finished in three tries"
            ));
        }
        edits += usize::from(edited);
        withdrawals += usize::from(withdrawn);
        if (edited || withdrawn) && matches!(plan::seat_of(unit, o.units), Seat::Zalo { .. }) {
            on_zalo += 1;
        }
        for staff in &o.staff {
            let told_of = |head: &str| {
                let mark = format!("{head} {n} ");
                o.telegram
                    .iter()
                    .filter(|s| s.chat_id == staff.chat && s.text.contains(&mark))
                    .count()
            };
            let (told_edit, told_withdrawn) =
                (told_of("đã sửa bản đăng ký"), told_of("đã rút bản đăng ký"));
            let lost = rows(o, &staff.chat.to_string(), "uncertain", |b| {
                b.contains(n.as_str())
            });
            let over = staff.units.contains(&unit);
            let edit_ok = if over && edited {
                (1..=a.edits_confirmed).contains(&told_edit) || (told_edit == 0 && lost > 0)
            } else {
                told_edit == 0
            };
            let withdrawn_ok = if over && withdrawn {
                told_withdrawn == 1 || (told_withdrawn == 0 && lost > 0)
            } else {
                told_withdrawn == 0
            };
            if !(edit_ok && withdrawn_ok) {
                c.failures.push(format!(
                    "staff {} were told of {n}'s edit {told_edit} times (confirmed {}), of its withdrawal {told_withdrawn} times (unit {unit})",
                    staff.chat, a.edits_confirmed
                ));
            }
        }
    }
    c.notes.push(format!(
        "{edits} works changed and {withdrawals} withdrawn in the chat ({on_zalo} of them on Zalo, by typed numbers)"
    ));
}

/// A result is stored exactly where its chair answered the question, as answered; each
/// answer given was saved (a turn is not lost to a kill).
fn results(o: &Outcome, c: &mut Checked) {
    let (mut done, mut ongoing) = (0, 0);
    for r in &o.registrations {
        let a = o.attempts.get(&r.unit).cloned().unwrap_or_default();
        let meant = a.result.filter(|_| a.numbers.last() == Some(&r.number));
        let stored = (r.result.as_deref(), r.actual);
        let right = match (meant, a.result_saved) {
            (Some(Answer::Done), true) => stored == (Some("done"), Some(ACTUAL_VALUE.1)),
            (Some(Answer::Ongoing), true) => stored.0 == Some("ongoing"),
            (Some(_), false) => false,
            (None, _) => stored.0.is_none(),
        };
        if !right {
            // What the chair read from the question on, to see where it went wrong.
            let seat = plan::seat_of(r.unit, o.units);
            let got = received(o, &seat);
            let from = got.iter().position(|(t, _)| t.contains("🏁")).unwrap_or(0);
            let read: Vec<String> = got[from..]
                .iter()
                .map(|(t, i)| {
                    let at = o.timeline.rehearsal(*i).with_timezone(&o.tz);
                    format!(
                        "{} {}",
                        at.format("%d/%m %H:%M"),
                        t.chars().take(70).collect::<String>()
                    )
                })
                .collect();
            c.failures.push(format!(
                "unit {}: work {} holds result {stored:?}; its chair meant {meant:?}, saved {}; read {read:#?}",
                r.unit, r.number, a.result_saved
            ));
        }
        done += usize::from(stored.0 == Some("done"));
        ongoing += usize::from(stored.0 == Some("ongoing"));
    }
    if done + ongoing > 0 {
        c.notes.push(format!(
            "results reported in the chat: {done} done, {ongoing} still going"
        ));
    }
}

/// Each registered work is asked about once when its end date (30/6) has passed and
/// nobody answers: never twice in a round.
fn result_questions(o: &Outcome, c: &mut Checked) {
    let end = crate::run::at("2025-07-01T12:00:00+07:00");
    let mut asked = 0;
    for Stored {
        unit: u,
        number: n,
        status,
        ..
    } in &o.registrations
    {
        let seat = plan::seat_of(*u, o.units);
        let question = format!("🏁 Công trình {n} «");
        let got = received(o, &seat)
            .iter()
            .filter(|(t, _)| t.contains(&question))
            .count();
        asked += got;
        let reachable = !o.blocked.contains_key(u) && status == "submitted";
        if got > 1 || (o.rehearsed_to > end && reachable && got == 0) {
            c.failures.push(format!(
                "unit {u}: work {n} ({status}) asked its result {got} times"
            ));
        }
    }
    if o.rehearsed_to > end {
        c.notes.push(format!("{asked} result questions asked"));
    }
}

/// Each announcement's copies: at most one a chair; every copy the outbox records as
/// sent arrived; nothing of it left waiting; to everyone means every chair reachable.
fn announcements(o: &Outcome, c: &mut Checked) {
    for (n, audience, queued, said) in &o.announced {
        let mark = format!("Thông báo số {n} ");
        let mut copies = 0;
        for u in 0..o.units {
            let seat = plan::seat_of(u, o.units);
            let chat = stored_chat(&seat);
            let got = received(o, &seat)
                .iter()
                .filter(|(t, _)| t.contains(&mark))
                .count();
            copies += got;
            let sent = rows(o, &chat, "sent", |b| b.contains(&mark));
            let lost = rows(o, &chat, "uncertain", |b| b.contains(&mark));
            let gone = rows(o, &chat, "blocked", |b| b.contains(&mark));
            let blocked_before = o.blocked.get(&u).is_some_and(|(t, _)| t < queued);
            if got > 1 || got != sent {
                c.failures.push(format!(
                    "announcement {n}: chair {chat} got {got} copies, the outbox says {sent} sent"
                ));
            }
            if *audience == "all" && got + lost + gone == 0 && !blocked_before {
                c.failures.push(format!(
                    "announcement {n} (to all): chair {chat} never got it"
                ));
            }
        }
        let arrived: Vec<DateTime<Utc>> = o
            .telegram
            .iter()
            .map(|s| (&s.text, s.at))
            .chain(o.zalo.iter().flatten().map(|s| (&s.text, s.at)))
            .filter(|(t, _)| t.contains(&mark))
            .map(|(_, i)| o.timeline.rehearsal(i))
            .collect();
        let span = match (arrived.iter().min(), arrived.iter().max()) {
            (Some(a), Some(b)) => format!(
                ", arrived {} to {}",
                a.with_timezone(&o.tz).format("%d/%m %H:%M"),
                b.with_timezone(&o.tz).format("%d/%m %H:%M")
            ),
            _ => String::new(),
        };
        c.notes.push(format!(
            "announcement {n} to {audience}, queued {}: {copies} copies ({said}){span}",
            queued.with_timezone(&o.tz).format("%d/%m %H:%M")
        ));
    }
}

/// Each return by staff reaches the unit's chair once, with the reason and the deadline.
fn returns(o: &Outcome, c: &mut Checked) {
    let mut by_key: BTreeMap<(usize, usize), Vec<DateTime<Utc>>> = BTreeMap::new();
    for (key, change) in o.handed.returns() {
        by_key.entry(key).or_default().push(change.asked);
    }
    for ((d, u), times) in &by_key {
        let seat = plan::seat_of(*u, o.units);
        let chat = stored_chat(&seat);
        let head = format!("↩️ {} của ", o.deadlines[*d].spec.title);
        let told = |t: &str| t.starts_with(&head) && t.contains(o.return_reason);
        let got = received(o, &seat).iter().filter(|(t, _)| told(t)).count();
        let lost = rows(o, &chat, "uncertain", told);
        let blocked = o
            .blocked
            .get(u)
            .is_some_and(|(b, _)| times.iter().any(|t| b <= t));
        if got != times.len() && !(got + lost == times.len() || blocked) {
            c.failures.push(format!(
                "unit {u}: returned {} time(s) for deadline {d}, its chair {chat} told {got} time(s)",
                times.len()
            ));
        }
    }
    c.notes.push(format!(
        "{} returns by staff, each told to its chair",
        by_key.values().map(Vec::len).sum::<usize>()
    ));
}

/// A chair who blocks the bot is tried at most once after it, and only such chairs
/// are taken for gone (Zalo's 403s are Zalo's fault, not the person's).
fn blocks(o: &Outcome, c: &mut Checked) {
    for (u, tries) in &o.sends_after_block {
        let chat = (FIRST_CHAT + *u as i64).to_string();
        if *tries > 1 {
            c.failures.push(format!(
                "chair {chat} blocked the bot and was tried {tries} times after"
            ));
        }
        if *tries >= 1 && !o.inactive.contains(&chat) {
            c.failures
                .push(format!("chair {chat} blocked the bot and is still active"));
        }
    }
    for chat in &o.inactive {
        let blocked = o
            .blocked
            .keys()
            .any(|u| (FIRST_CHAT + *u as i64).to_string() == *chat);
        if !blocked {
            c.failures
                .push(format!("chair {chat} was taken for gone without blocking"));
        }
    }
}

fn end_state(o: &Outcome, c: &mut Checked) {
    for r in &o.outbox {
        if r.status == "pending" || r.status == "sending" {
            let head: String = r.body.chars().take(60).collect();
            c.failures.push(format!(
                "outbox row left {} to {} ({:?}): {head}",
                r.status, r.chat, r.error
            ));
        }
    }
    if let Some(wrong) = &o.drift {
        c.failures.push(format!("desk figures: {wrong}"));
    }
    if !o.zalo_rule_breaks.is_empty() {
        c.failures
            .push(format!("Zalo refused sends: {:?}", o.zalo_rule_breaks));
    }
    if !o.stopped_cleanly {
        c.failures.push("the bot did not stop cleanly".to_string());
    }
}

/// Prints what the rehearsal cost and noted (each line after `tag`), and returns the
/// broken invariants, each with the seed.
pub fn verdict(o: &Outcome, tag: &str) -> Vec<String> {
    let checked = check(o);
    for line in costs(o).iter().chain(&checked.notes) {
        println!("{tag}: {line}");
    }
    checked.failures
}

/// Messages per channel and calendar month (Zalo's against its quota), and the rest
/// of what the run cost, as lines to print.
pub fn costs(o: &Outcome) -> Vec<String> {
    let month = |i: Instant| {
        o.timeline
            .rehearsal(i)
            .with_timezone(&o.tz)
            .format("%Y-%m")
            .to_string()
    };
    let mut by: BTreeMap<(String, String), usize> = BTreeMap::new();
    for s in &o.telegram {
        *by.entry(("telegram".into(), month(s.at))).or_default() += 1;
    }
    for (b, sent) in o.zalo.iter().enumerate() {
        for s in sent {
            *by.entry((format!("zalo bot {}", b + 1), month(s.at)))
                .or_default() += 1;
        }
    }
    let days = (o.rehearsed_to - o.start).num_minutes() as f64 / 1440.0;
    // The first bot's month spent before the rehearsal is the month it starts in.
    let turns = !plan::month_turns(o.start, o.rehearsed_to, o.tz).is_empty();
    let spent_month = turns.then(|| o.start.with_timezone(&o.tz).format("%Y-%m").to_string());
    let ms = |ticks: u64| ticks as f64 * 1000.0 / crate::support::CLK_TCK as f64;
    let mut out: Vec<String> = by
        .iter()
        .map(|((ch, m), n)| {
            let quota = if ch == "zalo bot 1" && Some(m) == spent_month.as_ref() {
                format!(" (+{SPENT_BEFORE} before the rehearsal, of 3000)")
            } else if ch.starts_with("zalo") {
                " (of 3000)".to_string()
            } else {
                String::new()
            };
            format!("{ch} {m}: {n} messages{quota}")
        })
        .collect();
    out.push(format!(
        "Zalo's own count at the end (sent this month, refused 429): {:?}; Telegram refused {} sends with 429; hand-ins drawn {}",
        o.zalo_month, o.telegram_429, o.chosen
    ));
    out.push(format!(
        "{days:.1} days rehearsed at {}x in {:.1} s real, {} instance(s), {} start(s); Zalo updates lost to a failed webhook call {}; peak outbox {}; bot CPU {:.0} ms ({:.1} ms a simulated day); database {} KiB at the end",
        o.speed,
        o.real.as_secs_f64(),
        o.instances,
        o.starts,
        o.zalo_webhook_lost,
        o.peak_outbox,
        ms(o.cpu_ticks),
        ms(o.cpu_ticks) / days.max(1.0 / 1440.0),
        o.db_bytes / 1024,
    ));
    out
}
