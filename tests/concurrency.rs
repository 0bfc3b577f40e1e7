//! Many people at once, through the real binary and fake Bot APIs: simultaneous
//! joins, two staff reviewing the same submission, a hard kill right after a confirm,
//! and one Zalo chat flooding the bot while another waits for its answer.

mod support;

use std::time::{Duration, Instant};

use support::fake_telegram::{FakeTelegram, User};
use support::fake_zalo::{FakeZalo, ZTalk, ZUser, TOKEN as ZALO_TOKEN};
use support::{Bot, Talk, TestEnv};

const DISTRICT: &str = "LĐLĐ huyện Vĩnh Thuận";

/// The log has no ERROR line: every turn went through without a failure.
fn assert_no_errors(bot: &Bot) {
    let log = bot.log_text();
    let errors: Vec<&str> = log.lines().filter(|l| l.contains(" ERROR ")).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_people_join_in_the_same_second() {
    let env = TestEnv::new();
    let mut codes = Vec::new();
    for i in 0..4 {
        let unit = format!("CĐCS số {i}");
        env.cli(&["unit", "add", &unit]);
        codes.push(env.invite(&unit, "chair"));
    }
    let api = FakeTelegram::start().await;
    let bot = env.run_bot(&api);
    let mut chairs: Vec<Talk> = (0..4)
        .map(|i| Talk::new(&api, User::new(5000 + i, "Chủ tịch", &i.to_string())))
        .collect();
    for (chair, code) in chairs.iter_mut().zip(&codes) {
        chair.say(&format!("/start {code}"));
    }
    for (i, chair) in chairs.iter_mut().enumerate() {
        let welcome = chair.expect("Chào mừng").await;
        assert!(
            welcome.text.contains(&format!("CĐCS số {i}")),
            "{}",
            welcome.text
        );
    }
    assert_no_errors(&bot);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_staff_approve_the_same_submission_at_once() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường Tiểu học"]);
    env.cli(&["unit", "add", DISTRICT]);
    let chair_code = env.invite("CĐCS Trường Tiểu học", "chair");
    let staff_codes = [env.invite(DISTRICT, "staff"), env.invite(DISTRICT, "staff")];
    let api = FakeTelegram::start().await;
    let bot = env.spawn_with(
        &["run", "--now", "2025-05-03T09:00:00+07:00"],
        &[
            ("TELOXIDE_TOKEN", support::TOKEN.to_string()),
            ("TELOXIDE_API_URL", api.url()),
        ],
    );
    let mut staff: Vec<Talk> = (0..2)
        .map(|i| Talk::new(&api, User::new(2000 + i, "Cán bộ", &i.to_string())))
        .collect();
    for (s, code) in staff.iter_mut().zip(&staff_codes) {
        s.say(&format!("/start {code}")).expect("cán bộ").await;
    }
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "Nguyễn Thị"));
    chair
        .say(&format!("/start {chair_code}"))
        .expect("Chào mừng")
        .await;
    chair.say("/baocao").expect("Xin gửi tệp").await;
    chair
        .document("bao-cao.pdf", "application/pdf", b"%PDF-1.4 bao cao")
        .expect("Đã nhận tệp")
        .await;
    let checklist = chair.say("/boqua").expect("Kiểm tra trước khi nộp").await;
    chair.press(&checklist.button("Nộp")).expect("Đã nộp").await;

    let mut approve = Vec::new();
    for s in &mut staff {
        let list = s.say("/duyet").expect("Hồ sơ chờ duyệt").await;
        approve.push(list.button("Duyệt 1"));
        s.quiet().await;
    }
    // Both press at the same moment.
    for (s, data) in staff.iter_mut().zip(&approve) {
        s.press(data);
    }
    let mut answers = Vec::new();
    for s in &mut staff {
        answers.extend(s.quiet().await.into_iter().map(|m| m.text));
    }
    let approved = answers.iter().filter(|t| t.starts_with("Đã duyệt")).count();
    let already = answers
        .iter()
        .filter(|t| t.contains("đã được duyệt rồi"))
        .count();
    assert_eq!((approved, already), (1, 1), "{answers:#?}");
    chair.expect("đã được LĐLĐ huyện duyệt").await;
    let more = chair.quiet().await;
    assert!(
        more.iter().all(|s| !s.text.contains("duyệt")),
        "the chair is told once: {more:?}"
    );
    assert_no_errors(&bot);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hard_kill_right_after_a_confirm_loses_no_staff_notice() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", DISTRICT]);
    let staff_code = env.invite(DISTRICT, "staff");
    let mut codes = Vec::new();
    for i in 0..3 {
        let unit = format!("CĐCS số {i}");
        env.cli(&["unit", "add", &unit]);
        codes.push(env.invite(&unit, "chair"));
    }
    let api = FakeTelegram::start().await;
    let mut bot = env.run_bot(&api);
    let mut staff = Talk::new(&api, User::new(2002, "Thoa", "Lê Kim"));
    staff
        .say(&format!("/start {staff_code}"))
        .expect("cán bộ")
        .await;
    for (i, code) in codes.iter().enumerate() {
        let mut chair = Talk::new(&api, User::new(1000 + i as i64, "Chủ tịch", "X"));
        chair
            .say(&format!("/start {code}"))
            .expect("Chào mừng")
            .await;
        // Telegram does not take the staff's notice for a moment, so the power cut
        // finds it queued, not on the wire. (A message on the wire at a kill is recorded
        // as uncertain and never sent twice: that window is the request's own.)
        api.fail_chat(2002, true);
        let refused = api.refused(2002);
        let done = chair
            .register(&format!("Công trình số {i} của đơn vị"))
            .await;
        let until = Instant::now() + Duration::from_secs(10);
        while api.refused(2002) == refused {
            assert!(Instant::now() < until, "the notice was never attempted");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        bot.kill_hard();
        let number = format!("00{}/ĐK", i + 1);
        assert!(done.contains(&number), "{done}");
        api.fail_chat(2002, false);
        bot = env.run_bot(&api);
        staff.expect(&format!("Đăng ký mới {number}")).await;
    }
    let more = staff.quiet().await;
    assert!(
        more.iter().all(|s| !s.text.contains("Đăng ký mới")),
        "each notice once: {more:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_zalo_chat_does_not_delay_anyone_else() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường Mầm non"]);
    let code = env.invite("CĐCS Trường Mầm non", "chair");
    let api = FakeZalo::start().await;
    let bot = env.spawn(&[
        ("ZALO_BOT_TOKEN", ZALO_TOKEN.to_string()),
        ("ZALO_API_URL", api.url()),
    ]);
    let mut member = ZTalk::new(&api, ZUser::new("a0b1c2d3e4f5a6b7c8d9", "Chị Hoa"));
    member
        .say(&format!("/start {code}"))
        .expect("Chào mừng")
        .await;
    let mut stranger = ZTalk::new(&api, ZUser::new("ffeeddccbbaa99887766", "Người lạ"));
    for i in 0..40 {
        stranger.say(&format!("tin nhắn {i}"));
    }
    let asked = Instant::now();
    member
        .say("/cuatoi")
        .expect("chưa đăng ký công trình nào")
        .await;
    let waited = asked.elapsed();
    assert!(
        waited < Duration::from_secs(2),
        "the member waited {waited:?} behind the stranger"
    );
    // The stranger is answered too, each message, at Zalo's pace for one chat.
    stranger.expect("mã mời").await;
    assert_no_errors(&bot);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_that_meet_429_wait_and_arrive_once() {
    let env = TestEnv::new();
    let api = FakeTelegram::start().await;
    api.limit_rate(2);
    let bot = env.run_bot(&api);
    let mut people: Vec<Talk> = (0..8)
        .map(|i| Talk::new(&api, User::new(7000 + i, "Khách", &i.to_string())))
        .collect();
    for p in &mut people {
        p.say("Xin chào");
    }
    for p in &mut people {
        p.expect("mã mời").await;
    }
    assert!(api.too_many() > 0, "the server never said 429");
    for p in &mut people {
        let more = p.quiet().await;
        assert!(more.is_empty(), "a second copy: {more:?}");
    }
    assert_no_errors(&bot);
}
