//! `thidua chat`: the offline demo a newcomer runs first, driven through stdin.

mod support;

use support::TestEnv;
use thidua::domain::registration::field::BENEFIT_ECONOMIC;

fn chat(env: &TestEnv, lines: &[&str]) -> String {
    support::console(env, lines)
}

#[test]
fn a_newcomer_registers_on_an_empty_database_with_numbers_for_buttons() {
    let env = TestEnv::new();
    // First session: the demo unit, the name for the paper (the login is not one),
    // then half the form; stdin ends (terminal closed).
    let out = chat(
        &env,
        &[
            "1",
            "Hoa",
            "nguyễn thị hoa",
            "1",
            "3",
            "Vườn rau công đoàn",
            "1/3",
            "0",
            "1/2",
            "31/12/2025",
        ],
    );
    assert!(out.contains("1. Dùng thử với đơn vị mẫu"), "{out}");
    assert!(out.contains("Chủ tịch CĐCS Dùng thử"), "{out}");
    assert!(
        out.contains(
            "Họ và tên để ghi trên văn bản? (ví dụ: Nguyễn Thị Hoa)\n\n1. Giữ tên «chi_hoa»"
        ),
        "{out}"
    );
    assert!(out.contains("Xin gõ đủ cả họ và tên"), "one word: {out}");
    assert!(out.contains("Văn bản sẽ ghi tên: Nguyễn Thị Hoa."), "{out}");
    assert!(
        out.contains("1. Công trình\n2. Sản phẩm\n3. Mô hình\n4. Chương trình\n0. « Quay lại"),
        "{out}"
    );
    assert!(out.contains("Đã ghi nhận ngày 01/03/2025"), "{out}");
    assert!(out.contains("Đã ghi: 01/03/2025"), "0 went back: {out}");
    assert!(out.trim_end().ends_with('>'), "{out}");

    // Second session on the same file continues at question 5.
    // The optional items after the economic benefit are skipped ("1"), however many
    // the form has.
    let mut script = vec![
        "Trồng rau sạch cho bếp ăn công nhân",
        "abc",
        "30 trieu",
        "Tiết kiệm 2 triệu mỗi tháng",
    ];
    script.extend(vec!["1"; support::items_after(BENEFIT_ECONOMIC)]);
    script.extend(["2", "6", "35 triệu", "1", "1", "/cuatoi"]);
    let out = chat(&env, &script);
    assert!(out.contains(&support::step(5)), "resumed: {out}");
    assert!(out.contains("Chưa hiểu số tiền"), "{out}");
    assert!(out.contains("30.000.000 đồng"), "{out}");
    assert!(
        out.contains("1. ✅ Xác nhận gửi\n2. ✏️ Sửa\n3. ❌ Hủy\n0. « Quay lại"),
        "{out}"
    );
    assert!(out.contains("35.000.000 đồng"), "edited: {out}");
    assert!(out.contains("Đã nhận đăng ký số 001/ĐK"), "{out}");
    assert!(
        out.contains("001/ĐK — Mô hình «Vườn rau công đoàn»"),
        "{out}"
    );

    let csv = env.cli(&["export", "registrations", "--format", "csv"]);
    let rows = support::csv_records(&csv);
    assert_eq!(rows.len(), 1, "{csv}");
    let row = &rows[0];
    assert_eq!(row["unit"], "CĐCS Dùng thử");
    assert_eq!(
        row["start_date"], "2025-02-01",
        "re-answered after going back"
    );
    assert_eq!(row["end_date"], "2025-12-31");
    assert_eq!(row["estimated_value_vnd"], "35000000");
    assert_eq!(row["benefit_economic"], "Tiết kiệm 2 triệu mỗi tháng");
    assert_eq!(row["benefit_social"], "");
    assert_eq!(row["submitted_by"], "Nguyễn Thị Hoa");
}

