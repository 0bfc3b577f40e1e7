//! One, two and three `thidua run` instances on one PostgreSQL behind a round-robin
//! proxy, receiving the fake Bot API's updates by webhook.
//!
//! 1. Turns: CHAIRS chairs (default 1000) fill the registration form at full speed with
//!    the send budget lifted (SEND_RATE=100000): what is measured is what the instances
//!    and the database can serve, not Telegram's limit.
//! 2. Outbox: an announcement to RECIPIENTS chairs (default 900) with the bot's budget of
//!    30 msg/s shared through the database, against a fake that answers 429 beyond 30 a
//!    second: the achieved rate across the instances, and duplicates.
//!
//! `cargo bench --bench instances` (env: CHAIRS, RECIPIENTS, INSTANCES="1 2 3");
//! needs THIDUA_TEST_POSTGRES.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use support::fake_telegram::FakeTelegram;
use support::load::{self, ms, run_chairs, seed_invites};
use support::{env_or, Bot, TestEnv};

const FIRST_CHAIR: i64 = 1_000_000;
const FIRST_RECIPIENT: i64 = 5_000_000;
const ANNOUNCEMENT: &str = "Thông báo đo nhịp gửi";

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let server = std::env::var("THIDUA_TEST_POSTGRES").expect("needs THIDUA_TEST_POSTGRES");
    let n: usize = env_or("CHAIRS", 1000);
    let recipients: usize = env_or("RECIPIENTS", 900);
    let counts: Vec<usize> = std::env::var("INSTANCES")
        .unwrap_or_else(|_| "1 2 3".into())
        .split_whitespace()
        .map(|s| s.parse().unwrap())
        .collect();
    println!("| instances | chairs | completed | updates | updates/s | p50 | p99 | announcement to | achieved msg/s | of 30 | duplicates | 429s |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for k in counts {
        let name = format!("thidua_bench_inst_{}_{k}", std::process::id());
        let mut env = TestEnv::new();
        env.database_url = Some(load::fresh_postgres(&server, &name).await);
        let url = env.database_url();
        let (codes, _) = seed_invites(&url, n, false).await;
        support::seed_chairs_at(&url, recipients as i64, FIRST_RECIPIENT).await;

        // 1. Turns, the budget lifted.
        let api = FakeTelegram::start().await;
        let mut bots = start(&env, &api, k, 100_000).await;
        let report = run_chairs(
            &api,
            &codes,
            FIRST_CHAIR,
            Duration::from_secs(120),
            Duration::ZERO,
        )
        .await;
        stop(&mut bots);

        // 2. The announcement under 30 msg/s shared by the instances.
        let api = FakeTelegram::start().await;
        api.limit_rate(30);
        let mut bots = start(&env, &api, k, 30).await;
        env.cli(&["broadcast", "--text", ANNOUNCEMENT, "--audience", "all"]);
        let range = FIRST_RECIPIENT..FIRST_RECIPIENT + recipients as i64;
        let deadline = Instant::now() + Duration::from_secs(recipients as u64 / 10 + 60);
        let (mut first, mut last) = (None::<Instant>, None::<Instant>);
        let per_chat = loop {
            let copies: Vec<_> = api
                .sent()
                .into_iter()
                .filter(|s| s.text.contains(ANNOUNCEMENT) && range.contains(&s.chat_id))
                .collect();
            let mut per_chat: HashMap<i64, usize> = HashMap::new();
            for s in &copies {
                *per_chat.entry(s.chat_id).or_default() += 1;
                first = Some(first.map_or(s.at, |f| f.min(s.at)));
                last = Some(last.map_or(s.at, |l| l.max(s.at)));
            }
            if per_chat.len() >= recipients || Instant::now() > deadline {
                break per_chat;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        // A late duplicate would come now or never.
        tokio::time::sleep(Duration::from_secs(2)).await;
        stop(&mut bots);
        let span = match (first, last) {
            (Some(f), Some(l)) => l.duration_since(f).as_secs_f64(),
            _ => 0.0,
        };
        // n copies span n-1 intervals.
        let rate = (per_chat.len().saturating_sub(1)) as f64 / span.max(1e-9);
        let duplicates: usize = per_chat.values().map(|c| c - 1).sum();
        println!(
            "| {k} | {n} | {} | {} | {:.1} | {:.1} ms | {:.1} ms | {} of {recipients} | {rate:.1} | {:.2} | {duplicates} | {} |",
            report.completed,
            report.updates,
            report.updates_per_sec(),
            ms(report.p50()),
            ms(report.p99()),
            per_chat.len(),
            rate / 30.0,
            api.too_many(),
        );
        load::drop_postgres(&server, &name).await;
    }
}

async fn start(env: &TestEnv, api: &FakeTelegram, k: usize, send_rate: u32) -> Vec<Bot> {
    let vars = [
        ("THIDUA_SEND_RATE", send_rate.to_string()),
        // Logging must not be what is measured.
        ("RUST_LOG", "warn".to_string()),
    ];
    support::instances::start(env, api, k, &[], &vars).await.0
}

fn stop(bots: &mut [Bot]) {
    for b in bots {
        b.terminate();
    }
}
