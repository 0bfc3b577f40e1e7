//! A really full disk (a small tmpfs filled to the last byte), through the real
//! binary: the bot tells people their answers are kept, `/healthz` says writes fail,
//! and once space is back everything works again without a restart; the CLI's
//! backup and spreadsheet leave no half file and say why.

mod support;

use std::time::Duration;

use support::fake_telegram::{FakeTelegram, User};
use support::{SmallDisk, Talk, TestEnv};

async fn health(base: &str) -> (u16, serde_json::Value) {
    let r = reqwest::get(format!("{base}/healthz")).await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_keeps_the_answers_and_the_bot_recovers_by_itself() {
    let Some(disk) = SmallDisk::mount(8 * 1024 * 1024) else {
        return;
    };
    let mut env = TestEnv::new();
    env.database_url = Some(format!("sqlite://{}/thidua.db", disk.path.display()));
    env.cli(&["unit", "add", "CĐCS Trường A"]);
    let code = env.invite("CĐCS Trường A", "chair");
    // Other chairs talk at the same time: every one of them must come through.
    let others = support::seed_chairs(&env, 20, 5000).await;
    let api = FakeTelegram::start().await;
    let port = support::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let bot = env.spawn(&[
        ("TELOXIDE_TOKEN", support::TOKEN.to_string()),
        ("TELOXIDE_API_URL", api.url()),
        ("THIDUA_HTTP_LISTEN", format!("127.0.0.1:{port}")),
    ]);
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "Nguyễn Thị"));
    chair
        .say(&format!("/start {code}"))
        .expect("Chào mừng")
        .await;
    let kind = chair.say("/dangky").expect(&support::step(1)).await;
    chair
        .press(&kind.button("Mô hình"))
        .expect(&support::step(2))
        .await;
    chair
        .say("Mái ấm công đoàn")
        .expect(&support::step(3))
        .await;
    let mut talks: Vec<Talk> = others
        .iter()
        .map(|&id| Talk::new(&api, User::new(id, "Chủ tịch", &id.to_string())))
        .collect();
    for t in &mut talks {
        t.say("/dangky").expect(&support::step(1)).await;
    }
    assert_eq!(health(&base).await.0, 200);

    disk.fill();
    let full = chair.say("15/1/2025").expect("hết chỗ lưu").await;
    assert!(full.text.contains("vẫn được giữ"), "{}", full.text);
    for t in &mut talks {
        t.say("/huy");
    }
    for t in &mut talks {
        t.expect("hết chỗ lưu").await;
    }
    let (status, report) = health(&base).await;
    assert_eq!(status, 503, "{report}");
    let said = report["database"].as_str().unwrap_or_default().to_string();
    assert!(
        said.contains("writes failing") && said.contains("full"),
        "{report}"
    );
    // Still full: still the same clear answer, not a stuck connection's error.
    chair.say("15/1/2025").expect("hết chỗ lưu").await;

    disk.free();
    // Space is back: no restart, and the form goes on where it stood (item 3 next).
    chair.say("15/1/2025").expect(&support::step(4)).await;
    chair.say("30/6/2025").expect(&support::step(5)).await;
    for t in &mut talks {
        t.say("/huy").expect("Đã hủy").await;
    }
    for _ in 0..10 {
        for t in &mut talks {
            t.say("/cuatoi").expect("chưa đăng ký công trình nào").await;
        }
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, report) = health(&base).await;
        if status == 200 {
            assert_eq!(report["database"], "ok", "{report}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{report}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let log = bot.log_text();
    assert!(!log.contains("non-zero transaction depth"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_on_a_full_disk_leaves_nothing_and_the_retry_is_taken() {
    // Room for the backup of 3 000 units once the disk is freed (with the desk's kept
    // figures and their indexes, about 1.2 MB).
    let Some(disk) = SmallDisk::mount(2 * 1024 * 1024) else {
        return;
    };
    let env = TestEnv::new();
    support::seed_chairs(&env, 3000, 5000).await;
    let copy = disk.path.join("copy.db");
    disk.fill();
    let out = env.cli_raw(&["backup", copy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("full"), "{err}");
    let left: Vec<_> = support::files_under(&disk.path)
        .into_iter()
        .filter(|p| !p.ends_with("filler"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    disk.free();
    let said = env.cli(&["backup", copy.to_str().unwrap()]);
    assert!(said.contains("Đã sao lưu"), "{said}");
    assert!(std::fs::metadata(&copy).unwrap().len() > 100_000);
    // A dangling link is a file already: a backup never writes through it.
    let link = env.dir.path().join("link.db");
    std::os::unix::fs::symlink(env.dir.path().join("nowhere.db"), &link).unwrap();
    let out = env.cli_raw(&["backup", link.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(!env.dir.path().join("nowhere.db").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spreadsheet_on_a_full_disk_is_an_error_line_not_a_crash() {
    let Some(disk) = SmallDisk::mount(256 * 1024) else {
        return;
    };
    let env = TestEnv::new();
    support::seed_chairs(&env, 3000, 5000).await;
    let sheet = disk.path.join("moi.xlsx");
    let out = env
        .command()
        // rust_xlsxwriter keeps each row in a temporary file there first.
        .env("TMPDIR", &disk.path)
        .args(["invite", "--all", "--role", "chair", "--out"])
        .arg(&sheet)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("ổ đĩa đã đầy"), "{err}");
    assert!(!sheet.exists());
    // No code was made for a file that does not exist: the retry elsewhere has all.
    let elsewhere = env.dir.path().join("moi.xlsx");
    env.cli(&[
        "invite",
        "--all",
        "--role",
        "chair",
        "--out",
        elsewhere.to_str().unwrap(),
    ]);
    assert!(elsewhere.exists());
}
