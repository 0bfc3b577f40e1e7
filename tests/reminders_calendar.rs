//! The seed campaign's calendar, April to June 2025, in seconds: one unit submits
//! early, one late, one never. Two schedulers share the database and one of them
//! restarts halfway; every chat must get exactly the messages it should, once.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use support::fake_telegram::FakeTelegram;
use support::{TestEnv, TOKEN};
use thidua::channels::telegram;
use thidua::clock::Clock;
use thidua::delivery::postman::Postman;
use thidua::delivery::Worker;
use thidua::scheduler;
use thidua::store::{self, outbox, Db};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn open(env: &TestEnv) -> Db {
    store::connect(&format!("sqlite://{}", env.db_path().display()))
        .await
        .unwrap()
}

/// Units A, B, C with a chair each (chats 1001–1003), the district with staff (2002).
async fn seed(db: &Db) -> Vec<i64> {
    let mut units = Vec::new();
    for (i, name) in ["CĐCS A", "CĐCS B", "CĐCS C", "LĐLĐ huyện"]
        .iter()
        .enumerate()
    {
        let unit: i64 = sqlx::query_scalar(
            "INSERT INTO units (name, kind, created_at) VALUES ($1, 'agency', '2025-01-01T00:00:00Z') RETURNING id",
        )
        .bind(*name)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        let (chat, role) = if i == 3 {
            (2002, "staff")
        } else {
            (1001 + i as i64, "chair")
        };
        let mut conn = db.pool.acquire().await.unwrap();
        support::add_telegram_member(&mut conn, chat, unit, role, &format!("Người {i}")).await;
        units.push(unit);
    }
    units
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_calendar_reminds_exactly_whom_it_should() {
    let env = TestEnv::new();
    let db = open(&env).await;
    let units = seed(&db).await;
    let mut second = open(&env).await;

    let api = FakeTelegram::start().await;
    let bot = telegram::bot(TOKEN, Some(&api.url())).unwrap();
    let postman = Postman::new(1000).with_link(std::sync::Arc::new(telegram::TelegramLink(bot)));
    let worker = Worker::new(db.clone(), postman, Clock::system());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let delivering = tokio::spawn(worker.run(stopped));

    let mut plan = vec![
        (at("2025-04-25T09:00:00+07:00"), "report", units[0]),
        (at("2025-05-20T09:00:00+07:00"), "nomination", units[0]),
        (at("2025-05-07T10:00:00+07:00"), "report", units[1]),
        (at("2025-06-01T07:30:00+07:00"), "nomination", units[1]),
    ];
    plan.sort();
    let mut t = at("2025-04-20T00:00:00+07:00");
    let mut restarted = false;
    while t < at("2025-06-15T00:00:00+07:00") {
        while plan.first().is_some_and(|(when, _, _)| *when <= t) {
            let (when, key, unit) = plan.remove(0);
            support::hand_in(&db, key, unit, when).await;
        }
        // Both schedulers look at the same instant at the same time.
        let (a, b) = tokio::join!(scheduler::tick(&db, t), scheduler::tick(&second, t));
        a.unwrap();
        b.unwrap();
        if !restarted && t >= at("2025-05-03T12:00:00+07:00") {
            second.pool.close().await;
            second = open(&env).await;
            restarted = true;
        }
        t += chrono::Duration::hours(1);
    }

    let deadline = Instant::now() + Duration::from_secs(30);
    while outbox::pending(&mut db.read().await.unwrap())
        .await
        .unwrap()
        > 0
    {
        assert!(Instant::now() < deadline, "outbox not drained");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.send(true).unwrap();
    delivering.await.unwrap().unwrap();

    // What was queued for whom, at which (campaign) time.
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT chat_id, created_at, body FROM outbox ORDER BY id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let mut got: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (chat, created, body) in rows {
        let local = at(&created)
            .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
            .format("%d/%m %H:%M")
            .to_string();
        let text: serde_json::Value = serde_json::from_str(&body).unwrap();
        let text = text["text"].as_str().unwrap();
        let what = if text.contains("Đã quá hạn nộp") {
            "quá hạn".to_string()
        } else if text.starts_with("📋") {
            let n = text
                .split("Còn ")
                .nth(1)
                .map(|s| s.split(' ').next().unwrap().to_string());
            format!("tổng hợp {}", n.unwrap_or_default())
        } else {
            let left = text.split('(').nth(1).unwrap().split(')').next().unwrap();
            left.to_string()
        };
        let which = if text.contains("Báo cáo tổng kết") {
            "BC"
        } else {
            "HS"
        };
        got.entry(chat)
            .or_default()
            .push(format!("{local} {which} {what}"));
    }
    let expect = |lines: &[&str]| lines.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let report_all = [
        "28/04 08:00 BC còn 7 ngày",
        "02/05 08:00 BC còn 3 ngày",
        "04/05 08:00 BC còn 1 ngày",
        "05/05 08:00 BC hôm nay là hạn cuối",
        "06/05 07:00 BC quá hạn",
    ];
    assert_eq!(
        got.get("1001"),
        None,
        "A submitted everything early: {got:#?}"
    );
    let mut b = expect(&report_all);
    b.extend(expect(&[
        "26/05 08:00 HS còn 7 ngày",
        "30/05 08:00 HS còn 3 ngày",
    ]));
    assert_eq!(
        got["1002"], b,
        "B: late report, nomination on the last morning"
    );
    let mut c = expect(&report_all);
    c.extend(expect(&[
        "26/05 08:00 HS còn 7 ngày",
        "30/05 08:00 HS còn 3 ngày",
        "01/06 08:00 HS còn 1 ngày",
        "02/06 08:00 HS hôm nay là hạn cuối",
        "03/06 07:00 HS quá hạn",
    ]));
    assert_eq!(got["1003"], c, "C never submits");
    assert_eq!(
        got["2002"],
        expect(&["06/05 07:00 BC tổng hợp 2/3", "03/06 07:00 HS tổng hợp 1/3"]),
        "staff get one digest per deadline"
    );
    assert_eq!(got.len(), 3);

    // And the fake Telegram received each of them exactly once, but for the reminders
    // that lapsed at sending because their unit had handed in meanwhile (this test
    // queues the whole calendar in a few seconds and delivers after it).
    for chat in got.keys() {
        let id: i64 = chat.parse().unwrap();
        let n = api.sent_to(id).len();
        let by_status: Vec<(String, String)> =
            sqlx::query_as("SELECT status, COALESCE(error, '') FROM outbox WHERE chat_id = $1")
                .bind(chat)
                .fetch_all(&db.pool)
                .await
                .unwrap();
        let sent = by_status.iter().filter(|(s, _)| s == "sent").count();
        assert_eq!(n, sent, "chat {chat}: {by_status:?}");
        assert!(
            by_status
                .iter()
                .all(|(s, e)| s == "sent" || (s == "lapsed" && e.contains("handed in"))),
            "chat {chat}: {by_status:?}"
        );
    }
    // C never hands in: nothing of C's lapsed.
    assert_eq!(api.sent_to(1003).len(), got["1003"].len());
    let late: i64 =
        sqlx::query_scalar("SELECT late FROM submissions WHERE unit_id = $1 ORDER BY id LIMIT 1")
            .bind(units[1])
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(late, 1, "B's report is marked late");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_now_rehearses_the_calendar_with_the_real_binary() {
    let env = TestEnv::new();
    let db = open(&env).await;
    seed(&db).await;
    db.pool.close().await;
    let api = FakeTelegram::start().await;
    let mut bot = env.spawn_with(
        &["run", "--now", "2025-04-28T07:59:57+07:00"],
        &[
            ("TELOXIDE_TOKEN", TOKEN.to_string()),
            ("TELOXIDE_API_URL", api.url()),
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let texts: Vec<String> = api.sent_to(1003).into_iter().map(|s| s.text).collect();
        if let Some(t) = texts.iter().find(|t| t.contains("Nhắc hạn")) {
            assert!(t.contains("trước ngày 05/05/2025 (còn 7 ngày)"), "{t}");
            assert!(t.contains("/baocao"), "{t}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no reminder:\n{}",
            bot.log_text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        api.sent_to(2002).is_empty(),
        "staff get digests, not reminders"
    );
    assert!(bot.terminate());
    // The reminder is remembered: a second rehearsal from the same instant sends nothing new.
    let before = api.sent_to(1003).len();
    let mut bot = env.spawn_with(
        &["run", "--now", "2025-04-28T08:00:05+07:00"],
        &[
            ("TELOXIDE_TOKEN", TOKEN.to_string()),
            ("TELOXIDE_API_URL", api.url()),
        ],
    );
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert!(bot.terminate());
    assert_eq!(api.sent_to(1003).len(), before);

    // A database run on a rehearsal clock is not one for a real campaign: doctor says so.
    let vars = [
        ("TELOXIDE_TOKEN", TOKEN.to_string()),
        ("TELOXIDE_API_URL", api.url()),
    ];
    let out = env.cli_with(&vars, &["doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("✗ Cơ sở dữ liệu này đã chạy thử với đồng hồ giả (run --now 2025-04-28T01:00:05+00:00 --speed 1"),
        "{text}"
    );
}

/// Two deadlines reminded the same morning are one message to each chair: on Zalo each
/// message counts against the bot's month.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_deadlines_the_same_morning_are_one_message() {
    let env = TestEnv::new();
    let db = open(&env).await;
    seed(&db).await;
    env.load_same_day_campaign();

    let queued = scheduler::tick(&db, at("2025-04-28T08:00:00+07:00"))
        .await
        .unwrap();
    assert_eq!(queued, 3, "one message to each of the three chairs");
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM outbox WHERE chat_id = '1001'")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert!(
        bodies[0].contains("Báo cáo tổng kết") && bodies[0].contains("Hồ sơ trình"),
        "{bodies:?}"
    );
    // The same moment again queues nothing: each deadline's slot is claimed.
    assert_eq!(
        scheduler::tick(&db, at("2025-04-28T08:10:00+07:00"))
            .await
            .unwrap(),
        0
    );
}

/// `run --now T --speed K`: the rehearsal clock runs K times faster and the scheduler
/// follows it. From 20:00 the evening before, at 10 000× (2.8 hours a second), the
/// 7-day reminder of 08:00 comes after some 4 seconds, not before, and once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_faster_rehearsal_clock_brings_the_morning_reminder_once() {
    let env = TestEnv::new();
    let db = open(&env).await;
    seed(&db).await;
    db.pool.close().await;
    let api = FakeTelegram::start().await;
    let started = Instant::now();
    let mut bot = env.spawn_with(
        &[
            "run",
            "--now",
            "2025-04-27T20:00:00+07:00",
            "--speed",
            "10000",
        ],
        &[
            ("TELOXIDE_TOKEN", TOKEN.to_string()),
            ("TELOXIDE_API_URL", api.url()),
        ],
    );
    let reminders = || {
        api.sent_to(1003)
            .into_iter()
            .filter(|s| s.text.contains("Nhắc hạn"))
            .count()
    };
    // Before 08:00 rehearsed (under 12 hours, 4.3 s real): nothing.
    tokio::time::sleep(Duration::from_millis(2_500).saturating_sub(started.elapsed())).await;
    assert_eq!(reminders(), 0, "before 08:00:\n{}", bot.log_text());
    let deadline = started + Duration::from_secs(12);
    while reminders() == 0 {
        assert!(
            Instant::now() < deadline,
            "no reminder:\n{}",
            bot.log_text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A rehearsed day and a half on (the next reminder is 3 days before): still one.
    tokio::time::sleep(deadline.saturating_duration_since(Instant::now())).await;
    assert_eq!(reminders(), 1, "{:?}", api.sent_to(1003));
    assert!(bot.terminate());
    // The speed needs a start, and stays within 1..=10000.
    let refused = env.cli_raw(&["run", "--speed", "100"]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("còn thiếu --now"), "{said}");
    let too_fast = env.cli_raw(&[
        "run",
        "--now",
        "2025-04-27T20:00:00+07:00",
        "--speed",
        "99999",
    ]);
    assert!(!too_fast.status.success());
    let said = String::from_utf8_lossy(&too_fast.stderr);
    assert!(said.contains("1..=10000"), "{said}");
}
