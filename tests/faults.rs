//! Faults that used to take the bot down, provoked through the real binary: a
//! campaign reloaded under a chair's feet, and a panic inside one turn.

mod support;

use support::fake_telegram::{FakeTelegram, User};
use support::{Talk, TestEnv};

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/campaign-vinh-thuan-2025.toml"
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_reloaded_mid_submission_is_explained_not_crashed_on() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường A"]);
    env.cli(&["unit", "add", "CĐCS Trường B"]);
    let codes = [
        env.invite("CĐCS Trường A", "chair"),
        env.invite("CĐCS Trường B", "chair"),
    ];
    env.cli(&["campaign", "load", EXAMPLE]);
    let api = FakeTelegram::start().await;
    let bot = env.spawn_with(
        &["run", "--now", "2025-05-20T09:00:00+07:00"],
        &[
            ("TELOXIDE_TOKEN", support::TOKEN.to_string()),
            ("TELOXIDE_API_URL", api.url()),
        ],
    );
    let mut a = Talk::new(&api, User::new(1001, "Lan", "A"));
    let mut b = Talk::new(&api, User::new(1002, "Hùng", "B"));
    a.say(&format!("/start {}", codes[0]))
        .expect("Chào mừng")
        .await;
    b.say(&format!("/start {}", codes[1]))
        .expect("Chào mừng")
        .await;
    a.say("/hoso").expect("(1/4)").await;
    a.document("to-trinh.pdf", "application/pdf", b"%PDF-1.4 to trinh")
        .expect("(2/4)")
        .await;
    a.document("bien-ban.pdf", "application/pdf", b"%PDF-1.4 bien ban")
        .expect("(3/4)")
        .await;

    // The district now asks for one document only.
    let text = std::fs::read_to_string(EXAMPLE).unwrap();
    let cut = text
        .find("[[deadline.document]]\nkey = \"bien_ban\"")
        .unwrap();
    let end = text.find("# Mẫu một hạn đăng ký").unwrap();
    let shorter = format!("{}{}", &text[..cut], &text[end..]);
    let file = env.dir.path().join("shorter.toml");
    std::fs::write(&file, shorter).unwrap();
    env.cli(&["campaign", "load", file.to_str().unwrap()]);
    let show = env.cli(&["campaign", "show"]);
    assert!(!show.contains("Biên bản họp"), "{show}");

    let changed = a.say("gửi tiếp").expect("nay cần 1 tệp").await;
    assert!(
        changed.text.contains("Hồ sơ trình đề nghị khen thưởng"),
        "{}",
        changed.text
    );
    // And where the chair is now: the one document is in, the note comes next.
    assert!(changed.text.contains("Ghi chú gửi"), "{}", changed.text);
    a.say("Đủ hồ sơ").expect("Kiểm tra trước khi nộp").await;
    b.say("/cuatoi").expect("chưa đăng ký công trình nào").await;
    a.say("/huy").expect("Đã hủy").await;
    assert!(bot.log_text().contains("Telegram channel started"));
    let log = bot.log_text();
    assert!(!log.contains("panicked"), "{log}");
}

/// Downloads by panicking, as a bug deep inside a turn would.
struct Exploding;

