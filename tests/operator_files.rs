//! What an operator hands the command line, mistakes included: a list of units that
//! names a unit as its own parent, a spreadsheet whose size is a lie, a CSV saved by
//! Excel, two webhooks on one path, a database file that cannot be written or was
//! cut short. Each is said at once, with what to fix, and changes nothing.

mod support;

use std::time::{Duration, Instant};

use support::fake_telegram::FakeTelegram;
use support::{SmallDisk, TestEnv};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_unit_named_as_its_own_parent_is_refused_and_a_tree_can_be_repaired() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "LĐLĐ tỉnh Kiên Giang"]);
    let list = env.dir.path().join("ds.csv");
    std::fs::write(
        &list,
        "name,parent\nLĐLĐ huyện D2,LĐLĐ huyện D2\nCĐCS Trường A,LĐLĐ huyện D2\n",
    )
    .unwrap();
    let out = env.cli_raw(&["unit", "import", list.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("dòng 2: đơn vị «LĐLĐ huyện D2» ghi chính nó làm đơn vị cấp trên"),
        "{err}"
    );
    assert!(!env.cli(&["unit", "list"]).contains("D2"));

    // A district imported at the top by mistake is put back under its province.
    std::fs::write(
        &list,
        "name,parent\nLĐLĐ huyện D2,\nCĐCS Trường A,LĐLĐ huyện D2\n",
    )
    .unwrap();
    env.cli(&["unit", "import", list.to_str().unwrap()]);
    let moved = env.cli(&[
        "unit",
        "move",
        "LĐLĐ huyện D2",
        "--parent",
        "LĐLĐ tỉnh Kiên Giang",
    ]);
    assert!(moved.contains("về dưới «LĐLĐ tỉnh Kiên Giang»"), "{moved}");
    // Below itself, or below its own unit: a cycle, refused.
    for parent in ["LĐLĐ huyện D2", "CĐCS Trường A"] {
        let out = env.cli_raw(&["unit", "move", "LĐLĐ huyện D2", "--parent", parent]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains("không thể đặt"), "{}", stderr(&out));
    }
    // A province put below a school of its own district: a cycle two levels down.
    let out = env.cli_raw(&[
        "unit",
        "move",
        "LĐLĐ tỉnh Kiên Giang",
        "--parent",
        "CĐCS Trường A",
    ]);
    assert!(!out.status.success());
    let top = env.cli(&["unit", "move", "LĐLĐ huyện D2", "--top"]);
    assert!(top.contains("cấp cao nhất"), "{top}");
}

