//! Drives one rehearsal: seeds the district, starts the fakes and the real bot with
//! `run --now T --speed K`, plays the script's acts as the bot's clock reaches them
//! (killing and restarting it where the script says), lets the outbox drain, and
//! collects what the fakes received and what the database holds.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Span, Utc};
use chrono_tz::Tz;
use sqlx::Row;
use tokio::task::JoinHandle;

use crate::handed::{Change, Handed};
use crate::plan::{self, Act, Frame, Rng, Seat, Slot, Staff, FIRST_CHAT};
use crate::support::fake_telegram::{FakeTelegram, Sent};
use crate::support::fake_zalo::{FakeZalo, ZSent, TOKEN as ZALO_1, TOKEN_2 as ZALO_2};
use crate::support::{self, Bot, TestEnv, TOKEN};
use crate::talk::{Attempt, Next, Talk};
use thidua::clock::Clock;
use thidua::scheduler::TICK;
use thidua::store::deadlines::{self, Deadline};
use thidua::store::{self, submissions, Db};

/// What the first Zalo bot had spent of its 3 000 before the rehearsal began: a few
/// messages more and Zalo refuses (429) for the rest of April.
pub const SPENT_BEFORE: usize = 2_990;
/// The webhooks' secret when several instances share the updates.
const HOOK_SECRET: &str = "rehearsal-webhook-secret";

pub struct Options {
    pub seed: u64,
    pub start: DateTime<Utc>,
    pub speed: u32,
    pub kills: usize,
    pub until: DateTime<Utc>,
    pub units: usize,
    /// Districts the units are dealt to; over several, a province above them.
    pub districts: usize,
    /// `thidua run` processes on the one database, behind a round-robin proxy that
    /// takes both channels' webhooks (one: polling, as a district runs it).
    pub instances: usize,
    /// A PostgreSQL server to rehearse on (a fresh database of its own) instead of a
    /// SQLite file.
    pub postgres: Option<String>,
}

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .with_timezone(&Utc)
}

/// The bots' rehearsal clock as the test follows it: it read `from` at the real
/// instant `began` (given to every start as `--since`), and runs `speed` times faster.
#[derive(Clone, Copy, Debug)]
pub struct Model {
    pub from: DateTime<Utc>,
    pub began: DateTime<Utc>,
    pub speed: u32,
}

impl Model {
    pub fn now(&self) -> DateTime<Utc> {
        self.at(Utc::now())
    }

    pub fn at(&self, real: DateTime<Utc>) -> DateTime<Utc> {
        self.from + (real - self.began) * self.speed as i32
    }
}

/// The bot's clocks of every start, and a real instant on both of the test's clocks:
/// when, in rehearsal time, something the fakes stamped with an `Instant` happened.
pub struct Timeline {
    pub models: Vec<Model>,
    base: (Instant, DateTime<Utc>),
}

impl Timeline {
    pub fn rehearsal(&self, i: Instant) -> DateTime<Utc> {
        let real = if i >= self.base.0 {
            self.base.1 + Span::from_std(i - self.base.0).unwrap()
        } else {
            self.base.1 - Span::from_std(self.base.0 - i).unwrap()
        };
        let m = self
            .models
            .iter()
            .rev()
            .find(|m| m.began <= real)
            .unwrap_or(&self.models[0]);
        m.at(real)
    }
}

/// A copy of an outbox row at the end.
#[derive(Debug, Clone)]
pub struct Row_ {
    pub status: String,
    pub chat: String,
    pub body: String,
    pub purpose: String,
    pub error: Option<String>,
}