impl thidua::conversation::FileSource for Exploding {
    fn fetch<'a>(
        &'a self,
        _: thidua::domain::member::Channel,
        _: &'a thidua::conversation::IncomingFile,
        _: u64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<Vec<u8>>> + Send + 'a>>
    {
        Box::pin(async { panic!("a bug in a turn") })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_one_turn_is_contained_and_its_chat_starts_over() {
    use thidua::app::App;
    use thidua::channels::turns::Turns;
    use thidua::conversation::{Incoming, IncomingFile, RawInput};
    use thidua::delivery::postman::Postman;
    use thidua::domain::member::{Address, Channel};
    use thidua::store::{self, chats, outbox};

    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường A"]);
    let code = env.invite("CĐCS Trường A", "chair");
    let db = store::connect(&env.database_url()).await.unwrap();
    let app = App::new(db.clone())
        .with_clock(thidua::clock::Clock::starting_at(
            chrono::DateTime::parse_from_rfc3339("2025-04-20T09:00:00+07:00")
                .unwrap()
                .with_timezone(&chrono::Utc),
        ))
        .with_files(
            std::sync::Arc::new(Exploding),
            thidua::data_dir::DataDir::new(env.dir.path().join("data")).unwrap(),
        );
    // No channel is running: what cannot be sent waits in the outbox, where we read it.
    let turns = Turns::new(app, Postman::new(30));
    let say = |chat: &str, input: RawInput| Incoming {
        channel: Channel::Telegram,
        user_id: chat.into(),
        chat_id: chat.into(),
        display_name: "Lan".into(),
        language_code: Some("vi".into()),
        update_id: None,
        message_id: None,
        input,
    };
    turns
        .serve(say("11", RawInput::Text(format!("/start {code}"))))
        .await;
    turns
        .serve(say("11", RawInput::Text("/baocao".into())))
        .await;
    let file = IncomingFile {
        file_id: "f1".into(),
        name: "bao-cao.pdf".into(),
        mime: Some("application/pdf".into()),
        size: Some(100),
    };
    turns.serve(say("11", RawInput::File(file))).await;

    let here = Address {
        channel: Channel::Telegram,
        chat_id: "11".into(),
    };
    let chat = chats::peek(&mut db.read().await.unwrap(), &here)
        .await
        .unwrap();
    assert_eq!(chat.dialogue, thidua::conversation::Dialogue::Idle);
    let mut texts = Vec::new();
    let mut conn = db.read().await.unwrap();
    while let Some(item) = outbox::next_due(&mut conn, chrono::Utc::now())
        .await
        .unwrap()
    {
        texts.push(item.reply.text.clone());
        assert!(outbox::claim(&mut conn, item.id, chrono::Utc::now())
            .await
            .unwrap());
    }
    assert!(
        texts.last().is_some_and(|t| t.contains("bắt đầu lại")),
        "{texts:#?}"
    );
    // The process and every other chat go on.
    turns
        .serve(say("12", RawInput::Text("xin chào".into())))
        .await;
    let item = outbox::next_due(&mut conn, chrono::Utc::now())
        .await
        .unwrap()
        .expect("the stranger is answered");
    assert!(item.reply.text.contains("mã mời"), "{}", item.reply.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_resubmission_keeps_the_accepted_file() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường A"]);
    env.cli(&["unit", "add", "LĐLĐ huyện"]);
    let chair_code = env.invite("CĐCS Trường A", "chair");
    let staff_code = env.invite("LĐLĐ huyện", "staff");
    let api = FakeTelegram::start().await;
    let bot = env.spawn_with(
        &["run", "--now", "2025-05-03T09:00:00+07:00"],
        &[
            ("TELOXIDE_TOKEN", support::TOKEN.to_string()),
            ("TELOXIDE_API_URL", api.url()),
        ],
    );
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "A"));
    let mut staff = Talk::new(&api, User::new(2002, "Thoa", "Lê"));
    chair
        .say(&format!("/start {chair_code}"))
        .expect("Chào mừng")
        .await;
    staff
        .say(&format!("/start {staff_code}"))
        .expect("cán bộ")
        .await;
    let report = b"%PDF-1.4 bao cao tong ket".to_vec();
    // Telegram may leave out a document's size: it is checked while downloading.
    api.omit_file_sizes();
    for round in 0..2 {
        chair.say("/baocao").expect("Xin gửi tệp").await;
        chair
            .document("bao-cao.pdf", "application/pdf", &report)
            .expect("Đã nhận tệp")
            .await;
        let checklist = chair.say("/boqua").expect("Kiểm tra trước khi nộp").await;
        if round == 0 {
            chair.press(&checklist.button("Nộp")).expect("Đã nộp").await;
        } else {
            // The same file again, then cancelled: the accepted one must stay.
            chair.say("/huy").expect("Đã hủy").await;
        }
    }
    let list = staff.say("/duyet").expect("Hồ sơ chờ duyệt").await;
    staff.press(&list.button("Xem tệp 1"));
    let file = staff.expect("bao-cao.pdf").await;
    assert_eq!(
        file.document.as_ref().map(|(_, b)| b.clone()),
        Some(report.clone()),
        "{file:?}"
    );
    drop(bot);

    // From another working directory, with the data folder named absolutely.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("ho-so");
    let data = env.dir.path().join("data");
    env.export_submissions(&data, &out, Some(elsewhere.path()));
    let copied = support::files_under(&out)
        .into_iter()
        .find(|p| p.to_string_lossy().ends_with("bao-cao.pdf"))
        .expect("the report is exported");
    assert_eq!(std::fs::read(copied).unwrap(), report);
    let drafts = support::files_under(&data.join("drafts"));
    assert!(drafts.is_empty(), "drafts left behind: {drafts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawn_work_cannot_be_changed_by_an_old_confirm() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường A"]);
    env.cli(&["unit", "add", "LĐLĐ huyện"]);
    let code = env.invite("CĐCS Trường A", "chair");
    let staff_code = env.invite("LĐLĐ huyện", "staff");
    let api = FakeTelegram::start().await;
    let _bot = env.run_bot(&api);
    let mut staff = Talk::new(&api, User::new(2002, "Thoa", "Lê"));
    staff
        .say(&format!("/start {staff_code}"))
        .expect("cán bộ")
        .await;
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "A"));
    chair
        .say(&format!("/start {code}"))
        .expect("Chào mừng")
        .await;
    chair.register("Mái ấm công đoàn cho đoàn viên").await;
    // Open the work for editing and reach its summary…
    let list = chair.say("/cuatoi").expect("001/ĐK").await;
    let summary = chair
        .press(&list.button("Sửa 001/ĐK"))
        .expect("Nếu đúng, bấm «Xác nhận gửi»")
        .await;
    // …withdraw it from the list meanwhile, then press the old summary's confirm.
    chair
        .press(&list.button("Rút đăng ký 001/ĐK"))
        .expect("Rút bản đăng ký 001/ĐK")
        .await;
    chair.press("wy:1").expect("Đã rút").await;
    chair
        .press(&summary.button("Xác nhận gửi"))
        .expect("đã được rút trước đó")
        .await;
    let works = chair.say("/cuatoi").expect("001/ĐK").await;
    assert!(works.text.contains("Đã rút"), "{}", works.text);
    let notices: Vec<String> = staff.quiet().await.into_iter().map(|s| s.text).collect();
    assert!(
        !notices.iter().any(|t| t.contains("sửa")),
        "staff told of a change: {notices:#?}"
    );
}

