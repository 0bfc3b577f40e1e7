//! Broadcast to 10 000 chats through the real binary against the fake Bot API, which
//! accepts N messages a second and answers 429 beyond. Prints achieved rate as a
//! fraction of N, 429s, duplicates, lost messages and the bot's peak RSS.
//!
//! `cargo bench --bench broadcast_10k` (env: CHATS, RATE).

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use support::fake_telegram::FakeTelegram;
use support::{env_or, TestEnv, TOKEN};
use thidua::store::{self, outbox};

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let chats: i64 = env_or("CHATS", 10_000);
    let rate: u32 = env_or("RATE", 30);
    let env = TestEnv::new();
    support::seed_chairs(&env, chats, 1_000_000).await;
    let db = store::connect(&format!("sqlite://{}", env.db_path().display()))
        .await
        .unwrap();

    let api = FakeTelegram::start().await;
    api.limit_rate(rate);
    let queued = Instant::now();
    env.cli(&[
        "broadcast",
        "--text",
        "Thông báo đo tải",
        "--audience",
        "all",
    ]);
    let queue_time = queued.elapsed();
    let mut bot = env.spawn(&[
        ("TELOXIDE_TOKEN", TOKEN.to_string()),
        ("TELOXIDE_API_URL", api.url()),
        ("RUST_LOG", "warn".to_string()),
    ]);
    let mut peak = 0;
    while outbox::pending(&mut db.read().await.unwrap())
        .await
        .unwrap()
        > 0
    {
        peak = peak.max(bot.peak_rss_kb());
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    peak = peak.max(bot.peak_rss_kb());
    assert!(bot.terminate());

    let sent: Vec<_> = api
        .sent()
        .into_iter()
        .filter(|s| s.text.contains("Thông báo đo tải"))
        .collect();
    let mut per_chat: HashMap<i64, usize> = HashMap::new();
    for s in &sent {
        *per_chat.entry(s.chat_id).or_default() += 1;
    }
    let duplicates: usize = per_chat.values().map(|n| n - 1).sum();
    let lost = chats as usize - per_chat.len();
    let first = sent.iter().map(|s| s.at).min().unwrap();
    let last = sent.iter().map(|s| s.at).max().unwrap();
    let secs = (last - first).as_secs_f64();
    let achieved = (sent.len() - 1) as f64 / secs;
    println!("| chats | N (msg/s) | queued in | delivered in | achieved msg/s | fraction of N | 429s | duplicates | lost | peak RSS |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {chats} | {rate} | {:.1} s | {secs:.1} s | {achieved:.2} | {:.3} | {} | {duplicates} | {lost} | {:.1} MiB |",
        queue_time.as_secs_f64(),
        achieved / f64::from(rate),
        api.too_many(),
        peak as f64 / 1024.0
    );
}
