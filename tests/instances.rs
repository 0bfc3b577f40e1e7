//! Several instances on one PostgreSQL behind a round-robin proxy, receiving one bot's
//! webhook updates: 200 chairs fill the form while an announcement goes out and one
//! instance is killed with SIGKILL. Every answer is stored once, every copy of the
//! announcement delivered at most once (and each accounted for), no reminder twice.
//! Needs THIDUA_TEST_POSTGRES, as tests/postgres.rs.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use support::fake_telegram::FakeTelegram;
use support::{load, TestEnv};

const CHAIRS: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_one_killed_store_and_send_everything_once() {
    let Some(server) = support::postgres_server() else {
        return;
    };
    let name = format!("thidua_instances_{}", std::process::id());
    let url = load::fresh_postgres(&server, &name).await;
    let mut env = TestEnv::new();
    env.database_url = Some(url.clone());
    let (codes, staff) = load::seed_invites(&url, CHAIRS, true).await;
    let _ = staff;

    let api = FakeTelegram::start().await;
    // 7 days before the report's deadline, seconds before the 08:00 reminders: the
    // three schedulers race for them while the chairs fill the form.
    let (mut instances, _) =
        support::instances::start(&env, &api, 3, &["--now", "2025-04-28T07:59:57+07:00"], &[])
            .await;

    let chairs = {
        let api = api.clone();
        let codes = codes.clone();
        tokio::spawn(async move {
            load::run_chairs(
                &api,
                &codes,
                50_000,
                Duration::from_secs(60),
                Duration::from_millis(300),
            )
            .await
        })
    };
    // While they fill the form: an announcement to everyone who has joined by then,
    // then one instance dies without warning.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let queued = env.cli(&[
        "broadcast",
        "--text",
        "Họp giao ban trực tuyến sáng thứ Hai",
        "--audience",
        "all",
    ]);
    tokio::time::sleep(Duration::from_secs(2)).await;
    instances[1].kill_hard();
    let report = chairs.await.unwrap();
    assert!(
        report.failures.is_empty(),
        "{} of {} chairs did not finish: {:?}",
        report.failures.len(),
        CHAIRS,
        &report.failures[..report.failures.len().min(5)]
    );
    assert_eq!(report.completed, CHAIRS);
    assert_eq!(report.failed_turns, 0);

    // Every answer stored once: one registration per chair, numbers unique.
    let (stored, numbers) = load::registrations(&url).await;
    assert_eq!((stored, numbers), (CHAIRS as i64, CHAIRS as i64));

    // The announcement: one row per recipient, each delivered at most once; the copy
    // the dead instance had taken is 'sending' (after the lease, 'uncertain'), never
    // sent again.
    let db = thidua::store::connect(&url).await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let rows: Vec<(String, String)> = loop {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT chat_id, status FROM outbox WHERE broadcast_id IS NOT NULL")
                .fetch_all(&db.pool)
                .await
                .unwrap();
        // Nothing pending, and nothing 'sending' but what the dead instance left: the
        // live ones finish a send in well under a second.
        let sending = rows.iter().filter(|(_, s)| s == "sending").count();
        if rows.iter().all(|(_, s)| s != "pending") && sending <= 1
            || std::time::Instant::now() > deadline
        {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(!rows.is_empty(), "{queued}");
    let mut per_chat: HashMap<&str, usize> = HashMap::new();
    for (chat, status) in &rows {
        *per_chat.entry(chat).or_default() += 1;
        assert!(
            ["sent", "sending", "uncertain"].contains(&status.as_str()),
            "{chat}: {status}"
        );
    }
    assert!(per_chat.values().all(|n| *n == 1), "one row per recipient");
    let sent = rows.iter().filter(|(_, s)| s == "sent").count();
    let in_doubt = rows.len() - sent;
    assert!(
        in_doubt <= 1,
        "only the copy on the wire is in doubt: {in_doubt}"
    );
    for (chat, _) in &rows {
        let copies = api
            .sent_to(chat.parse().unwrap())
            .iter()
            .filter(|m| m.text.contains("Họp giao ban trực tuyến"))
            .count();
        assert!(copies <= 1, "{chat} got {copies} copies");
    }
    assert!(
        rows.iter().filter(|(_, s)| s == "sent").all(|(chat, _)| api
            .sent_to(chat.parse().unwrap())
            .iter()
            .any(|m| m.text.contains("Họp giao ban trực tuyến"))),
        "every copy marked sent arrived"
    );

    // Reminders, overdue notices and digests (the seed plan's dates are past): each
    // message queued once, whichever instance's scheduler claimed it.
    let reminders: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE purpose = 'reminder'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let twice: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT chat_id, body, COUNT(*) FROM outbox WHERE purpose = 'reminder' \
         GROUP BY chat_id, body HAVING COUNT(*) > 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(twice.is_empty(), "{twice:?}");
    assert!(reminders > 0, "the schedulers ran");
    eprintln!(
        "{CHAIRS} chairs, {} updates in {:.1} s; announcement: {sent} sent, {in_doubt} in doubt; \
         {reminders} reminders; {} webhook calls retried after the kill",
        report.updates,
        report.elapsed.as_secs_f64(),
        api.webhook_refused()
    );
    assert!(
        api.webhook_refused() > 0,
        "the kill interrupted calls in hand"
    );
    db.pool.close().await;

    for (i, bot) in instances.iter_mut().enumerate() {
        if i != 1 {
            let (took, clean) = bot.stop_timed();
            assert!(
                clean && took < Duration::from_secs(10),
                "{took:?}\n{}",
                bot.log_text()
            );
        }
    }
    load::drop_postgres(&server, &name).await;
}