#[test]
fn a_spreadsheet_that_claims_a_million_rows_is_bounded_not_allocated() {
    let env = TestEnv::new();
    let bomb = env.dir.path().join("bomb.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "name").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save(&bomb).unwrap();
    assert!(std::fs::metadata(&bomb).unwrap().len() < 10_000);
    let started = Instant::now();
    let out = env.cli_raw(&["unit", "import", bomb.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(10));
    let err = stderr(&out);
    assert!(
        err.contains("dòng 1048576") && err.contains("cột thứ 50"),
        "{err}"
    );

    // 300 000 lines of mistakes: the bound on rows, and never 300 000 error lines.
    let long = env.dir.path().join("dai.csv");
    let mut text = String::from("name,kind\n");
    for i in 0..300_000 {
        text.push_str(&format!("CĐCS {i},xyz\n"));
    }
    std::fs::write(&long, text).unwrap();
    let out = env.cli_raw(&["unit", "import", long.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("200000"), "{err}");

    let bad = env.dir.path().join("sai.csv");
    let mut text = String::from("name,kind\n");
    for i in 0..5_000 {
        text.push_str(&format!("CĐCS {i},xyz\n"));
    }
    std::fs::write(&bad, text).unwrap();
    let out = env.cli_raw(&["unit", "import", bad.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(err.lines().count() < 60, "{} lines", err.lines().count());
    assert!(err.contains("và 4950 lỗi nữa"), "{err}");
    assert!(err.contains("có 5000 lỗi"), "{err}");
}

#[test]
fn a_list_saved_by_excel_is_read_as_it_shows() {
    let env = TestEnv::new();
    // Excel in a Vietnamese locale: `;` between cells, CRLF line ends.
    let list = env.dir.path().join("excel.csv");
    std::fs::write(
        &list,
        "Tên đơn vị;Loại;Điện thoại\r\nCĐCS Trường A, cơ sở 2;cơ quan;912345678\r\n\r\nCĐCS B;xyz;\r\n",
    )
    .unwrap();
    let out = env.cli_raw(&["unit", "import", list.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(err.contains("dòng 4: loại «xyz»"), "{err}");
    std::fs::write(
        &list,
        "Tên đơn vị;Loại;Điện thoại\r\nCĐCS Trường A, cơ sở 2;cơ quan;912345678\r\n",
    )
    .unwrap();
    env.cli(&["unit", "import", list.to_str().unwrap()]);
    assert!(env
        .cli(&["unit", "list"])
        .contains("CĐCS Trường A, cơ sở 2"));

    // The list on the second sheet, the first left empty.
    let book_path = env.dir.path().join("sheet2.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Tên đơn vị").unwrap();
    sheet.write_string(1, 0, "CĐCS Công ty C").unwrap();
    book.save(&book_path).unwrap();
    let said = env.cli(&["unit", "import", book_path.to_str().unwrap()]);
    assert!(said.contains("Đã nhập 1 đơn vị"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_webhooks_on_one_path_stop_the_start_before_any_platform_is_called() {
    let env = TestEnv::new();
    let api = FakeTelegram::start().await;
    let vars = [
        ("TELOXIDE_TOKEN", support::TOKEN.to_string()),
        ("TELOXIDE_API_URL", api.url()),
        ("TELEGRAM_WEBHOOK_URL", "https://a.vn/hook".to_string()),
        ("TELEGRAM_WEBHOOK_SECRET", "tg-secret".to_string()),
        ("ZALO_BOT_TOKEN", "1459:secret".to_string()),
        ("ZALO_API_URL", api.url()),
        ("ZALO_WEBHOOK_URL", "https://b.vn/hook".to_string()),
        ("ZALO_WEBHOOK_SECRET", "zalo-secret".to_string()),
        (
            "THIDUA_HTTP_LISTEN",
            format!("127.0.0.1:{}", support::free_port()),
        ),
    ];
    let doctor = env.cli_with(&vars, &["doctor"]);
    let said = String::from_utf8_lossy(&doctor.stdout);
    assert!(!doctor.status.success());
    assert!(said.contains("✗") && said.contains("/hook"), "{said}");
    let mut bot = env.spawn(&vars);
    let deadline = Instant::now() + Duration::from_secs(10);
    while bot.is_running() {
        assert!(Instant::now() < deadline, "{}", bot.log_text());
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = bot.log_text();
    assert!(log.contains("mỗi webhook cần đường dẫn riêng"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
    assert!(api.webhook().is_none(), "no webhook was set");
}

/// How long `thidua unit list` took on this database, and what it said.
fn unit_list(url: &str, env: &TestEnv) -> (Duration, std::process::Output) {
    let started = Instant::now();
    let out = env
        .command()
        .env("DATABASE_URL", url)
        .args(["unit", "list"])
        .output()
        .unwrap();
    (started.elapsed(), out)
}

#[test]
fn a_truncated_or_read_only_database_is_said_at_once() {
    let env = TestEnv::new();
    support::seed_chairs_sync(&env, 500);
    let whole = std::fs::read(env.db_path()).unwrap();
    let cut = env.dir.path().join("cut.db");
    std::fs::write(&cut, &whole[..whole.len() / 3]).unwrap();
    let (took, out) = unit_list(&format!("sqlite://{}", cut.display()), &env);
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(stderr(&out).contains("cut short"), "{}", stderr(&out));

    let Some(disk) = SmallDisk::mount(8 * 1024 * 1024) else {
        return;
    };
    std::fs::write(disk.path.join("thidua.db"), &whole).unwrap();
    disk.read_only();
    let url = format!("sqlite://{}/thidua.db", disk.path.display());
    let (took, out) = unit_list(&url, &env);
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(
        stderr(&out).contains("cannot be written"),
        "{}",
        stderr(&out)
    );
    let started = Instant::now();
    let run = env
        .command()
        .env("DATABASE_URL", &url)
        .env("TELOXIDE_TOKEN", support::TOKEN)
        .env("TELOXIDE_API_URL", "http://127.0.0.1:9/")
        .arg("run")
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// An announcement nobody would receive is refused, from the command line as in the
/// chat; the console's own person is nobody's recipient.
#[test]
fn an_announcement_to_nobody_is_refused() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường A"]);
    let out = env.cli_raw(&["broadcast", "--text", "Họp tổng kết", "--audience", "all"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("0 người nhận"), "{said}");
}

/// `reminders preview` says the window it looked at, says when every deadline is past,
/// and lists units nobody there would be told about apart from the recipients.
#[test]
fn the_reminder_preview_says_its_window_and_who_has_no_chair() {
    let env = TestEnv::new();
    support::seed_chairs_sync(&env, 2);
    env.cli(&["unit", "add", "CĐCS Chưa Có Ai"]);
    let out = env.cli(&[
        "reminders",
        "preview",
        "--from",
        "2025-04-27T00:00:00+07:00",
        "--days",
        "10",
    ]);
    assert!(
        out.contains("Lời nhắc từ 27/04/2025 00:00 đến 07/05/2025 00:00 (10 ngày)"),
        "{out}"
    );
    assert!(
        out.contains("nhắc trước 7 ngày — Báo cáo tổng kết phong trào thi đua → 2:"),
        "{out}"
    );
    assert!(
        out.contains("chưa có chủ tịch tham gia, không ai nhận: 1 đơn vị (CĐCS Chưa Có Ai)"),
        "{out}"
    );
    let later = env.cli(&[
        "reminders",
        "preview",
        "--from",
        "2026-01-01T00:00:00+07:00",
    ]);
    assert!(
        later.contains("Mọi hạn của phong trào đều đã qua"),
        "{later}"
    );
}

/// A parent found by another spelling is said, so a wrong match is seen; the kind is
/// in the operator's language.
#[test]
fn a_parent_found_by_another_spelling_is_said() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "LĐLĐ huyện Vĩnh Thuận"]);
    let out = env.cli(&[
        "unit",
        "add",
        "CĐCS Trường A",
        "--parent",
        "LDLD huyen Vinh Thuan",
    ]);
    assert!(out.contains("gắn vào #1 LĐLĐ huyện Vĩnh Thuận"), "{out}");
    assert!(!out.contains("(agency)"), "{out}");
}

/// A unit's life: renamed, deactivated (out of every count and audience, its history
/// kept), brought back, removed when it has no history; the console's demo unit is in
/// no count of a real district.
#[test]
fn units_are_renamed_deactivated_and_removed() {
    let env = TestEnv::new();
    support::seed_chairs_sync(&env, 3);
    let out = env.cli(&["unit", "rename", "CĐCS số 1", "--to", "CĐCS Trường Một"]);
    assert!(out.contains("CĐCS Trường Một"), "{out}");
    let taken = env.cli_raw(&["unit", "rename", "CĐCS số 2", "--to", "cdcs truong mot"]);
    assert!(
        !taken.status.success(),
        "a name another unit has, in any spelling"
    );

    env.cli(&["unit", "deactivate", "CĐCS số 2"]);
    let list = env.cli(&["unit", "list"]);
    assert!(
        list.contains("CĐCS số 2\tagency\t—\t1 thành viên\t(ngừng theo dõi)"),
        "{list}"
    );
    let out = env.cli(&["broadcast", "--text", "Họp", "--audience", "all"]);
    assert!(
        out.contains("cho 2 người"),
        "the deactivated unit's chair is not counted: {out}"
    );
    let preview = env.cli(&[
        "reminders",
        "preview",
        "--from",
        "2025-04-27T00:00:00+07:00",
    ]);
    assert!(!preview.contains("CĐCS số 2"), "{preview}");
    env.cli(&["unit", "activate", "CĐCS số 2"]);
    let out = env.cli(&["broadcast", "--text", "Họp lần 2", "--audience", "all"]);
    assert!(out.contains("cho 3 người"), "{out}");

    // Removed only without a history: a unit with units below stays.
    env.cli(&["unit", "add", "LĐLĐ huyện"]);
    env.cli(&["unit", "add", "CĐCS mới", "--parent", "LĐLĐ huyện"]);
    let kept = env.cli_raw(&["unit", "remove", "LĐLĐ huyện"]);
    let said = String::from_utf8_lossy(&kept.stderr);
    assert!(
        !kept.status.success() && said.contains("1 đơn vị trực thuộc"),
        "{said}"
    );
    let out = env.cli(&["unit", "remove", "CĐCS mới"]);
    assert!(out.contains("Đã xóa đơn vị"), "{out}");
    assert!(!env.cli(&["unit", "list"]).contains("CĐCS mới"));
}
