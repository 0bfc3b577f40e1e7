//! The staff desk's pages at a province's and a nation's size: UNITS grassroots units
//! (default "1000,10000,100000") under one province, about 60 to a district, every unit
//! with a chair, nine in ten with a registered work, and a mix of hand-ins for the two
//! reported deadlines (missing, submitted, late, returned, approved). The real
//! `thidua run` binary serves the desk over HTTP; a province staff member (who sees
//! everything) signs in through `/web` in the fake Telegram, and CLIENTS browsers
//! (default 20) load the overview, the grid (first page, a page deep by its keyset,
//! a name filter) and the registrations table (first page, a page deep in a sort) for
//! REQUESTS requests in all (default 600), each client pausing THINK_MS on average
//! (drawn between none and twice that; 0 is everyone at full speed) between pages.
//! Reports p50 / p99 / max per page.
//!
//! Meanwhile CHATTERS chairs (default 4) send `/tinhtrang` through the fake Telegram,
//! one after the other's answer: their turn latency is measured first without the
//! pages, then while the pages are loaded.
//!
//! `cargo bench --bench web_pages` (env: THIDUA_BENCH_UNITS or UNITS, DB=sqlite|postgres
//! or both when THIDUA_TEST_POSTGRES is set and DB is unset, CLIENTS, REQUESTS, THINK_MS,
//! CHATTERS; WEB_KEEP=DIR keeps each SQLite file for EXPLAIN QUERY PLAN).

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::fake_telegram::{FakeTelegram, User};
use support::{env_or, TestEnv, TOKEN};
use thidua::store;

/// The province's staff member, in the fake Telegram.
const STAFF: i64 = 42;
/// A chair's Telegram id is this plus its unit's id.
const FIRST_CHAIR: i64 = 1_000_000;
const STRANGER: i64 = 999;
/// Grassroots units to a district.
const PER_DISTRICT: i64 = 60;

/// Where the seeded units are: the province is unit 1, its districts from 2, the
/// grassroots units after them.
struct Layout {
    first_unit: i64,
    n: i64,
}

/// "07" for 7, on both databases (PostgreSQL's SUBSTR takes no negative start).
fn two(e: &str) -> String {
    format!("(CASE WHEN ({e}) < 10 THEN '0' || CAST(({e}) AS TEXT) ELSE CAST(({e}) AS TEXT) END)")
}

/// Numbers 0..$1 as rows `n(i)`: a recursive count both databases run.
const COUNT: &str =
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1)";

async fn run(tx: &mut sqlx::AnyConnection, sql: &str, binds: &[i64]) {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.execute(&mut *tx).await.unwrap();
}

