//! Announcements through the durable outbox, against a fake Bot API that rate-limits
//! (429 retry_after) and has chats that blocked the bot (403), with a hard crash in
//! the middle: nobody gets a second copy, nobody is forgotten.

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use support::fake_telegram::{FakeTelegram, User};
use support::{seed_chairs, Talk, TestEnv};
use thidua::store::{self, outbox};

const DISTRICT: &str = "LĐLĐ huyện Vĩnh Thuận";

async fn open(env: &TestEnv) -> store::Db {
    store::connect(&format!("sqlite://{}", env.db_path().display()))
        .await
        .unwrap()
}

fn copies(api: &FakeTelegram, part: &str) -> HashMap<i64, usize> {
    let mut by_chat = HashMap::new();
    for s in api.sent() {
        if s.text.starts_with("📢") && s.text.contains(part) {
            *by_chat.entry(s.chat_id).or_insert(0) += 1;
        }
    }
    by_chat
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_announce_from_the_bot_and_see_who_received_it() {
    let env = TestEnv::new();
    let chairs = seed_chairs(&env, 3, 100_000).await;
    env.cli(&["unit", "add", DISTRICT]);
    let staff_code = env.invite(DISTRICT, "staff");
    let api = FakeTelegram::start().await;
    api.block(chairs[2]);
    let mut bot = env.run_bot(&api);

    let mut staff = Talk::new(&api, User::new(2002, "Thoa", "Lê Kim"));
    staff
        .say(&format!("/start {staff_code}"))
        .expect("cán bộ")
        .await;
    staff.say("/thongbao").expect("nhập nội dung").await;
    let menu = staff
        .say("Họp trực tuyến tổng kết phong trào lúc 8 giờ sáng thứ Hai.")
        .expect("Gửi tới ai?")
        .await;
    assert!(menu.text.contains("Gửi tới ai?"));
    let all = menu.button("Tất cả chủ tịch CĐCS");
    let preview = staff.press(&all).expect("Xem trước").await;
    assert!(
        preview
            .text
            .contains("Gửi tới: Tất cả chủ tịch CĐCS (3 người)"),
        "{}",
        preview.text
    );
    let send = preview.button("Gửi");
    staff.press(&send).press(&send);
    staff.expect("Đã xếp thông báo #1").await;
    staff.expect("đã được gửi (#1)").await;

    let mut first = Talk::new(&api, User::new(chairs[0], "A", "Chủ tịch"));
    let note = first.expect("Họp trực tuyến tổng kết").await;
    assert!(note.text.starts_with("📢"), "{}", note.text);
    first
        .press(&note.button("Đã nhận"))
        .expect("đã ghi nhận")
        .await;
    let report = staff.expect("đã gửi xong").await;
    assert!(report.text.contains("2/3"), "{}", report.text);
    assert!(report.text.contains("Bị chặn: 1"), "{}", report.text);
    let again = staff.say("/thongbao_ketqua").expect("Thông báo #1").await;
    assert!(again.text.contains("«Đã nhận»: 1"), "{}", again.text);

    let got = copies(&api, "Họp trực tuyến tổng kết");
    assert_eq!(got.get(&chairs[0]), Some(&1));
    assert_eq!(got.get(&chairs[1]), Some(&1));
    assert_eq!(got.get(&chairs[2]), None);
    assert_eq!(got.get(&2002), None, "staff are not the audience");
    // The chair who blocked the bot is no longer written to.
    let db = open(&env).await;
    let active: i64 = sqlx::query_scalar("SELECT active FROM members WHERE chat_id = $1")
        .bind(chairs[2].to_string())
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(active, 0);
    assert!(bot.terminate());
}

/// The delivery report comes when the last copy is out, outside the author's turn: it
/// is in the language the author reads (their app's, here English), not Vietnamese.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_english_author_gets_the_delivery_report_in_english() {
    let env = TestEnv::new();
    seed_chairs(&env, 2, 100_000).await;
    env.cli(&["unit", "add", DISTRICT]);
    let staff_code = env.invite(DISTRICT, "staff");
    let api = FakeTelegram::start().await;
    let mut bot = env.run_bot(&api);

    let mut user = User::new(2003, "Mai", "Tran");
    user.language_code = "en-US".into();
    let mut staff = Talk::new(&api, user);
    staff
        .say(&format!("/start {staff_code}"))
        .expect("staff")
        .await;
    staff.say("/thongbao").expect("type the announcement").await;
    let menu = staff
        .say("Meeting on Monday at 8.")
        .expect("Who should receive it?")
        .await;
    let preview = staff
        .press(&menu.button("All grassroots union chairs"))
        .expect("Preview")
        .await;
    staff
        .press(&preview.button("Send"))
        .expect("Announcement #1 queued")
        .await;
    let report = staff.expect("Announcement #1 done").await;
    assert!(
        report.text.contains("2/2 people reached"),
        "{}",
        report.text
    );
    assert!(bot.terminate());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_mid_broadcast_sends_nobody_a_second_copy() {
    let env = TestEnv::new();
    let chairs = seed_chairs(&env, 200, 100_000).await;
    let api = FakeTelegram::start().await;
    // The server takes 40 a second; the bot is set to try 60, so it meets 429s.
    api.limit_rate(40);
    for c in &chairs[..3] {
        api.block(*c);
    }
    let out = env.cli(&[
        "broadcast",
        "--text",
        "Nộp báo cáo trước 5/5/2025",
        "--audience",
        "all",
    ]);
    assert!(out.contains("200 người"), "{out}");

    let vars = |api: &FakeTelegram| {
        vec![
            ("TELOXIDE_TOKEN", support::TOKEN.to_string()),
            ("TELOXIDE_API_URL", api.url()),
            ("THIDUA_SEND_RATE", "60".to_string()),
        ]
    };
    let mut bot = env.spawn(&vars(&api));
    let deadline = Instant::now() + Duration::from_secs(30);
    while copies(&api, "Nộp báo cáo").len() < 80 {
        assert!(Instant::now() < deadline, "{}", bot.log_text());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    bot.kill_hard();
    let before_restart = copies(&api, "Nộp báo cáo").len();
    assert!(
        before_restart < 200,
        "the crash came too late to test anything"
    );

    let mut bot = env.spawn(&vars(&api));
    let db = open(&env).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while outbox::pending(&mut db.read().await.unwrap())
        .await
        .unwrap()
        > 0
    {
        assert!(Instant::now() < deadline, "{}", bot.log_text());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(bot.terminate());

    let got = copies(&api, "Nộp báo cáo");
    let counts = outbox::counts(&mut db.read().await.unwrap(), 1)
        .await
        .unwrap();
    assert!(got.values().all(|n| *n == 1), "a second copy: {got:?}");
    assert_eq!(counts.blocked, 3, "{counts:?}");
    assert!(counts.uncertain <= 1, "{counts:?}");
    assert_eq!(counts.total(), 200);
    // A message cut by the crash is 'uncertain': it may or may not have arrived, and
    // is never sent again. Every other recipient got exactly one copy.
    let reached = got.len() as i64;
    let missing = chairs[3..].iter().filter(|c| !got.contains_key(c)).count() as i64;
    assert!(
        reached >= counts.sent && reached <= counts.sent + counts.uncertain,
        "{counts:?} {reached}"
    );
    assert_eq!(
        missing + (reached - counts.sent),
        counts.uncertain,
        "{counts:?}"
    );
    assert!(api.too_many() > 0, "the test never met a 429");
}

/// A chair who blocked the bot, with three announcements queued for them: the first
/// send learns of the block, the other two are not tried (Telegram counts every send to
/// someone who blocked a bot), and every copy to the others still goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chair_who_blocked_the_bot_is_tried_once_whatever_is_queued() {
    let env = TestEnv::new();
    let chairs = seed_chairs(&env, 4, 110_000).await;
    for n in 1..=3 {
        let text = format!("Thông báo thứ {n}: họp giao ban");
        env.cli(&["broadcast", "--text", &text, "--audience", "all"]);
    }
    let api = FakeTelegram::start().await;
    api.block(chairs[1]);
    let mut bot = env.run_bot(&api);
    let db = open(&env).await;
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        if left == 0 {
            break;
        }
        assert!(Instant::now() < until, "{left} still queued");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(api.sends_after_block(chairs[1]), 1);
    let blocked: Vec<String> =
        sqlx::query_scalar("SELECT status FROM outbox WHERE chat_id = $1 ORDER BY id")
            .bind(chairs[1].to_string())
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(blocked, ["blocked", "blocked", "blocked"]);
    let got = copies(&api, "họp giao ban");
    for chat in [chairs[0], chairs[2], chairs[3]] {
        assert_eq!(got.get(&chat), Some(&3), "{chat}: {got:?}");
    }
    assert!(bot.terminate());
}
