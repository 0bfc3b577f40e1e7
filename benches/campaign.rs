//! The whole campaign rehearsed, long: January to July at 10 000× (about half an hour
//! real), the same district, fakes, acts and invariants as `tests/rehearsal` (whose
//! files this bench includes), with more kills. Prints what it cost and exits non-zero
//! with the broken invariants and the seed if any.
//!
//! `cargo bench --bench campaign` (env: SEED=20250101, KILLS=6, SPEED=10000,
//! FROM=2025-01-02T07:00:00+07:00, UNTIL=2025-07-08T12:00:00+07:00, DB=sqlite|postgres;
//! postgres needs THIDUA_TEST_POSTGRES). `PROVINCE=1`: 600 units in 3 districts, two
//! instances on PostgreSQL, 27/04–06/05 at 1 000× with four kills (UNITS, DISTRICTS,
//! INSTANCES set each).

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "../tests/rehearsal/checks.rs"]
mod checks;
#[path = "../tests/rehearsal/handed.rs"]
mod handed;
#[path = "../tests/rehearsal/plan.rs"]
mod plan;
#[path = "../tests/rehearsal/run.rs"]
mod run;
#[path = "../tests/rehearsal/talk.rs"]
mod talk;

use support::env_or;

fn main() {
    let province = std::env::var("PROVINCE").is_ok_and(|p| p == "1");
    let big = |one: usize, many: usize| if province { many } else { one };
    // The province at 1 000× (its 240 Telegram chairs take 8 s real at Telegram's 30
    // messages a second): the district's short window, some 12 minutes.
    let (from, until) = match province {
        false => ("2025-01-02T07:00:00+07:00", "2025-07-08T12:00:00+07:00"),
        true => ("2025-04-27T20:00:00+07:00", "2025-05-06T07:20:00+07:00"),
    };
    let options = run::Options {
        seed: env_or("SEED", 20_250_101),
        start: run::at(&env_or("FROM", from.to_string())),
        speed: env_or("SPEED", big(10_000, 1_000) as u32),
        kills: env_or("KILLS", big(6, 4)),
        until: run::at(&env_or("UNTIL", until.to_string())),
        units: env_or("UNITS", big(60, 600)),
        districts: env_or("DISTRICTS", big(1, 3)),
        instances: env_or("INSTANCES", big(1, 2)),
        postgres: std::env::var("THIDUA_TEST_POSTGRES")
            .ok()
            .filter(|_| province || std::env::var("DB").is_ok_and(|d| d == "postgres")),
    };
    let outcome = run::rehearse_on_own_runtime(&options);
    let failures = checks::verdict(&outcome, "campaign");
    if !failures.is_empty() {
        eprintln!(
            "{} (replay: SEED={}): {} invariant(s) broken:\n{}",
            outcome.seed,
            options.seed,
            failures.len(),
            failures.join("\n")
        );
        std::fs::write("campaign-bot.log", &outcome.log).unwrap();
        eprintln!("the bot's log: campaign-bot.log");
        std::process::exit(1);
    }
    println!("campaign: {}: every invariant held", outcome.seed);
}
