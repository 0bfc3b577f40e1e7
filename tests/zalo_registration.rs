//! The same bot on Zalo: numbered answers for buttons, long polling and webhook,
//! a restart mid-form, and one person on both Telegram and Zalo.

mod support;

use support::fake_telegram::{FakeTelegram, User};
use support::fake_zalo::{FakeZalo, ZTalk, ZUser, TOKEN as ZALO_TOKEN};
use support::{Talk, TestEnv, TOKEN};
use thidua::domain::registration::field::{BENEFIT_SOCIAL, ESTIMATED_VALUE};

const SCHOOL: &str = "CĐCS Trường Tiểu học Vĩnh Thuận";
const DISTRICT: &str = "LĐLĐ huyện Vĩnh Thuận";

fn zalo_vars(api: &FakeZalo) -> Vec<(&'static str, String)> {
    vec![
        ("ZALO_BOT_TOKEN", ZALO_TOKEN.to_string()),
        ("ZALO_API_URL", api.url()),
        // The fake serves photos from loopback over plain HTTP.
        ("ZALO_FILE_HOSTS", "http://127.0.0.1".to_string()),
    ]
}

fn setup() -> (TestEnv, String, String) {
    let env = TestEnv::new();
    env.cli(&["unit", "add", SCHOOL]);
    env.cli(&["unit", "add", DISTRICT]);
    let chair = env.invite(SCHOOL, "chair");
    let staff = env.invite(DISTRICT, "staff");
    (env, chair, staff)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chair_registers_on_zalo_with_numbered_answers() {
    let (env, chair_code, staff_code) = setup();
    let api = FakeZalo::start().await;
    let mut bot = env.spawn(&zalo_vars(&api));

    let mut stranger = ZTalk::new(&api, ZUser::new("0a1b2c3d4e5f60718293", "Khách"));
    stranger.say("/dangky").expect("mã mời").await;

    let mut staff = ZTalk::new(&api, ZUser::new("ffeeddccbbaa99887766", "Lê Kim Thoa"));
    staff
        .say(&format!("/start {staff_code}"))
        .expect("cán bộ")
        .await;
    let mut chair = ZTalk::new(
        &api,
        ZUser {
            name_key: "first_name",
            ..ZUser::new("e4ea2cd5189df1c3a88c", "Nguyen Van A")
        },
    );
    // No deep links on Zalo: the code alone is enough.
    chair
        .say(&chair_code.to_lowercase())
        .expect("Chào mừng Nguyen Van A")
        .await;

    let kind = chair.say("/dangky").expect(&support::step(1)).await;
    assert!(
        kind.text.contains(
            "1. Công trình\n2. Sản phẩm\n3. Mô hình\n4. Chương trình\n0. « Quay lại\n(Trả lời bằng số tương ứng)"
        ),
        "{}",
        kind.text
    );
    chair.say("7").expect("Xin chọn một trong các loại").await;
    chair.say("2").expect(&support::step(2)).await;
    chair.say("0").expect("Đã ghi: Sản phẩm").await;
    chair.say("3").expect(&support::step(2)).await;
    chair
        .say("Sổ tay đoàn viên điện tử")
        .expect(&support::step(3))
        .await;
    chair.image().expect("chỉ nhận chữ").await;
    chair.sticker().expect("chỉ nhận chữ").await;
    chair.say("29/02/2025").expect("không có ngày 29").await;
    chair.say("1.3.2025").expect(&support::step(4)).await;
    chair
        .say("28/2/2025")
        .expect("không được trước ngày bắt đầu")
        .await;
    chair.say("30/6").expect(&support::step(5)).await;
    // Long enough that the summary cannot fit in one Zalo message.
    let content = "Xây dựng ứng dụng sổ tay đoàn viên trên điện thoại. ".repeat(36);
    chair.say(content.trim()).expect(&support::step(6)).await;
    chair.say("200-300 triệu").expect("không ghi khoảng").await;

    // Power cut; Zalo keeps no offset, the state is in the database.
    bot.kill_hard();
    let mut bot = env.spawn(&zalo_vars(&api));
    chair.say("300 trieu").expect("300.000.000 đồng").await;
    chair.say("1").expect(&support::step(8)).await;
    chair
        .say("Đoàn viên tra cứu chế độ nhanh hơn")
        .expect(&support::step(9))
        .await;
    chair.skip_after(BENEFIT_SOCIAL).await;
    let menu = chair
        .expect("1. ✅ Xác nhận gửi\n2. ✏️ Sửa\n3. ❌ Hủy\n0. « Quay lại")
        .await;
    assert!(
        menu.text.contains("Đoàn viên tra cứu chế độ nhanh hơn"),
        "{}",
        menu.text
    );
    chair.say("2").expect("muốn sửa mục nào").await;
    chair.say("6").expect("Sửa: Tổng giá trị").await;
    chair.say("250 triệu").expect("Xin kiểm tra lại").await;
    chair.expect("250.000.000 đồng").await;
    chair.say("1").expect("Đã nhận đăng ký số 001/ĐK").await;
    staff.expect("Đăng ký mới 001/ĐK").await;
    // The menu is gone with the summary: "1" again registers nothing.
    chair.say("1").expect("/dangky").await;

    let list = chair.say("/cuatoi").expect("001/ĐK").await;
    assert!(
        list.text
            .contains("1. ✏️ Sửa 001/ĐK\n2. ↩️ Rút đăng ký 001/ĐK\n3. 📄 Bản Word 001/ĐK\n4. 🏁 Báo kết quả 001/ĐK\n5. 📝 Đăng ký công trình mới"),
        "{}",
        list.text
    );
    // The Word form cannot come through Zalo: the chair is told how to get it.
    chair
        .say("3")
        .expect("Zalo chưa cho phép bot gửi tệp")
        .await;
    // Staff have no files on Zalo: told plainly.
    staff
        .say("/xuat")
        .expect("Zalo chưa cho phép bot gửi tệp")
        .await;

    assert!(api.refused().is_empty(), "{:?}", api.refused());
    assert!(api
        .sent_to(&chair.user.id)
        .iter()
        .all(|m| m.text.chars().count() <= 2000));
    assert!(api.calls().contains(&"deleteWebhook".to_string()));
    assert!(bot.terminate(), "clean exit:\n{}", bot.log_text());
    assert!(
        !bot.log_text().contains("zalo-secret-part"),
        "token in the log"
    );

    let csv = env.cli(&["export", "registrations", "--format", "csv"]);
    let rows = support::csv_records(&csv);
    assert_eq!(rows.len(), 1, "{csv}");
    let row = &rows[0];
    assert_eq!(row["kind"], "mo_hinh");
    assert_eq!(row["start_date"], "2025-03-01");
    assert_eq!(row["end_date"], "2025-06-30");
    assert_eq!(row["content"], content.trim());
    assert_eq!(row["estimated_value_vnd"], "250000000");
    assert_eq!(row["benefit_social"], "Đoàn viên tra cứu chế độ nhanh hơn");
    assert_eq!(row["submitted_by"], "Nguyen Van A");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_refuses_calls_without_the_secret() {
    let (env, chair_code, _) = setup();
    let api = FakeZalo::start().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let hook = format!("http://127.0.0.1:{port}/zalo/webhook");
    let secret = "s3cret-of-the-district";
    let mut vars = zalo_vars(&api);
    vars.push(("ZALO_WEBHOOK_URL", hook.clone()));
    vars.push(("ZALO_WEBHOOK_SECRET", secret.to_string()));
    vars.push(("ZALO_WEBHOOK_LISTEN", format!("127.0.0.1:{port}")));
    let mut bot = env.spawn(&vars);

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while api.webhook().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "no setWebhook:\n{}",
            bot.log_text()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(api.webhook(), Some((hook.clone(), secret.to_string())));
    let client = thidua::channels::zalo::api::ZaloClient::new(ZALO_TOKEN, Some(&api.url()));
    assert_eq!(client.get_webhook_info().await.unwrap(), hook);
    // Someone who wrote to the bot (Zalo refuses a send to anyone else).
    let reader = ZUser::new("ffffffffffffffffffff", "Người đọc");
    api.update(
        &reader,
        "message.text.received",
        serde_json::json!({ "text": "hi" }),
    );
    client
        .send_photo(
            "ffffffffffffffffffff",
            "https://zalo.example/poster.png",
            Some("Áp phích"),
        )
        .await
        .unwrap();
    assert_eq!(api.sent_to("ffffffffffffffffffff")[0].text, "Áp phích");
    let wrong = thidua::channels::zalo::api::ZaloClient::new("1:wrong", Some(&api.url()));
    let e = wrong.get_webhook_info().await.unwrap_err();
    assert!(!e.to_string().contains("wrong"), "no token in errors: {e}");

    let user = ZUser::new("a0b1c2d3e4f5a6b7c8d9", "Chị Hoa");
    let http = reqwest::Client::new();
    let post = |body: serde_json::Value, secret: Option<&str>| {
        let mut req = http.post(&hook).json(&body);
        if let Some(s) = secret {
            req = req.header("X-Bot-Api-Secret-Token", s);
        }
        req.send()
    };
    let start = api.update(
        &user,
        "message.text.received",
        serde_json::json!({ "text": format!("/start {chair_code}") }),
    );
    assert_eq!(post(start.clone(), None).await.unwrap().status(), 401);
    assert_eq!(
        post(start.clone(), Some("s3cret-of-the-distric"))
            .await
            .unwrap()
            .status(),
        401
    );
    assert!(api.sent_to(&user.id).is_empty(), "nothing reached the bot");

    // Bare body, then the same event wrapped in the API envelope.
    assert_eq!(post(start, Some(secret)).await.unwrap().status(), 200);
    let mut talk = ZTalk::new(&api, user.clone());
    talk.expect("Chào mừng Chị Hoa").await;
    let next = api.update(
        &user,
        "message.text.received",
        serde_json::json!({ "text": "/dangky" }),
    );
    let wrapped = serde_json::json!({ "ok": true, "result": next });
    assert_eq!(
        post(wrapped.clone(), Some(secret)).await.unwrap().status(),
        200
    );
    talk.expect(&support::step(1)).await;
    // Zalo retrying the same delivery does not move the form on: the same question
    // comes again (the first answer may not have gone out).
    assert_eq!(post(wrapped, Some(secret)).await.unwrap().status(), 200);
    let repeated = talk.quiet().await;
    assert_eq!(repeated.len(), 1, "{repeated:?}");
    assert!(repeated[0].text.contains(&support::step(1)), "{repeated:?}");
    assert_eq!(
        post(serde_json::json!({ "garbage": true }), Some(secret))
            .await
            .unwrap()
            .status(),
        200
    );
    // Zalo's test call when the webhook is set, or any body that is not an event:
    // taken (200) and ignored, not refused (Zalo would only call again).
    let not_json = http
        .post(&hook)
        .header("X-Bot-Api-Secret-Token", secret)
        .body("ping")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 200);
    // What Zalo said of its test call when the webhook was set is kept for doctor.
    let doctor = env.cli_with(&vars, &["doctor"]);
    let doctor = String::from_utf8_lossy(&doctor.stdout);
    assert!(doctor.contains("\"status\":\"success\""), "{doctor}");
    assert!(doctor.contains("1/50 người"), "one person joined: {doctor}");
    assert!(doctor.contains("3/3000 tin nhắn"), "{doctor}");
    // Numbers as Vietnamese writes them: "38,4 GiB".
    let space = doctor
        .lines()
        .find(|l| l.contains("GiB"))
        .unwrap_or_default();
    assert!(space.contains(',') && !space.contains('.'), "{space}");
    assert!(bot.is_running());
    assert!(bot.terminate(), "clean exit:\n{}", bot.log_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_person_on_both_channels() {
    let (env, chair_code, staff_code) = setup();
    let chair_code_2 = env.invite(SCHOOL, "chair");
    let staff_code_2 = env.invite(DISTRICT, "staff");
    let tg = FakeTelegram::start().await;
    let zl = FakeZalo::start().await;
    let mut vars = zalo_vars(&zl);
    vars.push(("TELOXIDE_TOKEN", TOKEN.to_string()));
    vars.push(("TELOXIDE_API_URL", tg.url()));
    let mut bot = env.spawn(&vars);

    // The district officer follows the campaign on both apps.
    let mut staff_tg = Talk::new(&tg, User::new(2002, "Thoa", "Lê Kim"));
    staff_tg
        .say(&format!("/start {staff_code}"))
        .expect("cán bộ")
        .await;
    let mut staff_zl = ZTalk::new(&zl, ZUser::new("5a5a5a5a5a5a5a5a5a5a", "Lê Kim Thoa"));
    staff_zl.say(&staff_code_2).expect("cán bộ").await;

    // The chair registers on Zalo...
    let mut chair_zl = ZTalk::new(&zl, ZUser::new("c0ffee00c0ffee00c0ff", "Trần Văn Bình"));
    chair_zl.say(&chair_code).expect("Chào mừng").await;
    chair_zl.say("/dangky").expect(&support::step(1)).await;
    for (answer, next) in [
        ("1", support::step(2)),
        ("Sân bóng chuyền cho công nhân", support::step(3)),
        ("1/4/2025", support::step(4)),
        ("31/5/2025", support::step(5)),
        ("Cải tạo sân, lắp đèn chiếu sáng", support::step(6)),
        ("120tr", support::step(7)),
    ] {
        chair_zl.say(answer).expect(&next).await;
    }
    chair_zl.skip_after(ESTIMATED_VALUE).await;
    chair_zl.say("1").expect("001/ĐK").await;
    // ...staff hear of it on both channels, once each.
    staff_tg.expect("Đăng ký mới 001/ĐK").await;
    staff_zl.expect("Đăng ký mới 001/ĐK").await;
    assert!(staff_tg.quiet().await.is_empty());
    assert!(staff_zl.quiet().await.is_empty());

    // ...and later opens Telegram: the same unit's work is there to change.
    let mut chair_tg = Talk::new(&tg, User::new(1001, "Bình", "Trần Văn"));
    chair_tg
        .say(&format!("/start {chair_code_2}"))
        .expect("Chào mừng")
        .await;
    let list = chair_tg
        .say("/cuatoi")
        .expect("Sân bóng chuyền cho công nhân")
        .await;
    assert!(list.buttons.iter().any(|(l, _)| l.contains("Sửa 001/ĐK")));
    // Replies go to the channel the message came from.
    assert!(chair_zl.quiet().await.is_empty());
    assert!(bot.terminate(), "clean exit:\n{}", bot.log_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_handed_in_as_a_photo_on_zalo() {
    let (env, chair_code, _) = setup();
    let api = FakeZalo::start().await;
    let mut vars = zalo_vars(&api);
    vars.push((
        "THIDUA_DATA_DIR",
        env.dir.path().join("files").display().to_string(),
    ));
    let mut bot = env.spawn_with(&["run", "--now", "2025-05-02T09:00:00+07:00"], &vars);
    let mut chair = ZTalk::new(&api, ZUser::new("e4ea2cd5189df1c3a88c", "Nguyen Van A"));
    chair.say(&chair_code).expect("Chào mừng").await;
    let ask = chair.say("/baocao").expect("(1/2) Xin gửi tệp").await;
    assert!(ask.text.contains("chỉ nhận được ảnh chụp"), "{}", ask.text);
    chair.say("gửi sau").expect("xin gửi tệp").await;
    chair.photo().expect("Đã nhận tệp anh-zalo-").await;
    let list = chair.say("1").expect("Kiểm tra trước khi nộp").await;
    assert!(list.text.contains("1. 📨 Nộp"), "{}", list.text);
    chair.say("1").expect("Đã nộp Báo cáo tổng kết").await;
    assert!(bot.terminate());
    let out = env.dir.path().join("export");
    // The export reads the same configuration as the bot: its data folder too.
    env.export_submissions(&env.dir.path().join("files"), &out, None);
    let index = std::fs::read_to_string(out.join("index.csv")).unwrap();
    assert!(index.contains(",report,bao_cao,submitted,no,"), "{index}");
    let stored: Vec<_> = support::files_under(&env.dir.path().join("files"));
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(
        std::fs::read(&stored[0]).unwrap(),
        b"\xff\xd8\xff zalo jpeg"
    );
}

/// A Zalo display name is often a nickname: the chair is asked once for the full name
/// printed on paper (a wrong one is said and asked again), may keep the nickname, and
/// changes it later from /cuatoi. A display name that is a full name is not asked; a
/// command leaves the question with the name kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nickname_is_asked_for_the_name_on_paper() {
    let (env, chair_code, _) = setup();
    let second = env.invite(SCHOOL, "chair");
    let third = env.invite(SCHOOL, "chair");
    let api = FakeZalo::start().await;
    let mut bot = env.spawn(&zalo_vars(&api));

    let mut hoa = ZTalk::new(&api, ZUser::new("a0b1c2d3e4f5a6b7c8d9", "Chị Hoa 🌸"));
    let asked = hoa
        .say(&chair_code)
        .expect("Họ và tên để ghi trên văn bản")
        .await;
    assert!(
        asked.text.contains("Chào mừng Chị Hoa 🌸"),
        "{}",
        asked.text
    );
    assert!(
        asked.text.contains("1. Giữ tên «Chị Hoa 🌸»"),
        "{}",
        asked.text
    );
    hoa.say("Hoa").expect("ít nhất hai chữ").await;
    hoa.say("Hoa 2").expect("chỉ gồm chữ cái").await;
    let saved = hoa.say("trần thị hoa").expect("Văn bản sẽ ghi tên").await;
    assert!(saved.text.contains("Trần Thị Hoa."), "{}", saved.text);
    assert!(
        saved.text.contains("1. 📝 Đăng ký công trình"),
        "{}",
        saved.text
    );

    // Later, from /cuatoi: the entry to change it, the name now shown, kept with "1".
    let mine = hoa.say("/cuatoi").expect("Đổi họ tên trên văn bản").await;
    let entry = mine
        .text
        .lines()
        .find(|l| l.contains("Đổi họ tên"))
        .and_then(|l| l.split('.').next())
        .unwrap()
        .to_string();
    let again = hoa
        .say(&entry)
        .expect("Văn bản đang ghi tên: Trần Thị Hoa.")
        .await;
    assert!(
        again.text.contains("1. Giữ tên «Trần Thị Hoa»"),
        "{}",
        again.text
    );
    hoa.say("Trần Thị Mai Hoa")
        .expect("Văn bản sẽ ghi tên: Trần Thị Mai Hoa.")
        .await;

    // A full name is taken as it is: welcomed, nothing asked.
    let mut binh = ZTalk::new(&api, ZUser::new("c0ffee00c0ffee00c0ff", "Trần Văn Bình"));
    let welcome = binh.say(&second).expect("Chào mừng Trần Văn Bình").await;
    let mut said = binh.quiet().await;
    said.push(welcome);
    assert!(
        said.iter().all(|s| !s.text.contains("Họ và tên")),
        "{said:?}"
    );

    // A command while asked: the question is left, the command served.
    let mut lan = ZTalk::new(&api, ZUser::new("b1b1b1b1b1b1b1b1b1b1", "Lan"));
    lan.say(&third)
        .expect("Họ và tên để ghi trên văn bản")
        .await;
    lan.say("/dangky").expect(&support::step(1)).await;
    assert!(bot.terminate(), "clean exit:\n{}", bot.log_text());
}

/// On Zalo a number answers the last numbered message the chair saw, also one the bot
/// sent on its own (an announcement's "Đã nhận", the result question); once the chat
/// answers something later, its own menu counts again. Found by the rehearsal: the
/// result question's "1. ✅ Hoàn thành" used to get the idle hint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_answers_what_the_bot_sent_on_its_own() {
    let (env, chair_code, _) = setup();
    let api = FakeZalo::start().await;
    let run_at = |now: &str| env.spawn_with(&["run", "--now", now], &zalo_vars(&api));
    let mut bot = run_at("2025-06-20T09:00:00+07:00");
    let mut chair = ZTalk::new(&api, ZUser::new("e4ea2cd5189df1c3a88c", "Nguyen Van A"));
    chair.say(&chair_code).expect("Chào mừng").await;
    use thidua::domain::registration::field::*;
    let block = support::quick_form(&[
        (KIND, "Mô hình"),
        (NAME, "Mái ấm công đoàn"),
        (START_DATE, "1/3/2025"),
        (END_DATE, "30/6/2025"),
        (CONTENT, "Xây nhà cho đoàn viên"),
        (ESTIMATED_VALUE, "250 triệu"),
    ]);
    chair.say("/nhanh").expect("Điền nhanh").await;
    chair.say(&block).expect("Xin kiểm tra lại").await;
    chair.say("1").expect("Đã nhận đăng ký số 001/ĐK").await;

    env.cli(&[
        "broadcast",
        "--text",
        "Họp chủ tịch CĐCS ngày 25/6",
        "--audience",
        "all",
    ]);
    chair.expect("1. ✅ Đã nhận").await;
    chair.say("1").expect("đã ghi nhận").await;
    // Its menu went with the answer: "1" again acknowledges nothing twice.
    chair.say("1").expect("/dangky").await;
    bot.terminate();

    let mut bot = run_at("2025-07-01T07:59:55+07:00");
    chair.expect("1. ✅ Hoàn thành").await;
    chair.say("1").expect("Giá trị thực hiện thực tế").await;
    chair.say("/huy").expect("chưa ghi kết quả").await;
    // The chat answered since: its own list's numbers count, not the question's.
    chair.say("/cuatoi").expect("1. ✏️ Sửa 001/ĐK").await;
    chair.say("1").expect("Bản đăng ký 001/ĐK:").await;
    assert!(api.refused().is_empty(), "{:?}", api.refused());
    assert!(bot.terminate(), "clean exit:\n{}", bot.log_text());
}
