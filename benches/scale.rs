//! Everyday commands at a province's and a nation's size: UNITS units (default
//! "1000,10000,100000"), each with a chair and a registration, spread over 100
//! districts under one federation at the top, whose staff see everything; one
//! district has staff too. Times the real binary's commands, the reminder sweep and
//! staff turns, and the peak memory of the exports and of a unit import.
//!
//! `cargo bench --bench scale` (env: UNITS, DB=sqlite|postgres).

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use support::TestEnv;
use thidua::store;

/// Runs a command, sampling its peak RSS; returns (seconds, peak MiB).
fn timed(env: &TestEnv, args: &[&str]) -> (f64, f64) {
    let started = Instant::now();
    let mut child = env
        .command()
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status) {
            if let Some(kb) = s
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
        }
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "thidua {args:?} failed");
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (started.elapsed().as_secs_f64(), peak_kb as f64 / 1024.0)
}

const DISTRICTS: i64 = 100;

/// One staff turn through the app, timed.
async fn staff_turn(
    app: &thidua::app::App,
    user: &str,
    input: thidua::conversation::RawInput,
) -> f64 {
    let started = Instant::now();
    let out = app
        .handle(thidua::conversation::Incoming {
            channel: thidua::domain::member::Channel::Telegram,
            user_id: user.into(),
            chat_id: user.into(),
            display_name: "Cán bộ".into(),
            language_code: Some("vi".into()),
            update_id: None,
            message_id: None,
            input,
        })
        .await
        .unwrap();
    assert!(!out.is_empty());
    started.elapsed().as_secs_f64()
}

/// A province's list of `n` units under one federation, as `unit import` reads it.
fn unit_list(path: &std::path::Path, n: i64) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        f,
        "Tên đơn vị,Loại,Đơn vị cấp trên,Điện thoại\nLĐLĐ tỉnh Thử,cơ quan,,"
    )
    .unwrap();
    for i in 0..n {
        writeln!(f, "CĐCS Đơn vị số {i},doanh nghiệp,LĐLĐ tỉnh Thử,09{i:08}").unwrap();
    }
}