/// Everything the checks look at.
pub struct Outcome {
    pub seed: String,
    pub tz: Tz,
    pub start: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub rehearsed_to: DateTime<Utc>,
    pub speed: u32,
    pub tol: Span,
    pub units: usize,
    pub staff: Vec<Staff>,
    pub instances: usize,
    pub deadlines: Vec<Deadline>,
    pub slots: Vec<Slot>,
    /// Each unit's hand-ins and returns.
    pub handed: Handed,
    /// Why staff returned papers (every return gives this reason).
    pub return_reason: &'static str,
    pub restarts: Vec<DateTime<Utc>>,
    pub timeline: Timeline,
    pub telegram: Vec<Sent>,
    pub zalo: Vec<Vec<ZSent>>,
    /// Each Zalo bot's (sent this month, refused 429 this month) at the end.
    pub zalo_month: Vec<(usize, usize)>,
    /// Sends the fake Zalo refused for breaking its rules (never wrote, too long).
    pub zalo_rule_breaks: Vec<String>,
    /// Zalo updates lost to a failed webhook call (an instance killed mid-turn).
    pub zalo_webhook_lost: usize,
    /// How many sends the fake Telegram refused with 429.
    pub telegram_429: u64,
    pub sends_after_block: HashMap<usize, u32>,
    pub blocked: HashMap<usize, (DateTime<Utc>, Instant)>,
    pub attempts: BTreeMap<usize, Attempt>,
    /// (n, audience, rehearsal time queued, how many recipients the command said).
    pub announced: Vec<(usize, &'static str, DateTime<Utc>, String)>,
    pub swept: HashMap<String, DateTime<Utc>>,
    pub outbox: Vec<Row_>,
    pub registrations: Vec<Stored>,
    pub inactive: Vec<String>,
    pub drift: Option<String>,
    pub log: String,
    pub stopped_cleanly: bool,
    pub starts: usize,
    pub real: Duration,
    pub cpu_ticks: u64,
    pub peak_outbox: i64,
    pub db_bytes: u64,
    pub chosen: String,
}

/// The chair's next step, once what they were doing is done (a chair whose talk never
/// began has nothing to go on with).
fn then(talks: &mut HashMap<usize, JoinHandle<(Talk, Attempt)>>, unit: usize, next: Next) {
    if let Some(before) = talks.remove(&unit) {
        let task = async move {
            let (mut talk, mut a) = before.await.unwrap();
            talk.then(&mut a, next).await;
            (talk, a)
        };
        talks.insert(unit, tokio::spawn(task));
    }
}

/// A registration as the database holds it at the end.
pub struct Stored {
    /// The unit's index in the rehearsal.
    pub unit: usize,
    pub number: String,
    pub status: String,
    pub value: Option<i64>,
    /// The result reported ("done", "ongoing", …) and the actual value.
    pub result: Option<String>,
    pub actual: Option<i64>,
}

/// Zalo bot `b`'s token (the first two the fake's own).
pub fn zalo_token(b: usize) -> String {
    match b {
        0 => ZALO_1.to_string(),
        1 => ZALO_2.to_string(),
        _ => format!("{}459232241454765289:zalo-bot-number-{}", b + 1, b + 1),
    }
}

pub fn stored_chat(seat: &Seat) -> String {
    match seat {
        Seat::Telegram(chat) => chat.to_string(),
        Seat::Zalo { bot: 0, id } => id.clone(),
        Seat::Zalo { bot, id } => {
            format!(
                "{}:{id}",
                thidua::channels::zalo::bots::bot_id(&zalo_token(*bot))
            )
        }
    }
}

async fn add_unit(tx: &mut sqlx::AnyConnection, name: &str, parent: Option<i64>) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO units (name, kind, created_at, parent_id) VALUES ($1, 'agency', '2025-01-01T00:00:00Z', $2) RETURNING id",
    )
    .bind(name)
    .bind(parent)
    .fetch_one(&mut *tx)
    .await
    .unwrap()
}

/// The federations (a district, or a province over its districts) with their staff,
/// and the units, each with its chair.
async fn seed_units(db: &Db, n: usize, districts: usize) -> Vec<i64> {
    let mut tx = db.pool.begin().await.unwrap();
    let staff = plan::staff(n, districts);
    let province = match districts {
        1 => None,
        _ => {
            let id = add_unit(&mut tx, "LĐLĐ tỉnh Kiên Giang", None).await;
            let chat = staff.last().unwrap().chat;
            support::add_telegram_member(&mut tx, chat, id, "staff", "Cán bộ LĐLĐ tỉnh").await;
            Some(id)
        }
    };
    let mut federations = Vec::new();
    for (d, member) in staff.iter().take(districts).enumerate() {
        let id = add_unit(&mut tx, &format!("LĐLĐ huyện số {}", d + 1), province).await;
        let name = format!("Cán bộ LĐLĐ huyện {}", d + 1);
        support::add_telegram_member(&mut tx, member.chat, id, "staff", &name).await;
        federations.push(id);
    }
    let mut units = Vec::new();
    for i in 0..n {
        let district = federations[plan::district_of(i, districts)];
        let unit = add_unit(&mut tx, &unit_name(i), Some(district)).await;
        let seat = plan::seat_of(i, n);
        let channel = match seat {
            Seat::Telegram(_) => "telegram",
            Seat::Zalo { .. } => "zalo",
        };
        let name = format!("Chủ tịch {i:02}");
        support::add_member(&mut tx, channel, &stored_chat(&seat), unit, "chair", &name).await;
        units.push(unit);
    }
    tx.commit().await.unwrap();
    units
}

