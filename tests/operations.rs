//! Running it for real, through the real binary: Telegram by webhook on the process's
//! one HTTP server (secret checked), `/healthz` and `/metrics` on it, and a SIGTERM
//! that lets the turn in hand and its message on the wire finish, within 10 s.

mod support;

use std::time::Duration;

use support::fake_telegram::{FakeTelegram, User};
use support::{Talk, TestEnv};

const SECRET: &str = "hook-Secret_123";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telegram_by_webhook_with_health_and_metrics_on_one_server() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường A"]);
    let code = env.invite("CĐCS Trường A", "chair");
    let api = FakeTelegram::start().await;
    let port = support::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let hook = format!("{base}/telegram/hook");
    let mut bot = env.spawn_with(
        &["run"],
        &[
            ("TELOXIDE_TOKEN", support::TOKEN.to_string()),
            ("TELOXIDE_API_URL", api.url()),
            ("TELEGRAM_WEBHOOK_URL", hook.clone()),
            ("TELEGRAM_WEBHOOK_SECRET", SECRET.to_string()),
            ("THIDUA_HTTP_LISTEN", format!("127.0.0.1:{port}")),
        ],
    );
    let http = reqwest::Client::new();
    // The bot sets its webhook with the secret at start.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while api.webhook().is_none() {
        assert!(std::time::Instant::now() < deadline, "{}", bot.log_text());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(api.webhook(), Some((hook.clone(), SECRET.to_string())));

    // Updates come by webhook; the conversation is the same as by polling.
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "Nguyễn Thị"));
    chair
        .say(&format!("/start {code}"))
        .expect("Chào mừng")
        .await;
    chair.register("Mái ấm công đoàn").await;
    assert_eq!(api.webhook_refused(), 0);

    // A call without the secret, or with another, is refused and changes nothing.
    let update = serde_json::json!({ "update_id": 1, "message": {
        "message_id": 1, "date": 1_735_700_000, "text": "/cuatoi",
        "chat": { "id": 1001, "type": "private", "first_name": "Lan" },
        "from": { "id": 1001, "is_bot": false, "first_name": "Lan" } } });
    for secret in [None, Some("hook-Secret_124"), Some("")] {
        let mut req = http.post(&hook).json(&update);
        if let Some(s) = secret {
            req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
        }
        assert_eq!(req.send().await.unwrap().status(), 401, "{secret:?}");
    }
    assert!(
        chair.quiet().await.is_empty(),
        "nothing answered a forged call"
    );

    let health = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let report: serde_json::Value = health.json().await.unwrap();
    assert_eq!(report["database"], "ok", "{report}");
    assert_eq!(
        report["channels"]["telegram"]["mode"], "webhook",
        "{report}"
    );
    assert_eq!(report["outbox"]["due"], 0, "{report}");

    let metrics = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        "thidua_turns_total{outcome=\"ok\"}",
        "thidua_deliveries_total{result=\"ok\"}",
        "thidua_registrations_total 1",
        "thidua_turn_seconds_bucket",
        "thidua_outbox_due 0",
    ] {
        assert!(metrics.contains(line), "{line} not in\n{metrics}");
    }
    let (took, clean) = bot.stop_timed();
    assert!(
        clean && took < Duration::from_secs(10),
        "{took:?}\n{}",
        bot.log_text()
    );
    // Another instance may still serve the same URL: stopping leaves the webhook set.
    assert!(api.webhook().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_reply_on_the_wire_and_exits_within_ten_seconds() {
    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường A"]);
    let code = env.invite("CĐCS Trường A", "chair");
    let api = FakeTelegram::start().await;
    let mut bot = env.run_bot(&api);
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "Nguyễn Thị"));
    chair
        .say(&format!("/start {code}"))
        .expect("Chào mừng")
        .await;
    // Every answer now takes 3 s to come back from "Telegram"; stop while one is on
    // the wire.
    api.slow_sends(Duration::from_secs(3));
    chair.say("/dangky");
    tokio::time::sleep(Duration::from_millis(800)).await;
    let (took, clean) = bot.stop_timed();
    assert!(clean, "{}", bot.log_text());
    assert!(took < Duration::from_secs(10), "{took:?}");
    // The question in hand was delivered, not cut off.
    chair.expect(&support::step(1)).await;
    let log = bot.log_text();
    assert!(log.contains("stopping"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_checks_what_the_service_needs_and_says_each_problem_in_a_line() {
    let env = TestEnv::new();
    let api = FakeTelegram::start().await;
    let doctor = |vars: &[(&str, String)]| {
        let out = env.cli_with(vars, &["doctor"]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let good = [
        ("TELOXIDE_TOKEN", support::TOKEN.to_string()),
        ("TELOXIDE_API_URL", api.url()),
        ("THIDUA_HTTP_LISTEN", "127.0.0.1:9464".to_string()),
    ];
    let (ok, text) = doctor(&good);
    assert!(ok, "{text}");
    for line in [
        "✓ Mở được cơ sở dữ liệu",
        "✓ Telegram: token hợp lệ (bot thidua_test_bot)",
        "• Telegram: chưa đặt webhook",
        "✓ Thư mục dữ liệu data ghi được",
        "✓ Không thấy vấn đề gì.",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    assert!(!text.contains(support::TOKEN), "the token is never printed");

    let mut bad = good.to_vec();
    bad[2].1 = "everywhere".into();
    bad.push(("THIDUA_BACKUP_CRON", "every night".into()));
    bad.push(("TELEGRAM_WEBHOOK_URL", "https://bot.example/tg".into()));
    let (ok, text) = doctor(&bad);
    assert!(!ok, "{text}");
    let problems: Vec<&str> = text.lines().filter(|l| l.starts_with('✗')).collect();
    assert_eq!(problems.len(), 3, "{text}");
    assert!(text.contains("THIDUA_HTTP_LISTEN"), "{text}");
    assert!(text.contains("TELEGRAM_WEBHOOK_SECRET"), "{text}");
    assert!(text.contains("`every night`"), "{text}");
    assert!(text.contains("Có 3 vấn đề"), "{text}");
}

/// Half-sent requests and idle sockets, as a slow or hostile client leaves them, on a
/// process with only 128 file descriptors: each is closed within the header time-out,
/// and meanwhile `/healthz` answers and chairs are served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_connections_are_closed_and_never_starve_the_bot() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let env = TestEnv::new();
    env.cli(&["unit", "add", "CĐCS Trường A"]);
    let code = env.invite("CĐCS Trường A", "chair");
    let api = FakeTelegram::start().await;
    let port = support::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let bot = env.spawn_limited(
        Some(128),
        &["run"],
        &[
            ("TELOXIDE_TOKEN", support::TOKEN.to_string()),
            ("TELOXIDE_API_URL", api.url()),
            ("THIDUA_HTTP_LISTEN", format!("127.0.0.1:{port}")),
        ],
    );
    let mut chair = Talk::new(&api, User::new(1001, "Lan", "Nguyễn Thị"));
    chair
        .say(&format!("/start {code}"))
        .expect("Chào mừng")
        .await;
    let http = reqwest::Client::new();
    assert_eq!(
        http.get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // 150 idle sockets and 150 requests cut off half-way through their header.
    let mut held = Vec::new();
    for i in 0..300 {
        // A server that stops accepting leaves connects hanging in the backlog.
        let connect = tokio::net::TcpStream::connect(("127.0.0.1", port));
        let Ok(mut s) = tokio::time::timeout(Duration::from_secs(3), connect)
            .await
            .unwrap_or_else(|_| panic!("connection {i} was not even accepted"))
        else {
            continue;
        };
        if i % 2 == 0 {
            let _ = s
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .await;
        }
        held.push(s);
    }
    let opened = std::time::Instant::now();
    // The bot still works: its own descriptors were never taken by them.
    chair
        .say("/cuatoi")
        .expect("chưa đăng ký công trình nào")
        .await;
    // Every held socket is closed by the server within the header time-out.
    for mut s in held {
        let mut buf = [0u8; 256];
        let left = Duration::from_secs(16).saturating_sub(opened.elapsed());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {}
            Ok(Ok(_)) => {} // an answer (408) before the close is as good
            Err(_) => panic!("a connection was still open after {:?}", opened.elapsed()),
        }
    }
    let health = tokio::time::timeout(
        Duration::from_secs(5),
        http.get(format!("{base}/healthz")).send(),
    )
    .await
    .expect("healthz answered at once")
    .unwrap();
    assert_eq!(health.status(), 200);
    let log = bot.log_text();
    assert!(!log.contains("Too many open files"), "{log}");
}