async fn seed(url: &str, n: i64) {
    support::seed_chairs_at(url, n, 1_000_000).await;
    let db = store::connect(url).await.unwrap();
    let campaign = store::campaigns::ensure_seed(&db).await.unwrap();
    let mut tx = db.write().await.unwrap();
    support::load::seed_registrations(&mut tx, campaign.id).await;
    let unit: i64 = sqlx::query_scalar(
        "INSERT INTO units (name, kind, created_at) VALUES ('LĐLĐ tải', 'agency', '2025-01-01T00:00:00Z') RETURNING id",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let staff = "INSERT INTO members (channel, user_id, chat_id, unit_id, role, display_name, \
                 active, joined_at) VALUES ('telegram', $2, $2, $1, 'staff', 'Cán bộ', 1, \
                 '2025-01-01T00:00:00Z')";
    sqlx::query(staff)
        .bind(unit)
        .bind("42")
        .execute(&mut *tx)
        .await
        .unwrap();
    // 100 districts under the top federation, the units spread over them.
    let mut first_district = 0;
    for k in 0..DISTRICTS {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO units (name, kind, created_at, parent_id) \
             VALUES ($1, 'agency', '2025-01-01T00:00:00Z', $2) RETURNING id",
        )
        .bind(format!("LĐLĐ huyện số {k}"))
        .bind(unit)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        if k == 0 {
            first_district = id;
        }
    }
    sqlx::query("UPDATE units SET parent_id = $1 + (id % $2) WHERE id < $3")
        .bind(first_district)
        .bind(DISTRICTS)
        .bind(unit)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(staff)
        .bind(first_district)
        .bind("43")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    db.close().await;
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let sizes: Vec<i64> = std::env::var("UNITS")
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .map(|n| n.trim().parse().unwrap())
        .collect();
    let pg = std::env::var("DB").is_ok_and(|d| d == "postgres");
    println!("| units | unit import (RSS) | unit list | audience count | broadcast queueing | reminders preview 60 d | sweep (queued) | idle tick | export csv (RSS) | export xlsx (RSS) | invite --all (RSS) | /tinhtrang top | /tinhtrang district | status file top |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for n in sizes {
        let mut env = TestEnv::new();
        let name = format!("thidua_scale_{}_{n}", std::process::id());
        if pg {
            let server = std::env::var("THIDUA_TEST_POSTGRES").expect("THIDUA_TEST_POSTGRES");
            env.database_url = Some(support::load::fresh_postgres(&server, &name).await);
        }
        let url = env.database_url();
        // The import goes into its own fresh database first.
        let list = env.dir.path().join("don-vi.csv");
        unit_list(&list, n);
        let (import, import_mb) = timed(&env, &["unit", "import", list.to_str().unwrap()]);
        if pg {
            let server = std::env::var("THIDUA_TEST_POSTGRES").unwrap();
            support::load::drop_postgres(&server, &name).await;
            env.database_url = Some(support::load::fresh_postgres(&server, &name).await);
        } else {
            std::fs::remove_file(env.db_path()).unwrap();
        }
        seed(&url, n).await;
        let (list, _) = timed(&env, &["unit", "list"]);
        let (preview, _) = timed(
            &env,
            &[
                "reminders",
                "preview",
                "--from",
                "2025-04-20T00:00:00+07:00",
                "--days",
                "60",
            ],
        );
        let (broadcast, _) = timed(
            &env,
            &["broadcast", "--text", "Đo tải", "--audience", "all"],
        );
        let csv = env.dir.path().join("dk.csv");
        let (csv_s, csv_mb) = timed(
            &env,
            &[
                "export",
                "registrations",
                "--format",
                "csv",
                "--out",
                csv.to_str().unwrap(),
            ],
        );
        let codes = env.dir.path().join("ma-moi.xlsx");
        let (invites, invites_mb) = timed(
            &env,
            &[
                "invite",
                "--all",
                "--role",
                "chair",
                "--out",
                codes.to_str().unwrap(),
            ],
        );
        let xlsx = env.dir.path().join("dk.xlsx");
        let (xlsx_s, xlsx_mb) = timed(
            &env,
            &[
                "export",
                "registrations",
                "--format",
                "xlsx",
                "--out",
                xlsx.to_str().unwrap(),
            ],
        );

        let db = store::connect(&url).await.unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2025-04-28T08:00:00+07:00")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let started = Instant::now();
        let queued = thidua::scheduler::tick(&db, at).await.unwrap();
        let sweep = started.elapsed().as_secs_f64();
        let started = Instant::now();
        assert_eq!(thidua::scheduler::tick(&db, at).await.unwrap(), 0);
        let idle = started.elapsed().as_secs_f64();

        let campaign = store::campaigns::ensure_seed(&db).await.unwrap();
        let mut conn = db.read().await.unwrap();
        let started = Instant::now();
        let everyone = store::audience::count(
            &mut conn,
            campaign.id,
            thidua::domain::audience::Audience::Missing(
                thidua::domain::deadline_kind::AsksFor::Report,
            ),
            thidua::domain::unit::Scope::Everything,
        )
        .await
        .unwrap();
        assert_eq!(everyone, n);
        let audience = started.elapsed().as_secs_f64();
        drop(conn);

        let app = thidua::app::App::new(db.clone());
        use thidua::conversation::RawInput;
        let status = staff_turn(&app, "42", RawInput::Text("/tinhtrang".into())).await;
        let district = staff_turn(&app, "43", RawInput::Text("/tinhtrang".into())).await;
        let file = staff_turn(&app, "42", RawInput::Button("st".into())).await;
        db.close().await;
        // SCALE_KEEP=DIR keeps each SQLite database for a closer look (perf, EXPLAIN).
        if let (Ok(dir), false) = (std::env::var("SCALE_KEEP"), pg) {
            std::fs::copy(env.db_path(), format!("{dir}/scale-{n}.db")).unwrap();
        }
        if pg && std::env::var("SCALE_KEEP").is_err() {
            let server = std::env::var("THIDUA_TEST_POSTGRES").unwrap();
            support::load::drop_postgres(&server, &name).await;
        }
        println!(
            "| {n} | {import:.2} s ({import_mb:.0} MiB) | {list:.2} s | {:.1} ms | {broadcast:.2} s | {preview:.2} s | {sweep:.2} s ({queued}) | {:.1} ms | {csv_s:.2} s ({csv_mb:.0} MiB) | {xlsx_s:.2} s ({xlsx_mb:.0} MiB) | {invites:.2} s ({invites_mb:.0} MiB) | {:.1} ms | {:.1} ms | {file:.2} s |",
            audience * 1000.0,
            idle * 1000.0,
            status * 1000.0,
            district * 1000.0
        );
    }
}