async fn submit(db: &Db, d: &Deadline, tz: Tz, unit: i64, when: DateTime<Utc>) {
    let mut conn = db.pool.acquire().await.unwrap();
    submissions::submit(&mut conn, d, unit, None, None, d.spec.due_at(tz), when)
        .await
        .unwrap();
}

/// How each instance is started: its environment and its `run` arguments.
struct Launch {
    vars: Vec<(&'static str, String)>,
    args: Vec<String>,
    /// Each instance's own HTTP port, when there are several.
    ports: Vec<u16>,
}

impl Launch {
    /// The fakes' addresses and tokens, the one clock; over several instances, the
    /// webhooks through a round-robin proxy in front of them.
    async fn new(
        telegram: &FakeTelegram,
        zalo: &FakeZalo,
        tokens: &[String],
        model: &Model,
        instances: usize,
    ) -> Launch {
        let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut vars = vec![
            ("TELOXIDE_TOKEN", TOKEN.to_string()),
            ("TELOXIDE_API_URL", telegram.url()),
            ("ZALO_BOT_TOKENS", tokens.join(", ")),
            ("ZALO_API_URL", zalo.url()),
            ("NO_COLOR", "1".to_string()),
        ];
        let mut ports = Vec::new();
        if instances > 1 {
            ports = (0..instances).map(|_| support::free_port()).collect();
            let upstreams = ports
                .iter()
                .map(|p| format!("http://127.0.0.1:{p}"))
                .collect();
            let proxy = support::proxy::start(upstreams).await;
            vars.extend([
                ("TELEGRAM_WEBHOOK_URL", format!("http://{proxy}/telegram")),
                ("TELEGRAM_WEBHOOK_SECRET", HOOK_SECRET.to_string()),
                ("ZALO_WEBHOOK_URL", format!("http://{proxy}/zalo")),
                ("ZALO_WEBHOOK_SECRET", HOOK_SECRET.to_string()),
            ]);
        }
        let args = [
            "run",
            "--now",
            &stamp(model.from),
            "--speed",
            &model.speed.to_string(),
            "--since",
            &stamp(model.began),
        ]
        .map(String::from)
        .to_vec();
        Launch { vars, args, ports }
    }

    fn spawn(&self, env: &TestEnv, instance: usize) -> Bot {
        let mut vars = self.vars.clone();
        if let Some(port) = self.ports.get(instance) {
            vars.push(("THIDUA_HTTP_LISTEN", format!("127.0.0.1:{port}")));
        }
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        env.spawn_with(&args, &vars)
    }
}

pub async fn outbox_busy(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending') AND (error IS NULL OR error <> $1)")
        .bind(thidua::delivery::quota::HELD)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

/// The live part of a rehearsal: the bots, their one clock and the fakes.
struct Live<'a> {
    env: &'a TestEnv,
    db: &'a Db,
    launch: Launch,
    bots: Vec<Bot>,
    model: Model,
    starts: usize,
    seed: String,
    cpu_ticks: u64,
    restarts: Vec<DateTime<Utc>>,
}

impl Live<'_> {
    /// kill -9, and the same command again at once: the clock has gone on meanwhile.
    async fn kill_and_restart(&mut self, instance: usize, tz: Tz) {
        let bot = &mut self.bots[instance];
        self.cpu_ticks += bot.cpu_ticks();
        bot.kill_hard();
        let reached = self.model.now();
        self.restarts.push(reached);
        self.bots[instance] = self.launch.spawn(self.env, instance);
        self.starts += 1;
        println!(
            "rehearsal: kill -9 of instance {instance} at {} (local), started again",
            reached.with_timezone(&tz)
        );
    }

    /// `thidua submission return`, as the operator types it.
    async fn return_papers(&self, unit: usize, deadline: &str) {
        let out = run_return(self.env, unit, deadline).await;
        assert!(out.status.success(), "{}: return: {out:?}", self.seed);
    }

