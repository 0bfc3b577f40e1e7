//! The same flows on PostgreSQL, the district's production database: migrations,
//! registration in a conversation, export, campaign load, reminders claimed once by two
//! schedulers, broadcast queueing. Needs THIDUA_TEST_POSTGRES (a server URL whose user
//! may create databases); `.ci/run` starts one. Without it the test says so and passes,
//! except in CI where it must run.

mod support;

use std::io::Write;
use std::process::Stdio;

use support::TestEnv;
use thidua::scheduler;
use thidua::store::{self, outbox};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_flows_run_on_postgresql() {
    let Some(server) = support::postgres_server() else {
        return;
    };
    let name = format!("thidua_test_{}", std::process::id());
    let url = support::load::fresh_postgres(&server, &name).await;

    let mut env = TestEnv::new();
    env.database_url = Some(url.clone());
    env.cli(&["unit", "add", "CĐCS Trường Mầm non Vĩnh Thuận"]);
    env.cli(&[
        "unit",
        "add",
        "CĐCS Công ty Thủy sản",
        "--kind",
        "enterprise",
    ]);
    let code = env.invite("cdcs truong mam non vinh thuan", "chair");
    let out = env.cli(&[
        "campaign",
        "load",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/campaign-vinh-thuan-2025.toml"
        ),
    ]);
    assert!(out.contains("vinh-thuan-2025"), "{out}");

    // A registration through the console, on PostgreSQL.
    let mut child = env
        .command()
        .arg("chat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in [
        code.as_str(),
        "/dangky",
        "4",
        "Chương trình Tết sum vầy",
        "1/1",
        "15/2",
        "Quà Tết cho 80 đoàn viên",
        "1,2 tỷ",
        "1",
        "1",
        "1",
        "1",
        "/cuatoi",
    ] {
        writeln!(stdin, "{line}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Đã nhận đăng ký số 001/ĐK"), "{text}");
    let csv = env.cli(&["export", "registrations", "--format", "csv"]);
    assert!(
        csv.contains(",chuong_trinh,Chương trình Tết sum vầy,2025-01-01,2025-02-15,"),
        "{csv}"
    );
    assert!(csv.contains(",1200000000,"), "{csv}");

    let a = store::connect(&url).await.unwrap();
    let b = store::connect(&url).await.unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2025-04-28T08:00:00+07:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    // Reminders (and the question about the work that ended on 15/02): two schedulers at
    // the same instant claim each message once.
    let (x, y) = tokio::join!(scheduler::tick(&a, at), scheduler::tick(&b, at));
    assert_eq!(
        x.unwrap() + y.unwrap(),
        2,
        "one chair: one reminder, one question about the work's end"
    );
    assert_eq!(scheduler::tick(&a, at).await.unwrap(), 0);
    let queued = outbox::next_due(&mut a.read().await.unwrap(), at)
        .await
        .unwrap()
        .expect("the reminder is queued");
    assert!(
        outbox::claim(&mut a.read().await.unwrap(), queued.id, chrono::Utc::now())
            .await
            .unwrap()
    );
    assert!(
        !outbox::claim(&mut b.read().await.unwrap(), queued.id, chrono::Utc::now())
            .await
            .unwrap(),
        "claimed once"
    );
    assert!(
        queued.reply.text.contains("còn 7 ngày"),
        "{}",
        queued.reply.text
    );
    let question = outbox::next_due(&mut b.read().await.unwrap(), at)
        .await
        .unwrap()
        .expect("the question about the work's end");
    assert!(
        question
            .reply
            .text
            .contains("đã đến ngày kết thúc (15/02/2025)"),
        "{}",
        question.reply.text
    );
    assert!(outbox::claim(
        &mut b.read().await.unwrap(),
        question.id,
        chrono::Utc::now()
    )
    .await
    .unwrap());
    assert!(
        outbox::next_due(&mut b.read().await.unwrap(), at)
            .await
            .unwrap()
            .is_none(),
        "nothing else is due"
    );

    let out = env.cli_raw(&[
        "broadcast",
        "--text",
        "Họp tổng kết",
        "--audience",
        "unregistered",
    ]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && said.contains("0 người nhận"),
        "the only chair has registered: {said}"
    );

    a.pool.close().await;
    b.pool.close().await;
    support::load::drop_postgres(&server, &name).await;
}
