//! The whole registration story over Telegram: the real `thidua` binary, a fake Bot
//! API on loopback, a real SQLite file, a hard kill in the middle.

mod support;

use support::fake_telegram::{FakeTelegram, User, BOT_USERNAME};
use support::{Talk, TestEnv, TOKEN};
use thidua::conversation::registration_form::REGISTRATION;
use thidua::domain::registration::field::{BENEFIT_SOCIAL, ESTIMATED_VALUE};

const SCHOOL: &str = "CĐCS Trường THCS Vĩnh Thuận";
const CLINIC: &str = "CĐCS Trạm Y tế xã Vĩnh Bình Bắc";
const DISTRICT: &str = "LĐLĐ huyện Vĩnh Thuận";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chair_registers_a_work_from_the_phone() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", SCHOOL]);
    env.cli(&["unit", "add", CLINIC, "--kind", "agency"]);
    env.cli(&["unit", "add", DISTRICT]);
    let units = env.cli(&["unit", "list"]);
    assert!(
        units.contains(SCHOOL) && units.contains(DISTRICT),
        "{units}"
    );
    let chair_code = env.invite("cdcs truong thcs vinh thuan", "chair");
    let staff_code = env.invite(DISTRICT, "staff");
    let clinic_code = env.invite(CLINIC, "chair");
    assert_eq!(chair_code.len(), 8, "{chair_code}");

    let api = FakeTelegram::start().await;
    let mut bot = env.run_bot(&api);

    // A stranger reaches nothing but the explanation.
    let mut stranger = Talk::new(&api, User::new(3003, "Người", "Lạ"));
    stranger.say("/dangky").expect("mã mời").await;
    stranger.say("/cuatoi").expect("mã mời").await;
    stranger.say("Xin chào").expect("mã mời").await;
    stranger.press("p:mo_hinh").expect("mã mời").await;
    let said = stranger.quiet().await;
    assert!(said.is_empty(), "{said:?}");
    stranger.say("/start ZZZZ2222").expect("không đúng").await;

    // Staff and chair join with their codes; the chair types it in lower case.
    let mut staff = Talk::new(&api, User::new(2002, "Thoa", "Lê Kim"));
    staff
        .say(&format!("/start {staff_code}"))
        .expect("cán bộ LĐLĐ huyện Vĩnh Thuận")
        .await;
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "Nguyễn Thị"));
    let welcome = chair
        .say(&format!("/start {}", chair_code.to_lowercase()))
        .expect("Chào mừng Lan Nguyễn Thị")
        .await;
    assert!(welcome.text.contains(SCHOOL), "{}", welcome.text);
    assert!(welcome.text.contains("/dangky"), "{}", welcome.text);
    // A code works once.
    stranger
        .say(&format!("/start {chair_code}"))
        .expect("đã được dùng")
        .await;

    // The form, in the order of the paper form, with mistakes along the way.
    let kind = chair.say("/dangky").expect(&support::step(1)).await;
    assert!(
        kind.buttons.iter().any(|(l, _)| l == "Mô hình"),
        "{:?}",
        kind.buttons
    );
    chair
        .say("không biết")
        .expect("Xin chọn một trong các loại")
        .await;
    chair
        .press(&kind.button("Mô hình"))
        .expect(&format!("{} Tên công trình", support::step(2)))
        .await;
    chair.say("Nhà").expect("ít nhất 5 ký tự").await;
    chair
        .say("Mái ấm công đoàn cho đoàn viên khó khăn")
        .expect(&support::step(3))
        .await;
    chair.say("31/02/2025").expect("không có ngày 31").await;
    chair
        .say("15/1")
        .expect("Đã ghi nhận ngày 15/01/2025")
        .await;
    let again = chair
        .say("1/1/2025")
        .expect("không được trước ngày bắt đầu (15/01/2025)")
        .await;
    assert!(
        again.text.contains(&support::step(4)),
        "the same question again: {}",
        again.text
    );
    chair.say("30-6-2025").expect(&support::step(5)).await;
    let photo = chair.photo().expect("chỉ nhận chữ").await;
    assert!(photo.text.contains(&support::step(5)), "{}", photo.text);
    chair.sticker().expect("chỉ nhận chữ").await;
    chair.say("/xyz").expect("không dùng được lúc này").await;
    chair
        .say("Vận động xây 2 căn nhà, mỗi căn 125 triệu đồng")
        .expect(&format!("{} Tổng giá trị", support::step(6)))
        .await;
    chair.say("nhiều lắm").expect("Chưa hiểu số tiền").await;
    chair.say("0").expect("lớn hơn 0").await;

    // Power cut in the middle of the form.
    bot.kill_hard();
    let mut bot = env.run_bot(&api);
    let amount = chair.say("1,5 tỷ").expect("1.500.000.000 đồng").await;
    assert!(amount.text.contains(&support::step(7)), "{}", amount.text);
    chair
        .press(&amount.button("Bỏ qua"))
        .expect(&support::step(8))
        .await;
    chair
        .say("Đoàn viên an cư, yên tâm công tác")
        .expect(&support::step(9))
        .await;
    // Back one step keeps the answer, shown as the current one.
    let back = chair.say("/quaylai").expect(&support::step(8)).await;
    assert!(
        back.text.contains("Đã ghi: Đoàn viên an cư"),
        "{}",
        back.text
    );
    chair
        .say("Đoàn viên an cư, yên tâm công tác")
        .expect(&support::step(9))
        .await;
    let summary = chair.skip_after(BENEFIT_SOCIAL).await;
    for part in [
        "Loại: Mô hình",
        "Mái ấm công đoàn cho đoàn viên khó khăn",
        "Thời gian bắt đầu: 15/01/2025",
        "Thời gian kết thúc: 30/06/2025",
        "1.500.000.000 đồng",
        "Kinh tế: (bỏ qua)",
        "Xã hội: Đoàn viên an cư",
    ] {
        assert!(
            summary.text.contains(part),
            "{part} missing from {}",
            summary.text
        );
    }

    // Change one field from the summary, come back to the summary.
    chair
        .press(&summary.button("Sửa"))
        .expect("muốn sửa mục nào")
        .await;
    chair
        .press("f:estimated_value")
        .expect("Sửa: Tổng giá trị")
        .await;
    let summary = chair.say("250tr").expect("Xin kiểm tra lại").await;
    assert!(
        summary.text.contains("250.000.000 đồng"),
        "{}",
        summary.text
    );

    // Double tap on "Xác nhận gửi": one registration, one notification.
    let confirm = summary.button("Xác nhận gửi");
    chair.press(&confirm).press(&confirm);
    chair.expect("Đã nhận đăng ký số 001/ĐK").await;
    chair.expect("đã được gửi rồi (số 001/ĐK)").await;
    let note = staff.expect("Đăng ký mới 001/ĐK").await;
    assert!(
        note.text.contains(SCHOOL) && note.text.contains("250.000.000 đồng"),
        "{}",
        note.text
    );
    let more = staff.quiet().await;
    assert!(
        more.iter().all(|s| !s.text.contains("Đăng ký mới")),
        "{more:?}"
    );

    // Another chair cannot touch this unit's work, even with forged button data.
    let mut other = Talk::new(&api, User::new(4004, "Bình", "Trần"));
    other
        .say(&format!("/start {clinic_code}"))
        .expect("Chào mừng")
        .await;
    let theirs = chair.say("/cuatoi").expect("001/ĐK").await;
    let withdraw = theirs.button("Rút đăng ký 001/ĐK");
    other.press(&withdraw).expect("Không tìm thấy").await;
    other
        .say("/cuatoi")
        .expect("chưa đăng ký công trình nào")
        .await;

    // Withdraw, asked first.
    chair
        .press(&withdraw)
        .expect("Rút bản đăng ký 001/ĐK")
        .await;
    chair.press("wn").expect("giữ nguyên").await;

    // Change a stored work: it opens at its summary and keeps its number.
    let summary = chair
        .press(&theirs.button("Sửa 001/ĐK"))
        .expect("Bản đăng ký 001/ĐK:")
        .await;
    assert!(
        summary.text.contains("250.000.000 đồng"),
        "{}",
        summary.text
    );
    chair
        .press(&summary.button("Sửa"))
        .expect("muốn sửa mục nào")
        .await;
    chair.press("f:time_saved").expect("Sửa: Rút ngắn").await;
    let summary = chair
        .say("Sớm hơn 1 tháng")
        .expect("Bản đăng ký 001/ĐK:")
        .await;
    assert!(
        summary
            .text
            .contains("Rút ngắn thời gian thực hiện: Sớm hơn 1 tháng"),
        "{}",
        summary.text
    );
    chair
        .press(&summary.button("Xác nhận gửi"))
        .expect("Đã cập nhật bản đăng ký 001/ĐK")
        .await;
    staff.expect("đã sửa bản đăng ký 001/ĐK").await;

    // A second work, then withdrawn; numbers keep counting.
    let kind = chair.say("/register").expect(&support::step(1)).await;
    chair
        .press(&kind.button("Chương trình"))
        .expect(&support::step(2))
        .await;
    chair
        .say("Chương trình Tết sum vầy 2025")
        .expect(&support::step(3))
        .await;
    chair.say("2025-01-10").expect(&support::step(4)).await;
    chair
        .say("ngày 5 tháng 2 năm 2025")
        .expect(&support::step(5))
        .await;
    chair
        .say("Tặng quà Tết cho 100 đoàn viên")
        .expect(&support::step(6))
        .await;
    chair
        .say("khoảng 200 triệu")
        .expect("200.000.000 đồng")
        .await;
    let summary = chair.skip_after(ESTIMATED_VALUE).await;
    chair
        .press(&summary.button("Xác nhận gửi"))
        .expect("002/ĐK")
        .await;
    let list = chair.say("/my").expect("002/ĐK").await;
    chair
        .press(&list.button("Rút đăng ký 002/ĐK"))
        .expect("Rút bản đăng ký 002/ĐK")
        .await;
    chair
        .press("wy:2")
        .expect("Đã rút bản đăng ký 002/ĐK")
        .await;
    staff.expect("đã rút bản đăng ký 002/ĐK").await;
    chair.press("wy:2").expect("đã được rút trước đó").await;

    // A stale summary button from a cancelled draft creates nothing.
    chair.say("/dangky").expect(&support::step(1)).await;
    chair.say("/huy").expect("Đã hủy").await;
    chair
        .press("c:STALEKEYSTALEKEY")
        .expect("Nút này đã cũ")
        .await;

    // Staff download the spreadsheet in the chat; chairs may not.
    chair.say("/xuat").expect("Chỉ cán bộ").await;
    let doc = staff.say("/xuat").expect("2 bản").await;
    let (name, bytes) = doc.document.expect("a document");
    assert!(name.ends_with(".xlsx"), "{name}");
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");

    // Telegram's menu lists the commands, in both languages, set at each start.
    let commands = api.commands();
    assert_eq!(commands.len(), 4, "two starts, two languages: {commands:?}");
    assert!(commands[2]["language_code"].is_null());
    assert_eq!(
        commands[2]["commands"][0]["description"],
        "Đăng ký công trình thi đua"
    );
    assert_eq!(commands[3]["language_code"], "en");

    // Everything was confirmed to Telegram, and a SIGTERM stops the bot cleanly.
    assert!(
        bot.terminate(),
        "clean exit on SIGTERM:\n{}",
        bot.log_text()
    );
    assert!(
        !bot.log_text().contains(TOKEN.split(':').nth(1).unwrap()),
        "the token leaked into the log"
    );

    // The operator's exports read back what the chairs typed.
    let csv_text = env.cli(&["export", "registrations", "--format", "csv"]);
    // The header is the export's (its exact columns are pinned once, in export's tests).
    let header = csv_text.lines().next().unwrap();
    assert_eq!(header, thidua::export::header(&REGISTRATION).join(","));
    let rows = support::csv_records(&csv_text);
    assert_eq!(rows.len(), 2, "{csv_text}");
    let first = &rows[0];
    assert_eq!(first["number"], "001/ĐK");
    assert_eq!(first["unit"], SCHOOL);
    assert_eq!(first["kind"], "mo_hinh");
    assert_eq!(first["name"], "Mái ấm công đoàn cho đoàn viên khó khăn");
    assert_eq!(first["start_date"], "2025-01-15");
    assert_eq!(first["end_date"], "2025-06-30");
    assert_eq!(first["estimated_value_vnd"], "250000000");
    assert_eq!(first["benefit_economic"], "");
    assert_eq!(first["benefit_social"], "Đoàn viên an cư, yên tâm công tác");
    assert_eq!(first["time_saved"], "Sớm hơn 1 tháng", "{csv_text}");
    assert_eq!(first["status"], "submitted");
    assert_eq!(first["submitted_by"], "Lan Nguyễn Thị");
    assert!(first["submitted_at"].ends_with("+07:00"), "{first:?}");
    assert_eq!(rows[1]["number"], "002/ĐK");
    assert_eq!(rows[1]["estimated_value_vnd"], "200000000");
    assert_eq!(rows[1]["status"], "withdrawn");

    let json: serde_json::Value =
        serde_json::from_str(&env.cli(&["export", "registrations", "--format", "json"])).unwrap();
    assert_eq!(json[0]["estimated_value_vnd"], 250_000_000);

    let sheet = read_xlsx(&env.export_xlsx("dang-ky.xlsx"));
    assert_eq!(sheet[0][0], "Số ĐK");
    assert_eq!(
        sheet[0][3],
        "Tên công trình (sản phẩm, mô hình, chương trình)"
    );
    assert_eq!(sheet[1][0], "001/ĐK");
    assert_eq!(sheet[1][2], "Mô hình");
    assert_eq!(sheet[1][7], "250000000");
    let status = sheet[0].iter().position(|h| h == "Trạng thái").unwrap();
    assert_eq!(sheet[2][status], "Đã rút");

    // Now that the bot has run, invites carry the deep link too.
    let invite = env.cli(&["invite", "--unit", CLINIC, "--role", "chair", "--days", "3"]);
    assert!(
        invite.contains(&format!("https://t.me/{BOT_USERNAME}?start=")),
        "{invite}"
    );
}

/// Cells as text, dates and numbers as calamine reads them.
fn read_xlsx(path: &std::path::Path) -> Vec<Vec<String>> {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range("Đăng ký").unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn run_without_a_channel_names_the_token() {
    let env = TestEnv::new();
    let out = env.cli_raw(&["run"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TELOXIDE_TOKEN"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}