async fn seed(url: &str, n: i64, pg: bool) -> Layout {
    let db = store::connect(url).await.unwrap();
    let campaign = store::campaigns::ensure_seed(&db).await.unwrap();
    let deadlines = {
        let mut conn = db.read().await.unwrap();
        store::deadlines::reported(&mut conn, campaign.id)
            .await
            .unwrap()
    };
    let districts = (n + PER_DISTRICT - 1) / PER_DISTRICT;
    let first_unit = districts + 2;
    let mut tx = db.pool.begin().await.unwrap();
    run(
        &mut tx,
        "INSERT INTO units (id, name, kind, created_at, folded_name) \
         VALUES (1, 'LĐLĐ tỉnh Thử', 'agency', '2025-01-01T00:00:00Z', 'ldld tinh thu')",
        &[],
    )
    .await;
    run(
        &mut tx,
        &format!(
            "INSERT INTO units (id, name, kind, created_at, parent_id, folded_name) {COUNT} \
             SELECT 2 + i, 'LĐLĐ huyện số ' || CAST(i AS TEXT), 'agency', \
             '2025-01-01T00:00:00Z', 1, 'ldld huyen so ' || CAST(i AS TEXT) FROM n"
        ),
        &[districts],
    )
    .await;
    run(
        &mut tx,
        &format!(
            "INSERT INTO units (id, name, kind, created_at, parent_id, folded_name) {COUNT} \
             SELECT $2 + i, 'CĐCS Đơn vị số ' || CAST(i AS TEXT), \
             CASE WHEN i % 3 = 0 THEN 'enterprise' ELSE 'agency' END, \
             '2025-01-01T00:00:00Z', 2 + i % $3, 'cdcs don vi so ' || CAST(i AS TEXT) FROM n"
        ),
        &[n, first_unit, districts],
    )
    .await;
    run(
        &mut tx,
        "INSERT INTO members (channel, user_id, chat_id, unit_id, role, display_name, active, \
         joined_at) SELECT 'telegram', CAST($1 + id AS TEXT), CAST($1 + id AS TEXT), id, \
         'chair', 'Chủ tịch', 1, '2025-01-01T00:00:00Z' FROM units WHERE id >= $2",
        &[FIRST_CHAIR, first_unit],
    )
    .await;
    run(
        &mut tx,
        "INSERT INTO members (channel, user_id, chat_id, unit_id, role, display_name, active, \
         joined_at) VALUES ('telegram', CAST($1 AS TEXT), CAST($1 AS TEXT), 1, 'staff', \
         'Cán bộ tỉnh', 1, '2025-01-01T00:00:00Z')",
        &[STAFF],
    )
    .await;
    support::load::seed_registrations(&mut tx, campaign.id).await;
    // Values, dates and names spread out, so the sorts have something to sort; one
    // work in ten withdrawn.
    run(
        &mut tx,
        &format!(
            "UPDATE registrations SET estimated_value_vnd = 10000000 * (1 + unit_id % 50), \
             submitted_at = '2025-02-' || {} || 'T' || {} || ':00:00Z', \
             folded_name = 'mai am cong doan ' || CAST(unit_id % 997 AS TEXT), \
             status = CASE WHEN unit_id % 10 = 0 THEN 'withdrawn' ELSE 'submitted' END",
            two("1 + unit_id % 28"),
            two("unit_id % 24")
        ),
        &[],
    )
    .await;
    // Each deadline: of ten units, two missing, three submitted, one late, one
    // returned, three approved (shifted for the second deadline).
    for (k, d) in deadlines.iter().enumerate() {
        let m = format!("((id + {}) % 10)", 3 * k);
        run(
            &mut tx,
            &format!(
                "INSERT INTO submissions (deadline_id, unit_id, status, submitted_by, \
                 submitted_at, late) SELECT $1, id, \
                 CASE WHEN {m} = 6 THEN 'returned' WHEN {m} >= 7 THEN 'approved' \
                 ELSE 'submitted' END, NULL, \
                 CASE WHEN {m} = 5 THEN '2025-05-06T03:00:00Z' \
                 ELSE '2025-04-' || {} || 'T' || {} || ':00:00Z' END, \
                 CASE WHEN {m} = 5 THEN 1 ELSE 0 END \
                 FROM units WHERE id >= $2 AND {m} >= 2",
                two("1 + id % 30"),
                two("id % 24")
            ),
            &[d.id, first_unit],
        )
        .await;
    }
    if pg {
        run(
            &mut tx,
            "SELECT setval(pg_get_serial_sequence('units', 'id'), (SELECT MAX(id) FROM units))",
            &[],
        )
        .await;
    }
    tx.commit().await.unwrap();
    if pg {
        sqlx::query("ANALYZE").execute(&db.pool).await.unwrap();
    } else {
        sqlx::query("PRAGMA optimize")
            .execute(&db.pool)
            .await
            .unwrap();
    }
    db.close().await;
    Layout { first_unit, n }
}

/// The pages loaded, in turn, by every client.
fn pages(l: &Layout) -> Vec<(&'static str, String)> {
    let mid = l.first_unit + l.n / 2;
    vec![
        ("overview", "/web/overview".into()),
        ("grid, first page", "/web".into()),
        ("grid, deep page", format!("/web?after={mid}")),
        ("grid, name filter", "/web?q=don%20vi%20so%2077".into()),
        ("registrations, first page", "/web/registrations".into()),
        (
            "registrations, by value, deep page",
            format!("/web/registrations?sort=value&desc=1&key=250000000&after={mid}"),
        ),
    ]
}

