//! A whole campaign rehearsed, short: 60 units of one district, their chairs on the
//! fake Telegram and on two bots of the fake Zalo (the first with its month nearly
//! spent), the district's staff member on Telegram. The seed decides when each unit
//! hands its report in (straight into the database) and when staff return it, who
//! registers a work in the chat and who later changes or withdraws it, who answers the
//! result question (once the works have ended), who blocks the bot, when the operator announces, when the bot is killed with
//! `kill -9`, and when Zalo answers 403s; Zalo's month turns on the way. The real
//! binary runs `run --now T --speed K`. At the end the invariants (`checks.rs`) are
//! read from what the fakes received and what the database holds.
//!
//! Knobs (environment): `THIDUA_REHEARSAL_SEEDS` (comma-separated; each is printed at
//! its start and in every failure), `THIDUA_REHEARSAL_SEED` (one seed, to replay),
//! `THIDUA_REHEARSAL_FROM` and `THIDUA_REHEARSAL_UNTIL` (RFC 3339; default just after the report's overdue
//! notices, about 75 s real a seed), `THIDUA_REHEARSAL_SPEED` (default 10 000),
//! `THIDUA_REHEARSAL_KILLS` (default 2). The long run is `cargo bench --bench campaign`.

#[path = "../support/mod.rs"]
mod support;

mod checks;
mod handed;
mod plan;
mod run;
mod talk;

use support::env_or;

/// The short rehearsal's window: the report's reminders (the first in April, in the
/// first Zalo bot's spent month), May turning, the deadline and its overdue notices.
const START: &str = "2025-04-27T20:00:00+07:00";
const UNTIL: &str = "2025-05-06T07:20:00+07:00";
/// The province's window: the last reminders, the deadline, the overdue notices
/// (starting before a reminder morning, not after one: 600 chairs' catch-up would
/// run into the night at this speed).
const PROVINCE_START: &str = "2025-05-04T06:00:00+07:00";

pub fn options(seed: u64, postgres: Option<String>) -> run::Options {
    district(seed, postgres)
}

/// One district of 60 units, one instance.
pub fn district(seed: u64, postgres: Option<String>) -> run::Options {
    run::Options {
        seed,
        start: run::at(&env_or("THIDUA_REHEARSAL_FROM", START.to_string())),
        speed: env_or("THIDUA_REHEARSAL_SPEED", 10_000),
        kills: env_or("THIDUA_REHEARSAL_KILLS", 2),
        until: run::at(&env_or("THIDUA_REHEARSAL_UNTIL", UNTIL.to_string())),
        units: 60,
        districts: 1,
        instances: 1,
        postgres,
    }
}

/// One rehearsal at a time: two at once on two cores would each run behind their
/// fast clocks.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn rehearse_and_check(options: run::Options) {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let outcome = run::rehearse_on_own_runtime(&options);
    if let Ok(path) = std::env::var("THIDUA_REHEARSAL_LOG") {
        std::fs::write(path, &outcome.log).unwrap();
    }
    let failures = checks::verdict(&outcome, "rehearsal");
    assert!(
        failures.is_empty(),
        "{} (replay: THIDUA_REHEARSAL_SEED={}): {} invariant(s) broken:\n{}\n--- bot log ---\n{}",
        outcome.seed,
        options.seed,
        failures.len(),
        failures.join("\n"),
        outcome.log
    );
}

fn seeds(default: &str) -> Vec<u64> {
    let seeds: String = match std::env::var("THIDUA_REHEARSAL_SEED") {
        Ok(one) => one,
        Err(_) => env_or("THIDUA_REHEARSAL_SEEDS", default.to_string()),
    };
    seeds
        .split(',')
        .map(|s| s.trim().parse::<u64>().unwrap())
        .collect()
}

#[test]
fn seeded_campaign_rehearsals_keep_every_promise() {
    for seed in seeds("20250505,7") {
        rehearse_and_check(options(seed, None));
    }
}

/// The same district on PostgreSQL: its statement triggers, its plans and its
/// transactions under the whole campaign.
#[test]
fn a_campaign_rehearsed_on_postgres_keeps_every_promise() {
    let Some(server) = support::postgres_server() else {
        return;
    };
    for seed in seeds("11") {
        rehearse_and_check(options(seed, Some(server.clone())));
    }
}

/// A province on PostgreSQL: 600 units in 3 districts, the province's staff over the
/// districts', 8 Zalo bots, two instances sharing both channels' webhooks behind a
/// round-robin proxy, each killed once. From the day before the report's deadline to
/// its overdue notices, at 1 000×: 240 chairs on Telegram take 8 s real at its 30
/// messages a second, which a faster clock would stretch past their day.
#[test]
fn a_province_rehearsed_on_two_instances_keeps_every_promise() {
    let Some(server) = support::postgres_server() else {
        return;
    };
    for seed in seeds("3") {
        rehearse_and_check(province(seed, server.clone()));
    }
}

pub fn province(seed: u64, server: String) -> run::Options {
    run::Options {
        units: 600,
        districts: 3,
        instances: 2,
        start: run::at(&env_or("THIDUA_REHEARSAL_FROM", PROVINCE_START.to_string())),
        speed: env_or("THIDUA_REHEARSAL_SPEED", 1_000),
        ..district(seed, Some(server))
    }
}
