//! A whole campaign rehearsed, short: 60 units of one district, their chairs on the
//! fake Telegram and on two bots of the fake Zalo (the first with its month nearly
//! spent), the district's staff member on Telegram. The seed decides when each unit
//! hands its report in (straight into the database), who registers a work in the
//! chat, who blocks the bot, when the operator announces, when the bot is killed with
//! `kill -9`, and when Zalo answers 403s; Zalo's month turns on the way. The real
//! binary runs `run --now T --speed K`. At the end the invariants (`checks.rs`) are
//! read from what the fakes received and what the database holds.
//!
//! Knobs (environment): `THIDUA_REHEARSAL_SEEDS` (comma-separated; each is printed at
//! its start and in every failure), `THIDUA_REHEARSAL_SEED` (one seed, to replay),
//! `THIDUA_REHEARSAL_UNTIL` (RFC 3339; default just after the report's overdue
//! notices, about 75 s real a seed), `THIDUA_REHEARSAL_SPEED` (default 10 000),
//! `THIDUA_REHEARSAL_KILLS` (default 2). The long run is `cargo bench --bench campaign`.

#[path = "../support/mod.rs"]
mod support;

mod checks;
mod plan;
mod run;
mod talk;

use support::env_or;

pub fn options(seed: u64) -> run::Options {
    run::Options {
        seed,
        speed: env_or("THIDUA_REHEARSAL_SPEED", 10_000),
        kills: env_or("THIDUA_REHEARSAL_KILLS", 2),
        until: run::at(&env_or("THIDUA_REHEARSAL_UNTIL", run::UNTIL.to_string())),
        units: 60,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_campaign_rehearsals_keep_every_promise() {
    let seeds: String = match std::env::var("THIDUA_REHEARSAL_SEED") {
        Ok(one) => one,
        Err(_) => env_or("THIDUA_REHEARSAL_SEEDS", "20250505,7".to_string()),
    };
    for seed in seeds.split(',').map(|s| s.trim().parse::<u64>().unwrap()) {
        let outcome = run::rehearse(&options(seed)).await;
        let checked = checks::check(&outcome);
        if let Ok(path) = std::env::var("THIDUA_REHEARSAL_LOG") {
            std::fs::write(path, &outcome.log).unwrap();
        }
        for line in checks::costs(&outcome).iter().chain(&checked.notes) {
            println!("rehearsal: {line}");
        }
        assert!(
            checked.failures.is_empty(),
            "{}: {} invariant(s) broken:\n{}\n--- bot log ---\n{}",
            outcome.seed,
            checked.failures.len(),
            checked.failures.join("\n"),
            outcome.log
        );
    }
}