/// The one-time link in the bot's answer to `/web`, opened with its button (POST):
/// the session cookie ("thidua_session=…").
async fn sign_in(api: &FakeTelegram, http: &reqwest::Client) -> String {
    let staff = User::new(STAFF, "Cán bộ", "Tỉnh");
    let seen = api.sent_to(STAFF).len();
    api.send_text(&staff, "/web");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let said = api.wait_sent_to(STAFF, seen, deadline).await;
    let link = said
        .iter()
        .flat_map(|s| s.text.split_whitespace())
        .find(|w| w.starts_with("http"))
        .unwrap_or_else(|| panic!("no link in {said:?}"))
        .to_string();
    let opened = http.post(&link).send().await.unwrap();
    assert_eq!(opened.status(), 303);
    let cookie = opened
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap();
    cookie.split(';').next().unwrap().to_string()
}

/// Per page: each request's time from sending it to the last byte of the answer.
async fn load_pages(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    pages: &[(&'static str, String)],
    clients: usize,
    requests: usize,
    think: Duration,
) -> Vec<Vec<Duration>> {
    let next = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let (http, next) = (http.clone(), next.clone());
            let (base, cookie, pages) = (base.to_string(), cookie.to_string(), pages.to_vec());
            tokio::spawn(async move {
                let mut times = vec![Vec::new(); pages.len()];
                // Each client starts at its own page, so every page is always in flight.
                let mut k = c;
                while next.fetch_add(1, Ordering::Relaxed) < requests {
                    if !think.is_zero() {
                        tokio::time::sleep(think.mul_f64(rand::random_range(0.0..2.0))).await;
                    }
                    let (name, path) = &pages[k % pages.len()];
                    let started = Instant::now();
                    let r = http
                        .get(format!("{base}{path}"))
                        .header("cookie", &cookie)
                        .send()
                        .await
                        .unwrap();
                    let status = r.status();
                    let body = r.text().await.unwrap();
                    let took = started.elapsed();
                    assert_eq!(status, 200, "{name}: {body}");
                    assert!(body.len() > 1000, "{name}: {body}");
                    times[k % pages.len()].push(took);
                    k += 1;
                }
                times
            })
        })
        .collect();
    let mut all = vec![Vec::new(); pages.len()];
    for t in tasks {
        for (i, times) in t.await.unwrap().into_iter().enumerate() {
            all[i].extend(times);
        }
    }
    all
}

