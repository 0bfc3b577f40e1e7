//! Many chairs at once: each fills the whole registration form through the fake Bot
//! API and confirms, sending its next message only after the bot answered the last
//! one, as a person does. Used by `tests/many_chairs.rs` and `benches/chairs.rs`.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::Executor;
use thidua::i18n::{tr, Lang};

use super::fake_telegram::{FakeTelegram, Sent, User};

/// What a chair sends at one step of the form.
enum Input {
    Text(String),
    /// The button whose label contains this, on the bot's previous message.
    Press(&'static str),
}

struct Step {
    name: &'static str,
    input: Input,
    /// A part of the bot's answer that shows the step was taken.
    expect: String,
}

/// What a chair answers to each item of the paper form; an optional item not here (one
/// added to the form later) is skipped.
fn sample(key: &str, i: usize) -> Option<Input> {
    use thidua::domain::registration::field::*;
    let text = |s: &str| Some(Input::Text(s.to_string()));
    match key {
        KIND => Some(Input::Press("Mô hình")),
        NAME => text(&format!("Mô hình mái ấm công đoàn số {i}")),
        START_DATE => text("15/1/2025"),
        END_DATE => text("30/6/2025"),
        CONTENT => text("Vận động xây 2 căn nhà cho đoàn viên khó khăn"),
        ESTIMATED_VALUE => text("250 triệu"),
        BENEFIT_ECONOMIC => text("Tiết kiệm 10 triệu đồng tiền thuê nhà mỗi năm"),
        BENEFIT_SOCIAL => text("Đoàn viên an cư, yên tâm công tác"),
        TIME_SAVED => text("Sớm hơn 1 tháng"),
        _ => None,
    }
}

/// The registration form as `tests/telegram_registration.rs` walks it, without mistakes:
/// one step per item of the form's declaration, each expecting the next item's counter.
fn steps(code: &str, i: usize) -> Vec<Step> {
    let fields = &thidua::conversation::registration_form::REGISTRATION.fields;
    let mut steps = vec![
        Step {
            name: "join",
            input: Input::Text(format!("/start {code}")),
            expect: "Chào mừng".into(),
        },
        Step {
            name: "register",
            input: Input::Text("/dangky".into()),
            expect: super::step(1),
        },
    ];
    for (n, f) in fields.iter().enumerate() {
        let input = sample(&f.key, i).unwrap_or(Input::Press("Bỏ qua"));
        let expect = match n + 2 {
            next if next <= fields.len() => super::step(next),
            _ => "Xin kiểm tra lại".into(),
        };
        steps.push(Step {
            name: key_of(f),
            input,
            expect,
        });
    }
    steps.push(Step {
        name: "confirm",
        input: Input::Press("Xác nhận gửi"),
        expect: "Đã nhận đăng ký số".into(),
    });
    steps
}

/// A field's key, for naming the step a chair stopped at.
fn key_of(f: &'static thidua::conversation::form::FieldSpec) -> &'static str {
    match &f.key {
        std::borrow::Cow::Borrowed(k) => k,
        std::borrow::Cow::Owned(_) => "a campaign's question",
    }
}

/// The bot's answer when a turn failed (`error.generic`).
pub fn generic_error() -> String {
    tr(Lang::Vi, "error.generic")
}

#[derive(Debug, Clone)]
pub struct Failure {
    pub user_id: i64,
    pub step: &'static str,
    /// "error", "timeout" or "no button", with the last unexpected text if any.
    pub why: String,
}

/// One chair's run, for checks that count per chat.
#[derive(Debug, Clone)]
pub struct Chair {
    pub user_id: i64,
    /// Messages this chair sent; each should have exactly one answer.
    pub updates: usize,
    pub completed: bool,
}

#[derive(Debug, Default)]
pub struct LoadReport {
    pub n: usize,
    pub completed: usize,
    /// Answers carrying the generic error text, in all the chairs' chats.
    pub failed_turns: usize,
    pub updates: usize,
    pub elapsed: Duration,
    /// Per answered update: from pushing it to the fake until the expected answer
    /// reached the fake (both instants taken in this process).
    pub latencies: Vec<Duration>,
    pub failures: Vec<Failure>,
    pub chairs: Vec<Chair>,
}

impl LoadReport {
    /// The `q` quantile (0..=1) of the latencies; zero when nothing was answered.
    pub fn quantile(&self, q: f64) -> Duration {
        let mut l = self.latencies.clone();
        l.sort_unstable();
        match l.len() {
            0 => Duration::ZERO,
            n => l[((n - 1) as f64 * q).round() as usize],
        }
    }

    pub fn p50(&self) -> Duration {
        self.quantile(0.5)
    }

    pub fn p99(&self) -> Duration {
        self.quantile(0.99)
    }

    pub fn updates_per_sec(&self) -> f64 {
        self.updates as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// How many chairs stopped at each step.
    pub fn failures_by_step(&self) -> BTreeMap<&'static str, usize> {
        let mut by = BTreeMap::new();
        for f in &self.failures {
            *by.entry(f.step).or_default() += 1;
        }
        by
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "completed {}/{}, failed turns {}, {} updates in {:.1} s ({:.1}/s), p50 {:.1} ms, p99 {:.1} ms",
            self.completed,
            self.n,
            self.failed_turns,
            self.updates,
            self.elapsed.as_secs_f64(),
            self.updates_per_sec(),
            ms(self.p50()),
            ms(self.p99()),
        )?;
        if !self.failures.is_empty() {
            write!(f, "\nstopped at: {:?}", self.failures_by_step())?;
            for x in self.failures.iter().take(5) {
                write!(f, "\n  chair {} at {}: {}", x.user_id, x.step, x.why)?;
            }
        }
        Ok(())
    }
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `n` units ("CĐCS tải {i}") with one unused chair invite each, and if `staff` a
/// district unit with a staff invite, written by SQL on SQLite or PostgreSQL.
pub async fn seed_invites(
    database_url: &str,
    n: usize,
    staff: bool,
) -> (Vec<String>, Option<String>) {
    let db = thidua::store::connect(database_url).await.unwrap();
    let mut tx = db.pool.begin().await.unwrap();
    let mut taken = HashSet::new();
    let mut chairs = Vec::with_capacity(n);
    for i in 0..n {
        chairs.push(invite(&mut tx, &mut taken, &format!("CĐCS tải {i}"), "chair").await);
    }
    let staff = if staff {
        Some(invite(&mut tx, &mut taken, "LĐLĐ huyện tải", "staff").await)
    } else {
        None
    };
    tx.commit().await.unwrap();
    db.pool.close().await;
    (chairs, staff)
}

async fn invite(
    conn: &mut sqlx::AnyConnection,
    taken: &mut HashSet<String>,
    unit: &str,
    role: &str,
) -> String {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO units (name, kind, created_at) VALUES ($1, 'agency', '2025-01-01T00:00:00Z') RETURNING id",
    )
    .bind(unit)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    let code = loop {
        let c = thidua::domain::invite::generate();
        if taken.insert(c.clone()) {
            break c;
        }
    };
    sqlx::query(
        "INSERT INTO invites (code, unit_id, role, created_at, expires_at) \
         VALUES ($1, $2, $3, '2025-01-01T00:00:00Z', '2030-01-01T00:00:00Z')",
    )
    .bind(&code)
    .bind(id)
    .bind(role)
    .execute(&mut *conn)
    .await
    .unwrap();
    code
}

/// One chair per code, user ids from `first_user_id`, all starting at the same moment.
/// `timeout` bounds the wait for each answer: a chair that waits longer stops there.
/// `think`: how long a chair takes to read a question and type the answer, on average
/// (each pause drawn between none and twice that); zero for everyone at full speed.
pub async fn run_chairs(
    api: &FakeTelegram,
    codes: &[String],
    first_user_id: i64,
    timeout: Duration,
    think: Duration,
) -> LoadReport {
    let start = Arc::new(tokio::sync::Barrier::new(codes.len() + 1));
    let error = Arc::new(generic_error());
    let tasks: Vec<_> = codes
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let (api, start, error) = (api.clone(), start.clone(), error.clone());
            let user = User::new(first_user_id + i as i64, "Chủ tịch", &format!("Tải {i}"));
            let steps = steps(code, i);
            tokio::spawn(async move {
                start.wait().await;
                chair(&api, &user, &steps, &error, timeout, think).await
            })
        })
        .collect();
    start.wait().await;
    let began = Instant::now();
    let mut report = LoadReport {
        n: codes.len(),
        ..LoadReport::default()
    };
    for task in tasks {
        let (run, latencies, failure) = task.await.unwrap();
        report.completed += usize::from(run.completed);
        report.updates += run.updates;
        report.latencies.extend(latencies);
        report.failures.extend(failure);
        report.chairs.push(run);
    }
    report.elapsed = began.elapsed();
    report.failed_turns = failed_turns(api, &report.chairs);
    report
}