#[test]
fn with_units_present_the_console_asks_for_a_code() {
    let env = TestEnv::new();
    env.cli(&[
        "unit",
        "add",
        "CĐCS Công ty May Vĩnh Thuận",
        "--kind",
        "enterprise",
    ]);
    let code = env.invite("CĐCS Công ty May Vĩnh Thuận", "chair");
    let out = chat(
        &env,
        &[
            "/dangky",
            "/start ABCD1234",
            &code.to_lowercase(),
            "/dangky",
        ],
    );
    assert!(out.contains("mã mời"), "{out}");
    // Eight letters and digits, but a 1 no code ever has: the real rule is said.
    assert!(
        out.contains("không bao giờ có chữ O, I, L và số 0, 1"),
        "{out}"
    );
    assert!(!out.contains("Dùng thử"), "{out}");
    assert!(
        out.contains("Chủ tịch CĐCS Công ty May Vĩnh Thuận"),
        "{out}"
    );
    assert!(out.contains(&support::step(1)), "{out}");
}

/// What trips a newcomer on a channel without buttons: "1" on the summary is "send",
/// never "item 1"; nothing says "press"; going back keeps an answer with Enter; back on
/// the first question offers to stop instead of dropping the form.
#[test]
fn typing_numbers_never_means_two_things() {
    let env = TestEnv::new();
    let out = chat(
        &env,
        &[
            "1", // the demo unit
            "",  // an empty line outside a form asks nothing
            "/dangky",
            "0", // back on the first question
            "3", // Mô hình
            "Vườn rau công đoàn",
            "15/1/2025",
            "0", // back: the start date is shown as recorded
            "",  // Enter keeps it
            "30/6/2025",
            "Trồng rau sạch cho bếp ăn công nhân",
            "30 triệu",
            "/nhanh",
        ],
    );
    assert!(out.contains("không có gì trước nó"), "{out}");
    assert!(
        out.contains(". ❌ Hủy\n0. « Quay lại"),
        "stop is offered: {out}"
    );
    assert!(out.contains("Đã ghi: 15/01/2025"), "{out}");
    assert!(out.contains("↩️ Giữ nguyên"), "{out}");
    // The demo unit is in no count a district sees, once there is a real unit.
    env.cli(&["unit", "add", "CĐCS Trường Tiểu học Vĩnh Thuận"]);
    let preview = env.cli(&[
        "reminders",
        "preview",
        "--from",
        "2025-04-27T00:00:00+07:00",
    ]);
    assert!(!preview.contains("Dùng thử"), "{preview}");
    assert!(
        out.contains("30.000.000 đồng"),
        "Enter kept the date and went on: {out}"
    );
    assert!(!out.contains("Xin nhập câu trả lời"), "{out}");
    assert_eq!(out.matches("Mã mời").count(), 0, "{out}");

    // The rest by the summary: its items are bullets, its numbers are the actions.
    let mut script = vec!["/huy", "/dangky", "3", "Vườn rau", "15/1/2025", "30/6/2025"];
    script.extend(["Trồng rau sạch cho bếp ăn", "30 triệu"]);
    script.extend(vec![
        "1";
        support::items_after(
            thidua::domain::registration::field::ESTIMATED_VALUE
        )
    ]);
    let out = chat(&env, &script);
    let summary = &out[out.rfind("Xin kiểm tra lại").expect(&out)..];
    assert!(summary.contains("• Loại: Mô hình"), "{summary}");
    assert!(!summary.contains("1. Loại"), "{summary}");
    assert!(summary.contains("gõ 1"), "{summary}");
    assert!(!summary.to_lowercase().contains("bấm"), "{summary}");
    assert!(summary.contains("1. ✅ Xác nhận gửi"), "{summary}");
}

