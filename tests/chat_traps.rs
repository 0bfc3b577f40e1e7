//! What a chair meets in their first hour that used to trip them: time passing
//! unnoticed (a deadline gone, the campaign over, a work ending after it).

mod support;

use support::fake_telegram::{FakeTelegram, User};
use support::{Talk, TestEnv};

const SCHOOL: &str = "CĐCS Trường THCS Vĩnh Thuận";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn time_passing_is_said() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", SCHOOL]);
    let code = env.invite(SCHOOL, "chair");
    let api = FakeTelegram::start().await;
    // August 2025: both deadlines have passed and the campaign ended on 31 July.
    let mut bot = env.run_at(&api, "2025-08-15T09:00:00+07:00");
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "Nguyễn Thị"));
    chair
        .say(&format!("/start {code}"))
        .expect("Chào mừng")
        .await;
    let status = chair.say("/tinhtrang").expect("Tình trạng nộp").await;
    assert!(
        status.text.contains("Quá hạn, chưa nộp (hạn 05/05/2025)"),
        "{}",
        status.text
    );
    assert!(!status.text.contains(": Chưa nộp"), "{}", status.text);

    let start = chair.say("/nhanh").expect("Điền nhanh").await;
    assert!(
        start
            .text
            .contains("Phong trào đã kết thúc ngày 31/07/2025"),
        "{}",
        start.text
    );
    use thidua::domain::registration::field::*;
    let block = support::quick_form(&[
        (KIND, "Mô hình"),
        (NAME, "Mái ấm công đoàn"),
        (START_DATE, "1/8/2025"),
        (END_DATE, "30/9/2025"),
        (CONTENT, "Xây nhà cho đoàn viên"),
        (ESTIMATED_VALUE, "250 triệu"),
    ]);
    let summary = chair.say(&block).expect("Xin kiểm tra lại").await;
    assert!(
        summary
            .text
            .contains("Thời gian kết thúc 30/09/2025 sau ngày phong trào kết thúc (31/07/2025)"),
        "{}",
        summary.text
    );
    assert!(bot.terminate(), "{}", bot.log_text());
}

/// In English: counts agree with their nouns, amounts in English words are read, and
/// no message says a thing twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_reads_as_english() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", SCHOOL]);
    let code = env.invite(SCHOOL, "chair");
    let api = FakeTelegram::start().await;
    let mut bot = env.run_at(&api, "2025-05-02T09:00:00+07:00");
    let mut user = User::new(1001, "Lan", "Nguyen");
    user.language_code = "en".into();
    let mut chair = Talk::new(&api, user);
    chair.say(&format!("/start {code}")).expect("Welcome").await;
    // The plan's report asks for one document.
    let ask = chair.say("/baocao").expect("(1/2)").await;
    assert!(ask.text.contains("1 file is needed"), "{}", ask.text);
    chair
        .say("/huy")
        .expect("Type /baocao to start again")
        .await;

    use thidua::domain::registration::field::*;
    let block = support::quick_form(&[
        (KIND, "Model"),
        (NAME, "Union shelter"),
        (START_DATE, "32/1/2025"),
        (END_DATE, "30/6/2025"),
        (CONTENT, "Two houses for members"),
        (ESTIMATED_VALUE, "50 million"),
    ]);
    chair.say("/nhanh").expect("Quick form").await;
    let fix = chair.say(&block).expect("still to fix").await;
    assert!(
        fix.text.contains("There is no day 32 in month 1/2025"),
        "{}",
        fix.text
    );
    assert!(
        !fix.text.contains("Estimated"),
        "50 million was read: {}",
        fix.text
    );
    let summary = chair.say("3. 15/1/2025").expect("50,000,000 VND").await;
    assert!(summary.text.contains("Union shelter"), "{}", summary.text);
    assert!(bot.terminate(), "{}", bot.log_text());
}