/// Answers carrying the generic error in these chairs' chats so far: one that comes
/// after its chair gave up counts too, if the caller counts again later.
pub fn failed_turns(api: &FakeTelegram, chairs: &[Chair]) -> usize {
    let error = generic_error();
    chairs
        .iter()
        .flat_map(|c| api.sent_to(c.user_id))
        .filter(|s| s.text.contains(&error))
        .count()
}

async fn chair(
    api: &FakeTelegram,
    user: &User,
    steps: &[Step],
    error: &str,
    timeout: Duration,
    think: Duration,
) -> (Chair, Vec<Duration>, Option<Failure>) {
    let mut run = Chair {
        user_id: user.id,
        updates: 0,
        completed: false,
    };
    let mut latencies = Vec::with_capacity(steps.len());
    let mut seen = 0;
    let mut last: Option<Sent> = None;
    for step in steps {
        let fail = |why: String| Failure {
            user_id: user.id,
            step: step.name,
            why,
        };
        if !think.is_zero() {
            tokio::time::sleep(think.mul_f64(rand::random_range(0.0..2.0))).await;
        }
        let pushed = Instant::now();
        match &step.input {
            Input::Text(t) => api.send_text(user, t),
            Input::Press(label) => {
                let data = last.as_ref().and_then(|s| {
                    s.buttons
                        .iter()
                        .find(|(l, _)| l.contains(label))
                        .map(|(_, d)| d.clone())
                });
                let Some(data) = data else {
                    return (run, latencies, Some(fail(format!("no button {label:?}"))));
                };
                api.press(user, &data);
            }
        }
        run.updates += 1;
        let deadline = tokio::time::Instant::now() + timeout;
        let mut other = String::new();
        'answer: loop {
            let new = api.wait_sent_to(user.id, seen, deadline).await;
            if new.is_empty() {
                return (run, latencies, Some(fail(format!("timeout; {other:?}"))));
            }
            for s in new {
                seen += 1;
                if s.text.contains(error) {
                    return (run, latencies, Some(fail("error".into())));
                }
                if s.text.contains(&step.expect) {
                    latencies.push(s.at.saturating_duration_since(pushed));
                    last = Some(s);
                    break 'answer;
                }
                // Passed over, as `Talk::expect` does; kept to explain a timeout.
                other = s.text;
            }
        }
    }
    run.completed = true;
    (run, latencies, None)
}