/// Chairs asking `/tinhtrang` in turn, each waiting for its answer and 100 ms more,
/// until `turns` turns (each) or `stop` is set; every turn's latency.
async fn chat(
    api: &FakeTelegram,
    chairs: &[i64],
    turns: Option<usize>,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Vec<Duration> {
    let tasks: Vec<_> = chairs
        .iter()
        .map(|&id| {
            let (api, stop) = (api.clone(), stop.clone());
            tokio::spawn(async move {
                let user = User::new(id, "Chủ tịch", "Thử");
                let mut out = Vec::new();
                while turns.is_none_or(|t| out.len() < t) && !stop.load(Ordering::Relaxed) {
                    let seen = api.sent_to(id).len();
                    let pushed = Instant::now();
                    api.send_text(&user, "/tinhtrang");
                    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
                    let got = api.wait_sent_to(id, seen, deadline).await;
                    assert!(!got.is_empty(), "chair {id}: no answer in 30 s");
                    out.push(got[0].at.saturating_duration_since(pushed));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                out
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all
}

fn quantile(times: &[Duration], q: f64) -> f64 {
    let mut t = times.to_vec();
    t.sort_unstable();
    match t.len() {
        0 => 0.0,
        n => t[((n - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0,
    }
}

fn row(times: &[Duration]) -> String {
    format!(
        "{:.1} ms | {:.1} ms | {:.1} ms | {}",
        quantile(times, 0.5),
        quantile(times, 0.99),
        quantile(times, 1.0),
        times.len()
    )
}

async fn one(n: i64, pg: Option<&str>) {
    let mut env = TestEnv::new();
    let name = format!("thidua_web_pages_{}_{n}", std::process::id());
    if let Some(server) = pg {
        env.database_url = Some(support::load::fresh_postgres(server, &name).await);
    }
    let url = env.database_url();
    let started = Instant::now();
    let layout = seed(&url, n, pg.is_some()).await;
    let seeded = started.elapsed().as_secs_f64();

    let api = FakeTelegram::start().await;
    let port = support::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut bot = env.spawn(&[
        ("TELOXIDE_TOKEN", TOKEN.to_string()),
        ("TELOXIDE_API_URL", api.url()),
        ("THIDUA_HTTP_LISTEN", format!("127.0.0.1:{port}")),
        ("THIDUA_PUBLIC_URL", format!("{base}/")),
        ("THIDUA_SEND_RATE", "100000".to_string()),
        ("RUST_LOG", "warn".to_string()),
    ]);
    support::load::wait_polling(&api, STRANGER).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(120))
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let cookie = sign_in(&api, &http).await;
    let pages = pages(&layout);
    let clients: usize = env_or("CLIENTS", 20);
    let requests: usize = env_or("REQUESTS", 600);
    let think = Duration::from_millis(env_or("THINK_MS", 1000));
    let chatters: i64 = env_or("CHATTERS", 4);
    let chairs: Vec<i64> = (0..chatters)
        .map(|k| FIRST_CHAIR + layout.first_unit + k * (n / chatters.max(1)))
        .collect();

    // Warm-up: every page once, every chair once.
    load_pages(
        &http,
        &base,
        &cookie,
        &pages,
        1,
        pages.len(),
        Duration::ZERO,
    )
    .await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    chat(&api, &chairs, Some(1), stop.clone()).await;

    let quiet = chat(&api, &chairs, Some(25), stop.clone()).await;
    let cpu_before = bot.cpu_ticks();
    let began = Instant::now();
    let talking = {
        let (api, chairs, stop) = (api.clone(), chairs.clone(), stop.clone());
        tokio::spawn(async move { chat(&api, &chairs, None, stop).await })
    };
    let times = load_pages(&http, &base, &cookie, &pages, clients, requests, think).await;
    let elapsed = began.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let loaded = talking.await.unwrap();
    let cpu = bot.cpu_ticks() - cpu_before;
    let peak = bot.peak_rss_kb();
    let clean = bot.terminate();

    let db = if pg.is_some() { "PostgreSQL" } else { "SQLite" };
    println!(
        "\n{db}, {n} units ({} districts), seeded in {seeded:.1} s; {clients} clients, \
         {requests} requests in {elapsed:.1} s ({:.1}/s), think {} ms; bot CPU {:.1} ms a \
         request, peak RSS {:.1} MiB{}",
        (n + PER_DISTRICT - 1) / PER_DISTRICT,
        requests as f64 / elapsed,
        think.as_millis(),
        cpu as f64 / support::CLK_TCK as f64 * 1000.0 / requests as f64,
        peak as f64 / 1024.0,
        if clean { "" } else { "; did not exit cleanly" }
    );
    println!("| DB | units | page | p50 | p99 | max | requests |");
    println!("|---|---|---|---|---|---|---|");
    for ((name, _), t) in pages.iter().zip(&times) {
        println!("| {db} | {n} | {name} | {} |", row(t));
    }
    println!(
        "| {db} | {n} | chat turn (`/tinhtrang`), no page load | {} |",
        row(&quiet)
    );
    println!(
        "| {db} | {n} | chat turn (`/tinhtrang`), pages loading | {} |",
        row(&loaded)
    );
    if let Ok(dir) = std::env::var("WEB_KEEP") {
        if pg.is_none() {
            std::fs::copy(env.db_path(), format!("{dir}/web-{n}.db")).unwrap();
        }
    }
    if let Some(server) = pg {
        if std::env::var("WEB_KEEP").is_err() {
            support::load::drop_postgres(server, &name).await;
        }
    }
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let sizes: Vec<i64> = std::env::var("THIDUA_BENCH_UNITS")
        .or_else(|_| std::env::var("UNITS"))
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .map(|n| n.trim().parse().unwrap())
        .collect();
    let server = std::env::var("THIDUA_TEST_POSTGRES").ok();
    let backends: Vec<Option<&str>> = match std::env::var("DB").as_deref() {
        Ok("sqlite") => vec![None],
        Ok("postgres") => vec![Some(server.as_deref().expect("THIDUA_TEST_POSTGRES"))],
        Ok(other) => panic!("DB={other}: sqlite or postgres"),
        Err(_) => std::iter::once(None)
            .chain(server.as_deref().map(Some))
            .collect(),
    };
    for pg in backends {
        for &n in &sizes {
            one(n, pg).await;
        }
    }
}
