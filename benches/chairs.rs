//! CHAIRS chairs fill the registration form at the same moment through the real binary
//! against the fake Bot API, optionally while an announcement to BROADCAST other chairs
//! leaves through the outbox under a 30 msg/s limit. Prints completion, failed turns,
//! throughput, latency, the bot's CPU per update, its peak RSS, and whether every
//! answer and announcement arrived exactly once.
//!
//! `cargo bench --bench chairs` (env: CHAIRS=1000, DB=sqlite|postgres, BROADCAST=0,
//! REPLY_TIMEOUT=60 seconds per answer, SEND_RATE, THINK_MS=0: a chair's average pause
//! before each answer). DB=postgres needs THIDUA_TEST_POSTGRES.
//!
//! Without BROADCAST the bot's send budget is lifted (SEND_RATE=100000): what is measured
//! is the bot's own capacity, not Telegram's 30 messages a second, which would make every
//! run last updates / 30 seconds. With BROADCAST the budget is Telegram's (30), shared by
//! the answers and the announcement, against a fake that answers 429 beyond it.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use support::fake_telegram::{FakeTelegram, Sent};
use support::load::{self, ms, run_chairs, seed_invites, LoadReport};
use support::{env_or, TestEnv, CLK_TCK, TOKEN};
use thidua::store::{self, outbox};

const FIRST_CHAIR: i64 = 1_000_000;
const FIRST_RECIPIENT: i64 = 5_000_000;
const STRANGER: i64 = 999;
const ANNOUNCEMENT: &str = "Thông báo đo tải hỗn hợp";
#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: usize = env_or("CHAIRS", 1000);
    let recipients: usize = env_or("BROADCAST", 0);
    let timeout = Duration::from_secs(env_or("REPLY_TIMEOUT", 60));
    let think = Duration::from_millis(env_or("THINK_MS", 0));
    let db_kind = std::env::var("DB").unwrap_or_else(|_| "sqlite".into());
    let mut env = TestEnv::new();
    let postgres = match db_kind.as_str() {
        "sqlite" => None,
        "postgres" => {
            let server = std::env::var("THIDUA_TEST_POSTGRES")
                .expect("DB=postgres needs THIDUA_TEST_POSTGRES");
            let name = format!("thidua_bench_{}", std::process::id());
            env.database_url = Some(load::fresh_postgres(&server, &name).await);
            Some((server, name))
        }
        other => panic!("DB={other}: sqlite or postgres"),
    };
    let url = env.database_url();
    let (codes, _) = seed_invites(&url, n, false).await;
    let api = FakeTelegram::start().await;
    if recipients > 0 {
        support::seed_chairs_at(&url, recipients as i64, FIRST_RECIPIENT).await;
        api.limit_rate(30);
    }
    let send_rate: u32 = env_or("SEND_RATE", if recipients > 0 { 30 } else { 100_000 });
    let mut bot = env.spawn(&[
        ("TELOXIDE_TOKEN", TOKEN.to_string()),
        ("TELOXIDE_API_URL", api.url()),
        ("THIDUA_SEND_RATE", send_rate.to_string()),
        // Logging must not be what is measured.
        ("RUST_LOG", "warn".to_string()),
    ]);
    load::wait_polling(&api, STRANGER).await;
    if recipients > 0 {
        env.cli(&["broadcast", "--text", ANNOUNCEMENT, "--audience", "all"]);
    }

    let cpu_before = bot.cpu_ticks();
    let mut report = run_chairs(&api, &codes, FIRST_CHAIR, timeout, think).await;
    let cpu = bot.cpu_ticks() - cpu_before;
    if recipients > 0 {
        let db = store::connect(&url).await.unwrap();
        // 30 msg/s shared with the answers, and slack for 429 pauses.
        let deadline = Instant::now() + Duration::from_secs(recipients as u64 / 15 + 120);
        while outbox::pending(&mut db.read().await.unwrap())
            .await
            .unwrap()
            > 0
            && Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        db.pool.close().await;
    }
    // A late duplicate would come now or never.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let peak = bot.peak_rss_kb();
    let sent = api.sent();
    let clean_exit = bot.terminate();
    report.failed_turns = load::failed_turns(&api, &report.chairs);
    let (stored, numbers) = load::registrations(&url).await;
    eprintln!("{report}");

    let cpu_ms = cpu as f64 / CLK_TCK as f64 * 1000.0 / report.updates.max(1) as f64;
    println!("think time: {} ms on average", think.as_millis());
    println!("| DB | chairs | completed | failed turns | updates | updates/s | p50 | p99 | bot CPU per update | peak RSS |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {db_kind} | {n} | {} | {} | {} | {:.1} | {:.1} ms | {:.1} ms | {cpu_ms:.2} ms | {:.1} MiB |",
        report.completed,
        report.failed_turns,
        report.updates,
        report.updates_per_sec(),
        ms(report.p50()),
        ms(report.p99()),
        peak as f64 / 1024.0
    );
    let (reply_dups, reply_lost) = replies_once(&report, &sent);
    println!("answers: {reply_dups} duplicates, {reply_lost} lost");
    println!("registrations stored: {stored}, distinct numbers: {numbers}");
    if recipients > 0 {
        let (delivered, dups, lost) = announcements_once(&sent, recipients);
        println!(
            "broadcast to {recipients}: {delivered} delivered, {dups} duplicates, {lost} lost, {} answers of 429",
            api.too_many()
        );
    }
    if !clean_exit {
        println!("the bot did not exit cleanly on SIGTERM");
    }
    if let Some((server, name)) = postgres {
        load::drop_postgres(&server, &name).await;
    }
}

/// Each update a chair sent should have had exactly one answer in its chat.
fn replies_once(report: &LoadReport, sent: &[Sent]) -> (usize, usize) {
    let mut got: HashMap<i64, usize> = HashMap::new();
    for s in sent.iter().filter(|s| !s.text.contains(ANNOUNCEMENT)) {
        *got.entry(s.chat_id).or_default() += 1;
    }
    report.chairs.iter().fold((0, 0), |(dups, lost), c| {
        let got = got.get(&c.user_id).copied().unwrap_or(0);
        (
            dups + got.saturating_sub(c.updates),
            lost + c.updates.saturating_sub(got),
        )
    })
}

/// Recipients reached, extra copies, recipients missed.
fn announcements_once(sent: &[Sent], recipients: usize) -> (usize, usize, usize) {
    let range = FIRST_RECIPIENT..FIRST_RECIPIENT + recipients as i64;
    let mut per_chat: HashMap<i64, usize> = HashMap::new();
    for s in sent
        .iter()
        .filter(|s| s.text.contains(ANNOUNCEMENT) && range.contains(&s.chat_id))
    {
        *per_chat.entry(s.chat_id).or_default() += 1;
    }
    let duplicates = per_chat.values().map(|n| n - 1).sum();
    (per_chat.len(), duplicates, recipients - per_chat.len())
}