/// Registrations stored, and how many distinct numbers they have.
pub async fn registrations(database_url: &str) -> (i64, i64) {
    let db = thidua::store::connect(database_url).await.unwrap();
    let row: (i64, i64) = sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT seq) FROM registrations")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    db.pool.close().await;
    row
}

/// Waits until the bot answers a stranger: it is polling, so measurements that follow
/// do not include its start.
pub async fn wait_polling(api: &FakeTelegram, stranger_id: i64) {
    let user = User::new(stranger_id, "Người", "Lạ");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let seen = api.sent_to(stranger_id).len();
    api.send_text(&user, "/start");
    let got = api.wait_sent_to(stranger_id, seen, deadline).await;
    assert!(!got.is_empty(), "the bot did not answer within 60 s");
}

/// Log lines at ERROR level. The bot writes ANSI colours even to a file, so escapes
/// are removed before looking at the level, the second field of a line.
pub fn error_lines(log: &str) -> Vec<String> {
    log.lines()
        .map(strip_ansi)
        .filter(|l| l.split_whitespace().take(3).any(|w| w == "ERROR"))
        .collect()
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters, then one final letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A fresh database `name` on the PostgreSQL server at `server` (a URL whose user may
/// create databases); returns its URL.
pub async fn fresh_postgres(server: &str, name: &str) -> String {
    let admin = sqlx::PgPool::connect(server).await.unwrap();
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    admin.close().await;
    let (base, _) = server.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

pub async fn drop_postgres(server: &str, name: &str) {
    let admin = sqlx::PgPool::connect(server).await.unwrap();
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
    admin.close().await;
}

/// One registration per chair's unit (a model work, 250 triệu, 15/01–30/06/2025), in
/// the caller's transaction: a province's worth of works without a conversation each.
pub async fn seed_registrations(tx: &mut sqlx::AnyConnection, campaign_id: i64) {
    seed_registrations_after(tx, campaign_id, 0).await
}

/// `seed_registrations` for the chairs without a work yet, numbered after `last` (the
/// highest number the bot gave).
pub async fn seed_registrations_after(tx: &mut sqlx::AnyConnection, campaign_id: i64, last: i64) {
    sqlx::query(
        "INSERT INTO registrations (campaign_id, seq, unit_id, kind, end_date, \
         estimated_value_vnd, status, submitted_by, submitted_at, updated_at, answers, \
         folded_name) \
         SELECT $1, $3 + m.unit_id, m.unit_id, 'mo_hinh', '2025-06-30', 250000000, 'submitted', \
         m.id, '2025-02-01T00:00:00Z', '2025-02-01T00:00:00Z', $2, 'mai am cong doan' FROM members m \
         WHERE m.role = 'chair' AND NOT EXISTS (SELECT 1 FROM registrations r \
         WHERE r.unit_id = m.unit_id AND r.campaign_id = $1)",
    )
    .bind(campaign_id)
    .bind(SEEDED_ANSWERS)
    .bind(last)
    .execute(tx)
    .await
    .unwrap();
}

/// The answers of every seeded work, as the bot stores them.
const SEEDED_ANSWERS: &str = r#"{"kind":{"t":"choice","v":"mo_hinh"},"name":{"t":"text","v":"Mái ấm công đoàn"},"start_date":{"t":"date","v":"2025-01-15"},"end_date":{"t":"date","v":"2025-06-30"},"content":{"t":"text","v":"Xây nhà cho đoàn viên"},"estimated_value":{"t":"money","v":250000000}}"#;