#[test]
fn operator_commands_answer_in_the_shells_language() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường A"]);
    let out = env
        .command()
        .env("LANG", "en_US.UTF-8")
        .args([
            "submission",
            "approve",
            "--unit",
            "CĐCS Trường A",
            "--deadline",
            "report",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has submitted nothing"), "{err}");
}

#[test]
fn a_unit_named_with_digits_is_a_name_and_ids_are_written_with_a_hash() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "Trường A"]);
    env.cli(&["unit", "add", "Trường B"]);
    env.cli(&["unit", "add", "Trường C"]);
    // "03" is a new name, not unit 3.
    env.cli(&["unit", "add", "03"]);
    let list = env.cli(&["unit", "list"]);
    assert!(list.lines().any(|l| l.starts_with("4\t03\t")), "{list}");
    let by_name = env.cli(&["invite", "--unit", "03", "--role", "chair"]);
    assert!(by_name.contains("03"), "{by_name}");
    let by_id = env.cli(&["invite", "--unit", "#2", "--role", "chair"]);
    assert!(by_id.contains("Trường B"), "{by_id}");
    let out = env.cli_raw(&["reminders", "preview", "--days", "100000000"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("100000000") && !err.contains("panicked"),
        "{err}"
    );
}

#[tokio::test]
async fn units_whose_names_clean_alike_export_to_separate_folders_and_nothing_is_overwritten() {
    use thidua::conversation::StoredFile;
    use thidua::data_dir::DataDir;
    use thidua::store::{self, campaigns, deadlines, submissions, units};

    let env = TestEnv::new();
    let db = store::connect(&env.database_url()).await.unwrap();
    let data = DataDir::new(env.dir.path().join("data")).unwrap();
    let campaign = campaigns::ensure_seed(&db).await.unwrap();
    let mut tx = db.write().await.unwrap();
    let report = deadlines::for_campaign(&mut tx, campaign.id)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.spec.key == "report")
        .unwrap();
    for (name, bytes) in [
        ("Trường A/B", b"%PDF-1 a".as_slice()),
        ("Trường A_B", b"%PDF-1 b"),
    ] {
        let unit = units::add(&mut tx, name, thidua::domain::unit::UnitKind::Agency)
            .await
            .unwrap();
        let draft = data.save_draft(name, "0", "bao-cao.pdf", bytes).unwrap();
        let sha = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(bytes));
        let path = data
            .accept(&draft, report.id, unit.id, &sha, "bao-cao.pdf")
            .unwrap()
            .unwrap();
        let now = chrono::Utc::now();
        let id = submissions::submit(&mut tx, &report, unit.id, None, None, now, now)
            .await
            .unwrap();
        let file = StoredFile {
            name: "bao-cao.pdf".into(),
            size: bytes.len() as u64,
            sha256: sha,
            path,
            channel: "telegram".into(),
            file_id: "x".into(),
        };
        submissions::replace_files(&mut tx, id, &report, &[file], now)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    let out = env.dir.path().join("export");
    let mut conn = db.read().await.unwrap();
    let n = thidua::export::submissions(&mut conn, &data, &out)
        .await
        .unwrap();
    assert_eq!(n, 2);
    let mut contents: Vec<Vec<u8>> = support::files_under(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".pdf"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    contents.sort();
    assert_eq!(contents, [b"%PDF-1 a".to_vec(), b"%PDF-1 b".to_vec()]);
    // A second export into the same folder stops instead of overwriting.
    let again = thidua::export::submissions(&mut conn, &data, &out).await;
    assert!(again.is_err(), "an export overwrote an earlier one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zalo_photo_from_outside_zalo_is_not_fetched() {
    use support::fake_zalo::{FakeZalo, ZTalk, ZUser, TOKEN as ZALO_TOKEN};
    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường A"]);
    let code = env.invite("CĐCS Trường A", "chair");
    let api = FakeZalo::start().await;
    // No ZALO_FILE_HOSTS: the fake's loopback photo URL is not Zalo's.
    let bot = env.spawn_with(
        &["run", "--now", "2025-05-02T09:00:00+07:00"],
        &[
            ("ZALO_BOT_TOKEN", ZALO_TOKEN.to_string()),
            ("ZALO_API_URL", api.url()),
        ],
    );
    let mut chair = ZTalk::new(&api, ZUser::new("e4ea2cd5189df1c3a88c", "Nguyen Van A"));
    chair.say(&code).expect("Chào mừng").await;
    chair.say("/baocao").expect("(1/2) Xin gửi tệp").await;
    chair.photo().expect("Chưa tải được tệp").await;
    assert!(
        !api.calls().iter().any(|c| c.contains("img")),
        "{:?}",
        api.calls()
    );
    let log = bot.log_text();
    assert!(
        !log.contains(ZALO_TOKEN.split(':').nth(1).unwrap()),
        "{log}"
    );
}

#[test]
fn a_damaged_or_empty_database_file_is_named_at_once() {
    let env = TestEnv::new();
    for (content, says) in [
        (b"".as_slice(), "empty (0 bytes)"),
        (
            b"not a database at all, just text".as_slice(),
            "not a SQLite database",
        ),
    ] {
        std::fs::write(env.db_path(), content).unwrap();
        let started = std::time::Instant::now();
        let out = env.cli_raw(&["unit", "list"]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // Nothing was written over it.
        assert_eq!(std::fs::read(env.db_path()).unwrap(), content);
    }
}

#[test]
fn a_backup_is_a_consistent_copy_and_never_overwrites() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường A"]);
    let copy = env.dir.path().join("sao-luu.db");
    let out = env.cli(&["backup", copy.to_str().unwrap()]);
    assert!(out.contains("sao-luu.db"), "{out}");
    let restored = TestEnv::new();
    std::fs::copy(&copy, restored.db_path()).unwrap();
    assert!(restored.cli(&["unit", "list"]).contains("CĐCS Trường A"));
    let again = env.cli_raw(&["backup", copy.to_str().unwrap()]);
    assert!(!again.status.success());
    // The CLI closes the database on exit: the main file alone holds every write.
    let alone = TestEnv::new();
    std::fs::copy(env.db_path(), alone.db_path()).unwrap();
    assert!(alone.cli(&["unit", "list"]).contains("CĐCS Trường A"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_right_after_start_stops_the_bot() {
    for delay in [50, 150, 300, 600] {
        let env = TestEnv::new();
        let api = FakeTelegram::start().await;
        let mut bot = env.run_bot(&api);
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
        let stopped = std::time::Instant::now();
        std::process::Command::new("kill")
            .args(["-TERM", &bot.pid().to_string()])
            .status()
            .unwrap();
        while bot.is_running() {
            assert!(
                stopped.elapsed() < std::time::Duration::from_secs(10),
                "still running {delay} ms after start:\n{}",
                bot.log_text()
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

/// The example campaign with these `[[question]]`s (key, prompt) after it.
fn with_questions(env: &TestEnv, name: &str, questions: &[(&str, &str)]) -> String {
    let mut text = std::fs::read_to_string(EXAMPLE).unwrap();
    for (key, prompt) in questions {
        text.push_str(&format!(
            "\n[[question]]\nkey = \"{key}\"\nlabel = \"{prompt}\"\nprompt = \"{prompt}?\"\nkind = \"text\"\n"
        ));
    }
    let file = env.dir.path().join(name);
    std::fs::write(&file, text).unwrap();
    file.to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_taken_out_while_a_chair_answers_it_loses_nothing() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường A"]);
    let code = env.invite("CĐCS Trường A", "chair");
    let two = with_questions(
        &env,
        "two.toml",
        &[
            ("phoi_hop", "Đơn vị phối hợp"),
            ("so_nguoi", "Số người tham gia"),
        ],
    );
    env.cli(&["campaign", "load", &two]);
    let api = FakeTelegram::start().await;
    let bot = env.run_bot(&api);
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "A"));
    chair
        .say(&format!("/start {code}"))
        .expect("Chào mừng")
        .await;
    let n = thidua::conversation::registration_form::REGISTRATION
        .fields
        .len();
    let kind = chair.say("/dangky").expect("(1/").await;
    chair.press(&kind.button("Mô hình")).expect("(2/").await;
    chair.say("Mái ấm công đoàn").expect("(3/").await;
    chair.say("15/1/2025").expect("(4/").await;
    chair.say("30/6/2025").expect("(5/").await;
    chair.say("Xây hai căn nhà").expect("(6/").await;
    chair.say("250 triệu").expect("(7/").await;
    for _ in 7..n {
        chair.say("/boqua").expect("/").await;
    }
    let asked = chair.say("/boqua").expect("Đơn vị phối hợp?").await;
    assert!(
        asked.text.contains(&format!("({}/{})", n + 1, n + 2)),
        "{}",
        asked.text
    );

    // The district takes the question out while the chair is typing the answer;
    // the next question moves into its place.
    let one = with_questions(&env, "one.toml", &[("so_nguoi", "Số người tham gia")]);
    env.cli(&["campaign", "load", &one]);
    let changed = chair
        .say("Công ty Điện lực")
        .expect("vừa sửa các câu hỏi")
        .await;
    assert!(
        changed.text.contains("Số người tham gia?"),
        "{}",
        changed.text
    );
    let summary = chair.say("30 người").expect("Xin kiểm tra lại").await;
    assert!(
        summary.text.contains("Số người tham gia: 30 người"),
        "{}",
        summary.text
    );
    assert!(
        !summary.text.contains("Công ty Điện lực"),
        "{}",
        summary.text
    );
    assert!(
        summary.text.contains("Mái ấm công đoàn"),
        "{}",
        summary.text
    );

    // Taken out again, now that the chair stands at the summary on it.
    let none = with_questions(&env, "none.toml", &[]);
    env.cli(&["campaign", "load", &none]);
    let again = chair.say("/dangky").expect("vừa sửa các câu hỏi").await;
    assert!(again.text.contains("Xin kiểm tra lại"), "{}", again.text);
    chair
        .press(&again.button("Xác nhận gửi"))
        .expect("Đã nhận đăng ký số 001/ĐK")
        .await;
    let log = bot.log_text();
    assert!(!log.contains("panicked"), "{log}");
}
