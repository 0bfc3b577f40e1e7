//! Fifty chairs fill the registration form at the same moment through the real binary
//! and the fake Bot API: every one gets a number, the numbers are distinct, the
//! district's staff hear of each registration once, and the bot logs no error.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use support::fake_telegram::{FakeTelegram, User};
use support::load::{self, run_chairs, seed_invites};
use support::{Talk, TestEnv};

const CHAIRS: usize = 50;
const STAFF_ID: i64 = 2002;
const FIRST_CHAIR: i64 = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_chairs_register_at_once_on_sqlite() {
    fifty_chairs(TestEnv::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_chairs_register_at_once_on_postgresql() {
    let Some(server) = support::postgres_server() else {
        return;
    };
    let name = format!("thidua_many_chairs_{}", std::process::id());
    let mut env = TestEnv::new();
    env.database_url = Some(load::fresh_postgres(&server, &name).await);
    fifty_chairs(env).await;
    load::drop_postgres(&server, &name).await;
}

async fn fifty_chairs(env: TestEnv) {
    let url = env.database_url();
    let (codes, staff_code) = seed_invites(&url, CHAIRS, true).await;
    let api = FakeTelegram::start().await;
    let bot = env.run_bot(&api);
    // Staff first, so that every registration has someone to notify.
    let mut staff = Talk::new(&api, User::new(STAFF_ID, "Thoa", "Lê Kim"));
    staff
        .say(&format!("/start {}", staff_code.unwrap()))
        .expect("Chào mừng")
        .await;

    let report = run_chairs(
        &api,
        &codes,
        FIRST_CHAIR,
        Duration::from_secs(30),
        Duration::ZERO,
    )
    .await;
    eprintln!("{report}");
    let mut errors = load::error_lines(&bot.log_text());
    errors.truncate(10);
    assert_eq!(report.completed, CHAIRS, "{report}\n{errors:#?}");
    assert_eq!(report.failed_turns, 0, "{report}\n{errors:#?}");
    assert_eq!(
        load::registrations(&url).await,
        (CHAIRS as i64, CHAIRS as i64),
        "registrations, distinct numbers"
    );

    let notices = staff_notices(&api).await;
    assert_eq!(notices.len(), CHAIRS, "{notices:?}");
    assert!(notices.values().all(|&n| n == 1), "{notices:?}");
    let errors = load::error_lines(&bot.log_text());
    assert!(errors.is_empty(), "{errors:#?}");
}

/// "Đăng ký mới 001/ĐK — …" notices to staff, by number. They leave through the
/// outbox at one message a second to a chat (Telegram's guidance), so fifty take
/// about fifty seconds: wait for all, then a moment for extras.
async fn staff_notices(api: &FakeTelegram) -> BTreeMap<String, usize> {
    let notices = || {
        api.sent_to(STAFF_ID)
            .into_iter()
            .filter_map(|s| {
                let (_, rest) = s.text.split_once("Đăng ký mới ")?;
                Some(rest.split_whitespace().next()?.to_string())
            })
            .collect::<Vec<_>>()
    };
    let deadline = Instant::now() + Duration::from_secs(30 + CHAIRS as u64 * 12 / 10);
    while notices().len() < CHAIRS && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut by_number = BTreeMap::new();
    for n in notices() {
        *by_number.entry(n).or_default() += 1;
    }
    by_number
}