    /// `thidua broadcast`, as the operator types it; returns what it answered.
    async fn announce(&self, n: usize, audience: &str) -> String {
        let mut cmd = self.env.command();
        let text = format!("Thông báo số {n} của LĐLĐ huyện: họp trực tuyến chiều thứ Sáu.");
        cmd.args(["broadcast", "--text", &text, "--audience", audience]);
        // Off the loop's thread: the bot's clock goes on while the command runs.
        let out = tokio::task::spawn_blocking(move || cmd.output())
            .await
            .unwrap()
            .unwrap();
        assert!(out.status.success(), "{}: broadcast: {out:?}", self.seed);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

/// The reason staff give when they return a unit's papers.
pub const RETURN_REASON: &str = "Thiếu chữ ký của chủ tịch CĐCS, xin bổ sung";

async fn run_return(env: &TestEnv, unit: usize, deadline: &str) -> std::process::Output {
    let mut cmd = env.command();
    let name = unit_name(unit);
    cmd.args([
        "submission",
        "return",
        "--unit",
        &name,
        "--deadline",
        deadline,
    ]);
    cmd.args(["--reason", RETURN_REASON]);
    // Off the loop's thread: the bot's clock goes on while the command runs.
    tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap()
}

fn unit_name(i: usize) -> String {
    format!("CĐCS số {i:02}")
}

/// `rehearse` from outside a runtime: on its own, with two workers (the cores CI has).
pub fn rehearse_on_own_runtime(o: &Options) -> Outcome {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(rehearse(o))
}

pub async fn rehearse(o: &Options) -> Outcome {
    let start = o.start;
    let seed = format!("seed {}", o.seed);
    println!(
        "rehearsal: {seed}, speed {}, {start} to {}, {} kill(s), {} units in {} district(s), {} instance(s)",
        o.speed, o.until, o.kills, o.units, o.districts, o.instances
    );
    let mut rng = Rng(o.seed);
    // One tick of the scheduler, in rehearsal time: its real sleep (`Clock::real`,
    // never under 50 ms) times the speed. At 10 000× that is 500 s, some 8 minutes.
    let tick_real = Clock::rehearsing(start, o.speed).real(TICK);
    let tol = Span::from_std(tick_real).unwrap() * o.speed as i32;

    let mut env = TestEnv::new();
    let pg_name = format!("thidua_rehearsal_{}", o.seed);
    if let Some(server) = &o.postgres {
        env.database_url = Some(crate::support::load::fresh_postgres(server, &pg_name).await);
    }
    let db = store::connect(&env.database_url()).await.unwrap();
    let units = seed_units(&db, o.units, o.districts).await;
    let campaign = store::campaigns::ensure_seed(&db).await.unwrap();
    let tz = campaign.tz();
    let deadlines = deadlines::for_campaign(&mut db.read().await.unwrap(), campaign.id)
        .await
        .unwrap();
    let slots = plan::slots(&deadlines, tz);
    let frame = Frame {
        deadlines: &deadlines,
        slots: &slots,
        tz,
        start,
        until: o.until,
        tol,
        units: o.units,
        kills: o.kills,
        instances: o.instances,
    };
    let script = frame.script(&mut rng);
    let chosen = format!("{:?}", script.chosen);
    println!("rehearsal: hand-ins {chosen}; {} acts", script.acts.len());
    let mut acts = script.acts;

    let mut handed = Handed::default();
    while acts.first().is_some_and(|(t, _)| *t < start) {
        let (t, act) = acts.remove(0);
        let change = |handed_in| Change {
            asked: t,
            done: t,
            handed_in,
        };
        match act {
            Act::HandIn { deadline, unit } => {
                submit(&db, &deadlines[deadline], tz, units[unit], t).await;
                handed.record((deadline, unit), change(true));
            }
            Act::Return { deadline, unit } => {
                let key = &deadlines[deadline].spec.key;
                assert!(run_return(&env, unit, key).await.status.success());
                handed.record((deadline, unit), change(false));
            }
            _ => {}
        }
    }

    let telegram = FakeTelegram::start().await;
    let tokens: Vec<String> = (0..plan::zalo_bots(o.units)).map(zalo_token).collect();
    let zalo = FakeZalo::start_bots(&tokens.iter().map(String::as_str).collect::<Vec<_>>()).await;
    for u in 0..o.units {
        if let Seat::Zalo { bot, id } = plan::seat_of(u, o.units) {
            zalo[bot].follow(&crate::support::fake_zalo::ZUser::new(&id, "Chủ tịch"));
        }
    }
    // The first bot's month nearly spent, when the rehearsal sees the month turn.
    if !plan::month_turns(start, o.until, tz).is_empty() {
        zalo[0].spend(SPENT_BEFORE);
    }
    let real_start = Instant::now();
    let base = (Instant::now(), Utc::now());
    let model = Model {
        from: start,
        began: Utc::now(),
        speed: o.speed,
    };
    let launch = Launch::new(&telegram, &zalo[0], &tokens, &model, o.instances).await;
    let bots = (0..o.instances).map(|i| launch.spawn(&env, i)).collect();
    let mut live = Live {
        env: &env,
        db: &db,
        launch,
        bots,
        model,
        starts: o.instances,
        seed: seed.clone(),
        cpu_ticks: 0,
        restarts: Vec::new(),
    };
    // Each chair's conversation: its registration, then its change of mind, in turn.
    let mut talks: HashMap<usize, JoinHandle<(Talk, Attempt)>> = HashMap::new();
    let mut blocked = HashMap::new();
    let mut announced = Vec::new();
    let mut peak_outbox = 0;
    let mut round = 0_u64;
    loop {
        let now = live.model.now();
        if now >= o.until {
            break;
        }
        round += 1;
        if round.is_multiple_of(40) {
            peak_outbox = peak_outbox.max(outbox_busy(live.db).await);
        }
        while acts.first().is_some_and(|(t, _)| *t <= now) {
            let (_, act) = acts.remove(0);
            match act {
                Act::HandIn { deadline, unit } | Act::Return { deadline, unit } => {
                    let asked = live.model.now();
                    let handed_in = matches!(act, Act::HandIn { .. });
                    if handed_in {
                        submit(&db, &deadlines[deadline], tz, units[unit], asked).await;
                    } else {
                        let key = &deadlines[deadline].spec.key;
                        live.return_papers(unit, key).await;
                    }
                    let done = live.model.now();
                    let change = Change {
                        asked,
                        done,
                        handed_in,
                    };
                    handed.record((deadline, unit), change);
                }
                Act::Register { unit } => {
                    let mut talk = Talk::new(plan::seat_of(unit, o.units), &telegram, &zalo);
                    let task = async move {
                        let a = talk.register(unit).await;
                        (talk, a)
                    };
                    talks.insert(unit, tokio::spawn(task));
                }
                Act::Change { unit, later } => then(&mut talks, unit, Next::Change(later)),
                Act::Report { unit, answer } => then(&mut talks, unit, Next::Report(answer)),
                Act::Announce { n, audience } => {
                    let when = live.model.now();
                    let said = live.announce(n, audience).await;
                    announced.push((n, audience, when, said));
                }
                Act::Block { unit } => {
                    if let Seat::Telegram(chat) = plan::seat_of(unit, o.units) {
                        telegram.block(chat);
                        blocked.insert(unit, (live.model.now(), Instant::now()));
                    }
                }
                Act::Kill(instance) => live.kill_and_restart(instance, tz).await,
                Act::Zalo403(on) => zalo[0].set_plan(|p| p.fail_403_every = if on { 3 } else { 0 }),
                Act::NewMonth => zalo[0].new_month(&zalo.iter().skip(1).collect::<Vec<_>>()),
                Act::TelegramLimit(limit) => telegram.limit_rate(limit.unwrap_or(u32::MAX)),
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let rehearsed_to = live.model.now();
    let mut attempts = BTreeMap::new();
    for (unit, talk) in talks {
        attempts.insert(unit, talk.await.unwrap().1);
    }
    // Let the outbox empty (a few real seconds; nothing else falls due so soon).
    let drain = Instant::now() + Duration::from_secs(30);
    while outbox_busy(&db).await > 0 && Instant::now() < drain {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Every start of every instance appends to the one log.
    let log = live.bots[0].log_text();
    let mut cpu_ticks = live.cpu_ticks;
    let mut stopped_cleanly = true;
    for bot in &mut live.bots {
        cpu_ticks += bot.cpu_ticks();
        stopped_cleanly &= bot.terminate();
    }
    let real = real_start.elapsed();
    let timeline = Timeline {
        models: vec![live.model],
        base,
    };
    let seats: Vec<String> = (0..o.units)
        .map(|u| stored_chat(&plan::seat_of(u, o.units)))
        .collect();
    let unit_index: HashMap<i64, usize> = units.iter().enumerate().map(|(i, u)| (*u, i)).collect();
    let mut conn = db.pool.acquire().await.unwrap();
    let drift = support::tallies::drift(&mut conn).await;
    drop(conn);
    let (swept, outbox, registrations, inactive) = (
        swept(&db).await,
        outbox(&db).await,
        registrations(&db, &unit_index).await,
        inactive(&db, &seats).await,
    );
    let db_bytes = match &o.postgres {
        Some(_) => sqlx::query_scalar::<_, i64>("SELECT pg_database_size(current_database())")
            .fetch_one(&db.pool)
            .await
            .unwrap() as u64,
        None => ["", "-wal"]
            .iter()
            .filter_map(|end| std::fs::metadata(format!("{}{end}", env.db_path().display())).ok())
            .map(|m| m.len())
            .sum(),
    };
    db.pool.close().await;
    if let Some(server) = &o.postgres {
        crate::support::load::drop_postgres(server, &pg_name).await;
    }
    Outcome {
        seed,
        tz,
        start,
        until: o.until,
        rehearsed_to,
        speed: o.speed,
        tol,
        units: o.units,
        staff: plan::staff(o.units, o.districts),
        instances: o.instances,
        slots,
        handed,
        return_reason: RETURN_REASON,
        restarts: live.restarts.clone(),
        timeline,
        telegram: telegram
            .sent()
            .into_iter()
            .filter(|s| s.method == "sendmessage")
            .collect(),
        zalo: zalo.iter().map(FakeZalo::sent).collect(),
        zalo_month: zalo.iter().map(FakeZalo::month).collect(),
        zalo_rule_breaks: zalo.iter().flat_map(FakeZalo::refused).collect(),
        zalo_webhook_lost: zalo.iter().map(FakeZalo::webhook_lost).sum(),
        telegram_429: telegram.too_many(),
        sends_after_block: blocked
            .keys()
            .map(|u| (*u, telegram.sends_after_block(FIRST_CHAT + *u as i64)))
            .collect(),
        blocked,
        attempts,
        announced,
        swept,
        outbox,
        registrations,
        inactive,
        drift,
        log,
        stopped_cleanly,
        starts: live.starts,
        real,
        cpu_ticks,
        peak_outbox,
        db_bytes,
        chosen,
        deadlines,
    }
}

async fn swept(db: &Db) -> HashMap<String, DateTime<Utc>> {
    sqlx::query("SELECT key, created_at FROM reminders_sent WHERE unit_id IS NULL")
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get::<String, _>("key"),
                at(&r.get::<String, _>("created_at")),
            )
        })
        .collect()
}

async fn outbox(db: &Db) -> Vec<Row_> {
    sqlx::query("SELECT status, chat_id, body, purpose, error FROM outbox ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| Row_ {
            status: r.get("status"),
            chat: r.get("chat_id"),
            body: serde_json::from_str::<serde_json::Value>(&r.get::<String, _>("body"))
                .map(|b| b["text"].as_str().unwrap_or_default().to_string())
                .unwrap_or_default(),
            purpose: r.get("purpose"),
            error: r.get("error"),
        })
        .collect()
}

async fn registrations(db: &Db, index: &HashMap<i64, usize>) -> Vec<Stored> {
    sqlx::query(
        "SELECT unit_id, CAST(seq AS BIGINT) AS seq, status, \
         CAST(estimated_value_vnd AS BIGINT) AS value, result, \
         CAST(actual_value_vnd AS BIGINT) AS actual FROM registrations ORDER BY seq",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        let unit = index[&r.get::<i64, _>("unit_id")];
        Stored {
            unit,
            number: format!("{:03}/ĐK", r.get::<i64, _>("seq")),
            status: r.get("status"),
            value: r.get("value"),
            result: r.get("result"),
            actual: r.get("actual"),
        }
    })
    .collect()
}

/// The chairs' stored chat ids that the bot took for gone.
async fn inactive(db: &Db, seats: &[String]) -> Vec<String> {
    let gone: Vec<String> = sqlx::query_scalar("SELECT chat_id FROM members WHERE active = 0")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    gone.into_iter().filter(|c| seats.contains(c)).collect()
}