/// The console hands in a report as a file on this machine: a path is the
/// attachment, checked like any upload (by its content, not its name).
#[test]
fn the_console_hands_in_a_report_from_a_local_file() {
    let env = TestEnv::new();
    let dir = env.dir.path();
    let report = dir.join("Bao cao tong ket.pdf");
    std::fs::write(&report, b"%PDF-1.4 bao cao tong ket").unwrap();
    let fake = dir.join("virus.pdf");
    std::fs::write(&fake, b"MZ\x90\x00 program").unwrap();
    let missing = dir.join("khong-co.pdf");
    let quoted = format!("'{}'", report.display());
    let out = chat(
        &env,
        &[
            "1",
            "/baocao",
            missing.to_str().unwrap(),
            fake.to_str().unwrap(),
            &quoted,
            "1", // no note
            "1", // Nộp
        ],
    );
    assert!(out.contains("gõ đường dẫn đến tệp"), "{out}");
    assert!(out.contains("Không thấy tệp"), "{out}");
    assert!(
        !out.contains("Lệnh này không dùng được"),
        "a path is not a command: {out}"
    );
    assert!(
        out.contains("không đúng định dạng"),
        "checked by content: {out}"
    );
    assert!(out.contains("Đã nhận tệp Bao cao tong ket.pdf"), "{out}");
    assert!(out.contains("Đã nộp"), "{out}");
    let kept = support::files_under(&dir.join("data"));
    assert!(
        kept.iter()
            .any(|p| std::fs::read(p).unwrap() == b"%PDF-1.4 bao cao tong ket"),
        "{kept:?}"
    );
}

/// With several works, `/cuatoi` numbers the works, and a work's number opens its own
/// actions: "1" means the same thing whatever was recorded since.
#[test]
fn my_works_numbers_works_not_every_action() {
    let env = TestEnv::new();
    let work = |name: &'static str| {
        let mut lines = vec!["/dangky", "3", name, "15/1/2025", "30/6/2025"];
        lines.extend(["Trồng rau sạch cho bếp ăn", "30 triệu"]);
        lines.extend(vec![
            "1";
            support::items_after(
                thidua::domain::registration::field::ESTIMATED_VALUE
            )
        ]);
        lines.push("1");
        lines
    };
    let mut script = vec!["1"];
    script.extend(work("Vườn rau công đoàn"));
    script.extend(work("Tủ sách đoàn viên"));
    script.extend(["/cuatoi", "2"]);
    let out = chat(&env, &script);
    let list = &out[out.rfind("Các công trình của CĐCS").expect(&out)..];
    assert!(
        list.contains("1. 001/ĐK «Vườn rau công đoàn»\n2. 002/ĐK «Tủ sách đoàn viên»\n3. 📝 Đăng ký công trình mới"),
        "{list}"
    );
    let opened = &list[list.find("\n> ").expect(list)..];
    assert!(
        opened.contains("1. ✏️ Sửa 002/ĐK"),
        "2 opened the second work: {opened}"
    );
    assert!(!opened.contains("Sửa 001/ĐK"), "{opened}");
}

/// `thidua chat` serves the desk on this machine: `/web` in the console gives a link
/// that opens, offline, the grid with the sample unit and its report handed in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_opens_the_desk_on_this_machine() {
    use std::io::{BufRead, Write};
    let env = TestEnv::new();
    let report = env.dir.path().join("bao-cao.pdf");
    std::fs::write(&report, b"%PDF-1.4 bao cao").unwrap();
    let mut child = env
        .command()
        .arg("chat")
        .env("USER", "chi_hoa")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (lines, said) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if lines.send(line.unwrap()).is_err() {
                return;
            }
        }
    });
    for line in ["1", "/baocao", report.to_str().unwrap(), "1", "1", "/web"] {
        writeln!(stdin, "{line}").unwrap();
    }
    let mut seen = String::new();
    let link = loop {
        let line = said
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("no link printed: {seen}"));
        seen.push_str(&line);
        seen.push('\n');
        if let Some(at) = line.find("http://127.0.0.1:") {
            break line[at..].split_whitespace().next().unwrap().to_string();
        }
    };
    assert!(seen.contains("Đã nộp"), "{seen}");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let opened = http.post(&link).send().await.unwrap();
    assert_eq!(opened.status(), 303, "{seen}");
    let cookie = opened.headers()["set-cookie"].to_str().unwrap();
    let session = cookie.split(';').next().unwrap().to_string();
    let base = link.split("/web/").next().unwrap();
    let grid = http
        .get(format!("{base}/web"))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    assert_eq!(grid.status(), 200);
    let grid = grid.text().await.unwrap();
    assert!(grid.contains("CĐCS Dùng thử"), "{grid}");
    assert!(
        grid.contains("Nộp trễ") || grid.contains("Đã nộp"),
        "{grid}"
    );
    writeln!(stdin, "/thoat").unwrap();
    assert!(child.wait().unwrap().success());
}
