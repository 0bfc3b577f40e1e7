//! The whole campaign rehearsed, long: January to July at 10 000× (about half an hour
//! real), the same district, fakes, acts and invariants as `tests/rehearsal` (whose
//! files this bench includes), with more kills. Prints what it cost and exits non-zero
//! with the broken invariants and the seed if any.
//!
//! `cargo bench --bench campaign` (env: SEED=20250101, KILLS=6, SPEED=10000,
//! FROM=2025-01-02T07:00:00+07:00, UNTIL=2025-07-08T12:00:00+07:00, DB=sqlite|postgres;
//! postgres needs THIDUA_TEST_POSTGRES).

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "../tests/rehearsal/checks.rs"]
mod checks;
#[path = "../tests/rehearsal/plan.rs"]
mod plan;
#[path = "../tests/rehearsal/run.rs"]
mod run;
#[path = "../tests/rehearsal/talk.rs"]
mod talk;

use support::env_or;

fn main() {
    let options = run::Options {
        seed: env_or("SEED", 20_250_101),
        start: run::at(&env_or("FROM", "2025-01-02T07:00:00+07:00".to_string())),
        speed: env_or("SPEED", 10_000),
        kills: env_or("KILLS", 6),
        until: run::at(&env_or("UNTIL", "2025-07-08T12:00:00+07:00".to_string())),
        units: 60,
        postgres: std::env::var("THIDUA_TEST_POSTGRES")
            .ok()
            .filter(|_| std::env::var("DB").is_ok_and(|d| d == "postgres")),
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
