//! Starting the real `thidua` binary on a temporary SQLite file, and talking to it
//! through a fake Bot API, as a chair would.
#![allow(dead_code)]

pub mod browser;
pub mod fake_telegram;
pub mod fake_zalo;
pub mod instances;
pub mod load;
pub mod proxy;
pub mod tallies;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use fake_telegram::{FakeTelegram, Sent, User};

pub const TOKEN: &str = "123456:TEST-TOKEN-never-logged";

/// "(3/9)": the form's question counter, counted from its declaration, so a field added
/// to the form changes no test.
pub fn step(i: usize) -> String {
    let n = thidua::conversation::registration_form::REGISTRATION
        .fields
        .len();
    format!("({i}/{n})")
}

/// How many questions of the registration form come after the one with `key`: what a
/// scripted chair skips to reach the summary once it has answered up to `key`.
pub fn items_after(key: &str) -> usize {
    let fields = &thidua::conversation::registration_form::REGISTRATION.fields;
    let at = fields
        .iter()
        .position(|f| f.key == key)
        .expect("a field of the form");
    fields.len() - at - 1
}

/// An exported CSV's rows, each cell by its column's name: a column added to the form
/// moves no test's reading.
pub fn csv_records(csv: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .map(String::from)
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

pub struct TestEnv {
    pub dir: tempfile::TempDir,
    pub database_url: Option<String>,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().unwrap(),
            database_url: None,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("thidua.db")
    }

    /// The database every command of this environment uses: a temporary SQLite file,
    /// unless the test chose another (PostgreSQL).
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.db_path().display()))
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_thidua"));
        cmd.current_dir(self.dir.path())
            .env_remove("TELOXIDE_TOKEN")
            .env_remove("TELOXIDE_API_URL")
            .env_remove("ZALO_BOT_TOKEN")
            .env_remove("THIDUA_CONFIG")
            .env("DATABASE_URL", self.database_url())
            .env("LANG", "vi_VN.UTF-8")
            .env("RUST_LOG", "info,thidua=debug");
        cmd
    }

    /// Runs an operator command to completion; panics with its output if it fails.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = self.cli_raw(args);
        assert!(
            out.status.success(),
            "thidua {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `thidua export registrations --format xlsx` into `name` in the test's folder.
    pub fn export_xlsx(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        self.cli(&[
            "export",
            "registrations",
            "--format",
            "xlsx",
            "--out",
            path.to_str().unwrap(),
        ]);
        path
    }

    /// `thidua export submissions --out OUT` with the bot's data folder, run from `cwd`
    /// (the environment's folder when `None`); panics with stderr if it fails.
    pub fn export_submissions(&self, data_dir: &Path, out: &Path, cwd: Option<&Path>) {
        let done = self
            .command()
            .current_dir(cwd.unwrap_or(self.dir.path()))
            .env("THIDUA_DATA_DIR", data_dir)
            .args(["export", "submissions", "--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
    }

    /// `thidua` with these settings in its environment (the command line learns the
    /// deployment's channels from them), as it exits.
    pub fn cli_with(&self, vars: &[(&str, String)], args: &[&str]) -> Output {
        self.command()
            .args(args)
            .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
            .output()
            .unwrap()
    }

    /// The plan's campaign with its two deadlines on the same day (5 May 2025), so one
    /// reminder round covers both.
    pub fn load_same_day_campaign(&self) {
        let example = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/campaign-vinh-thuan-2025.toml"
        ))
        .unwrap();
        assert!(
            example.contains("due = 2025-06-02"),
            "the nomination's date moved"
        );
        let file = self.dir.path().join("same-day.toml");
        std::fs::write(
            &file,
            example.replace("due = 2025-06-02", "due = 2025-05-05"),
        )
        .unwrap();
        self.cli(&["campaign", "load", file.to_str().unwrap()]);
    }

    /// Adds units, each below its parent (added before it), by the command line.
    pub fn tree(&self, units: &[(&str, Option<&str>)]) {
        for (unit, parent) in units {
            let mut args = vec!["unit", "add", unit];
            if let Some(p) = parent {
                args.extend(["--parent", p]);
            }
            self.cli(&args);
        }
    }

    pub fn cli_raw(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    /// `thidua invite ...`: the code is the last token of the last line.
    pub fn invite(&self, unit: &str, role: &str) -> String {
        let out = self.cli(&["invite", "--unit", unit, "--role", role]);
        out.lines()
            .last()
            .unwrap()
            .split_whitespace()
            .last()
            .unwrap()
            .to_string()
    }

    /// `thidua run` against the fake Bot API.
    pub fn run_bot(&self, api: &FakeTelegram) -> Bot {
        self.spawn(&[
            ("TELOXIDE_TOKEN", TOKEN.to_string()),
            ("TELOXIDE_API_URL", api.url()),
        ])
    }

    /// `thidua run` with the given channel settings.
    pub fn spawn(&self, vars: &[(&str, String)]) -> Bot {
        self.spawn_with(&["run"], vars)
    }

    /// `thidua run` on the fake Telegram, its clock starting at `now` (RFC 3339).
    pub fn run_at(&self, api: &FakeTelegram, now: &str) -> Bot {
        self.spawn_with(
            &["run", "--now", now],
            &[
                ("TELOXIDE_TOKEN", TOKEN.to_string()),
                ("TELOXIDE_API_URL", api.url()),
            ],
        )
    }

    pub fn spawn_with(&self, args: &[&str], vars: &[(&str, String)]) -> Bot {
        self.spawn_limited(None, args, vars)
    }

    /// `spawn_with`, the process limited to `nofile` open file descriptors (as a
    /// small `LimitNOFILE=` of systemd would) when given.
    pub fn spawn_limited(
        &self,
        nofile: Option<u32>,
        args: &[&str],
        vars: &[(&str, String)],
    ) -> Bot {
        let log = self.dir.path().join("bot.log");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let mut cmd = self.command();
        if let Some(n) = nofile {
            let mut wrapped = Command::new("sh");
            wrapped
                .arg("-c")
                .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                .arg(cmd.get_program())
                .current_dir(self.dir.path());
            for (k, v) in cmd.get_envs() {
                match v {
                    Some(v) => wrapped.env(k, v),
                    None => wrapped.env_remove(k),
                };
            }
            cmd = wrapped;
        }
        let child = cmd
            .args(args)
            .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::from(file.try_clone().unwrap()))
            .stderr(Stdio::from(file))
            .spawn()
            .unwrap();
        Bot { child, log }
    }
}

pub struct Bot {
    child: Child,
    pub log: PathBuf,
}

impl Bot {
    /// As if the machine lost power: no chance to clean up.
    pub fn kill_hard(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, as systemd stops a service; returns whether it exited cleanly in time.
    pub fn terminate(&mut self) -> bool {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// SIGTERM; how long the process took to exit, and whether it exited cleanly.
    pub fn stop_timed(&mut self) -> (Duration, bool) {
        let started = Instant::now();
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (started.elapsed(), status.success());
            }
            if started.elapsed() > Duration::from_secs(30) {
                self.kill_hard();
                return (started.elapsed(), false);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The process's peak resident set (VmHWM), in KiB.
    pub fn peak_rss_kb(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// CPU time used so far (utime + stime), in clock ticks: `CLK_TCK` a second.
    pub fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        // The command name may hold spaces: count fields after its closing parenthesis,
        // where field 3 (state) is the first, so utime (14) and stime (15) are 11 and 12.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .unwrap()
            .1
            .split_whitespace()
            .collect();
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    }
}

/// `sysconf(_SC_CLK_TCK)`, the unit of /proc's CPU times: 100 on Linux; hard-coded
/// rather than adding libc for one constant.
pub const CLK_TCK: u64 = 100;

/// A benchmark's setting from the environment.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One person's chat with the bot: what they send, and the bot's answers in order.
pub struct Talk {
    pub api: FakeTelegram,
    pub user: User,
    seen: usize,
}

impl Talk {
    pub fn new(api: &FakeTelegram, user: User) -> Talk {
        Talk {
            api: api.clone(),
            user,
            seen: 0,
        }
    }

    pub fn say(&mut self, text: &str) -> &mut Self {
        self.api.send_text(&self.user, text);
        self
    }

    pub fn press(&mut self, data: &str) -> &mut Self {
        self.api.press(&self.user, data);
        self
    }

    pub fn document(&mut self, name: &str, mime: &str, bytes: &[u8]) -> &mut Self {
        self.api.send_document(&self.user, name, mime, bytes);
        self
    }

    pub fn photo(&mut self) -> &mut Self {
        self.api.send_photo(&self.user);
        self
    }

    pub fn sticker(&mut self) -> &mut Self {
        self.api.send_sticker(&self.user);
        self
    }

    /// The next message to this chat that contains `part`; earlier unread ones are
    /// passed over. Fails after 15 s, showing what did arrive.
    pub async fn expect(&mut self, part: &str) -> Sent {
        let (api, id) = (self.api.clone(), self.user.id);
        next_containing(
            &mut self.seen,
            || api.sent_to(id),
            |s| &s.text,
            part,
            &id.to_string(),
        )
        .await
    }

    /// The whole registration form, answered as a chair would, up to the confirmation;
    /// returns the bot's confirmation text.
    pub async fn register(&mut self, name: &str) -> String {
        self.register_with(name, "250 triệu").await.1
    }

    /// The form answered with this estimated value: (the summary, the confirmation).
    /// Walked from the form's declaration: each item's answer by its key, an item this
    /// does not know (one added to the form later) skipped, the counters counted.
    pub async fn register_with(&mut self, name: &str, amount: &str) -> (String, String) {
        use thidua::domain::registration::field::*;
        let fields = &thidua::conversation::registration_form::REGISTRATION.fields;
        let mut last = self.say("/dangky").expect(&step(1)).await;
        for (i, f) in fields.iter().enumerate() {
            let next = match i + 2 {
                n if n <= fields.len() => step(n),
                _ => "Xin kiểm tra lại".to_string(),
            };
            let typed = match &*f.key {
                KIND => {
                    last = self.press(&last.button("Mô hình")).expect(&next).await;
                    continue;
                }
                NAME => name,
                START_DATE => "15/1/2025",
                END_DATE => "30/6/2025",
                CONTENT => "Vận động đoàn viên cùng góp sức xây dựng",
                ESTIMATED_VALUE => amount,
                BENEFIT_ECONOMIC => "Tiết kiệm chi phí",
                BENEFIT_SOCIAL => "Đoàn viên an tâm",
                _ => "/boqua",
            };
            last = self.say(typed).expect(&next).await;
        }
        let summary = last;
        let done = self
            .press(&summary.button("Xác nhận gửi"))
            .expect("Đã nhận đăng ký số")
            .await;
        (summary.text, done.text)
    }

    /// Skips the optional questions after the one with `key`, however many the form
    /// has, and returns the summary.
    pub async fn skip_after(&mut self, key: &str) -> Sent {
        let total = thidua::conversation::registration_form::REGISTRATION
            .fields
            .len();
        let left = items_after(key);
        for next in total - left + 2..=total {
            self.say("/boqua").expect(&step(next)).await;
        }
        self.say("/boqua").expect("Xin kiểm tra lại").await
    }

    /// Waits until the bot has been quiet for a moment, and returns what it said since
    /// the last `expect`/`quiet`.
    pub async fn quiet(&mut self) -> Vec<Sent> {
        let (api, id) = (self.api.clone(), self.user.id);
        settle(
            &mut self.seen,
            || api.sent_to(id),
            Duration::from_millis(400),
        )
        .await
    }
}

/// Waits for the next message (after `seen`) whose text contains `part`.
pub async fn next_containing<T: Clone>(
    seen: &mut usize,
    all: impl Fn() -> Vec<T>,
    text: impl Fn(&T) -> &String,
    part: &str,
    who: &str,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let sent = all();
        if let Some(pos) = sent[*seen..].iter().position(|s| text(s).contains(part)) {
            *seen += pos + 1;
            return sent[*seen - 1].clone();
        }
        if Instant::now() > deadline {
            let recent: Vec<&String> = sent[*seen..].iter().map(&text).collect();
            panic!("no message containing {part:?} to {who}; got {recent:#?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until nothing new arrived for `calm`, and returns what came after `seen`.
pub async fn settle<T: Clone>(
    seen: &mut usize,
    all: impl Fn() -> Vec<T>,
    calm: Duration,
) -> Vec<T> {
    let mut count = usize::MAX;
    loop {
        tokio::time::sleep(calm).await;
        let now = all().len();
        if now == count {
            break;
        }
        count = now;
    }
    let sent = all();
    let new = sent[*seen..].to_vec();
    *seen = sent.len();
    new
}

/// `n` units, each with a chair on Telegram (chat ids from `first_chat`), written
/// straight into the database: joining thousands of people by invite is not what the
/// callers measure.
/// `unit` hands in the seed campaign's `key` submission ("report", "nomination") at
/// `when`, written straight into the database as the bot would store it.
pub async fn hand_in(
    db: &thidua::store::Db,
    key: &str,
    unit: i64,
    when: chrono::DateTime<chrono::Utc>,
) {
    use thidua::store::{campaigns, deadlines, submissions};
    let campaign = campaigns::ensure_seed(db).await.unwrap();
    let d = deadlines::for_campaign(&mut db.read().await.unwrap(), campaign.id)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.spec.key == key)
        .unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let due = d.spec.due_at(campaign.tz());
    submissions::submit(&mut conn, &d, unit, None, None, due, when)
        .await
        .unwrap();
}

/// A Telegram member of `unit` (chat id and user id both `chat`), joined on 1/1/2025:
/// the people of a test that writes its units straight into the database.
pub async fn add_telegram_member(
    conn: &mut sqlx::AnyConnection,
    chat: i64,
    unit: i64,
    role: &str,
    name: &str,
) {
    add_member(conn, "telegram", &chat.to_string(), unit, role, name).await;
}

/// A member who joined on `channel` long ago, written straight into the database;
/// `id` is both the person's and the chat's id as the bot stores them.
pub async fn add_member(
    conn: &mut sqlx::AnyConnection,
    channel: &str,
    id: &str,
    unit: i64,
    role: &str,
    name: &str,
) {
    sqlx::query(
        "INSERT INTO members (channel, user_id, chat_id, unit_id, role, display_name, active, joined_at) \
         VALUES ($1, $2, $2, $3, $4, $5, 1, '2025-01-01T00:00:00Z')",
    )
    .bind(channel)
    .bind(id)
    .bind(unit)
    .bind(role)
    .bind(name)
    .execute(conn)
    .await
    .unwrap();
}

pub async fn seed_chairs(env: &TestEnv, n: i64, first_chat: i64) -> Vec<i64> {
    seed_chairs_at(&env.database_url(), n, first_chat).await
}

/// `seed_chairs` from a test without a runtime of its own.
pub fn seed_chairs_sync(env: &TestEnv, n: i64) -> Vec<i64> {
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(seed_chairs(env, n, 5000))
}

/// `seed_chairs` on any database (SQLite or PostgreSQL URL).
pub async fn seed_chairs_at(database_url: &str, n: i64, first_chat: i64) -> Vec<i64> {
    let db = thidua::store::connect(database_url).await.unwrap();
    let mut tx = db.pool.begin().await.unwrap();
    let mut chats = Vec::new();
    for i in 0..n {
        let unit: i64 = sqlx::query_scalar(
            "INSERT INTO units (name, kind, created_at) VALUES ($1, 'agency', '2025-01-01T00:00:00Z') RETURNING id",
        )
        .bind(format!("CĐCS số {i}"))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let chat = first_chat + i;
        sqlx::query(
            "INSERT INTO members (channel, user_id, chat_id, unit_id, role, display_name, active, joined_at) \
             VALUES ('telegram', $1, $1, $2, 'chair', $3, 1, '2025-01-01T00:00:00Z')",
        )
        .bind(chat.to_string())
        .bind(unit)
        .bind(format!("Chủ tịch {i}"))
        .execute(&mut *tx)
        .await
        .unwrap();
        chats.push(chat);
    }
    tx.commit().await.unwrap();
    db.pool.close().await;
    chats
}

/// Every file below `dir` (none if it does not exist).
pub fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

/// The PostgreSQL server tests may use, or `None` (the test then says it is skipped).
/// CI always has one: there a missing server is a failure, not a skip.
pub fn postgres_server() -> Option<String> {
    let server = std::env::var("THIDUA_TEST_POSTGRES").ok();
    if server.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "CI must set THIDUA_TEST_POSTGRES"
        );
        eprintln!("skipped: THIDUA_TEST_POSTGRES is not set");
    }
    server
}

/// A .docx's `word/document.xml`, as text.
pub fn docx_xml(docx: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a .docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// The characters of `xml` that XML 1.0 does not allow anywhere (a Word file with one
/// does not open: "not well-formed").
pub fn xml_forbidden(xml: &str) -> Vec<char> {
    xml.chars()
        .filter(|&c| {
            !matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        })
        .collect()
}

/// The text of every paragraph of a .docx, in order (table cells left to right).
pub fn docx_paragraphs(docx: &[u8]) -> Vec<String> {
    let xml = docx_xml(docx);
    xml.split("</w:p>")
        .map(|p| {
            p.split("<w:t")
                .skip(1)
                .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
                .filter_map(|t| t.split_once("</w:t>").map(|(text, _)| text))
                .collect::<String>()
        })
        .filter(|p| !p.trim().is_empty())
        .collect()
}

/// A port free on loopback right now, for a server the test starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A small file system of its own (tmpfs, `size` bytes) that a test can fill to the
/// last byte: a full disk, really full. Needs root (CI runs as root); elsewhere
/// `None`, and the test says it is skipped. Unmounted when dropped.
pub struct SmallDisk {
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    pub fn mount(size: u64) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let done = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status();
        if !done.is_ok_and(|s| s.success()) {
            assert!(
                std::env::var("CI").is_err(),
                "CI runs as root and must be able to mount a tmpfs"
            );
            eprintln!("skipped: cannot mount a tmpfs here (not root?)");
            return None;
        }
        Some(SmallDisk {
            path: dir.path().to_path_buf(),
            _dir: dir,
        })
    }

    /// Writes a filler file until the disk says it is full.
    pub fn fill(&self) {
        use std::io::Write;
        let mut f = std::fs::File::create(self.path.join("filler")).unwrap();
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
    }

    /// Makes the file system read-only, as a mount gone wrong would.
    pub fn read_only(&self) {
        let done = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.path)
            .status()
            .unwrap();
        assert!(done.success());
    }

    /// Frees what `fill` took.
    pub fn free(&self) {
        std::fs::remove_file(self.path.join("filler")).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// Locale keys shown as they are (a text missing from `locales/`, such as
/// "achievement.summary_ask_typed"): every word of `text` that is a key of `vi.yml`, or a key
/// with a suffix thidua adds at run time (`_typed`, `_one`).
pub fn raw_keys(text: &str) -> Vec<String> {
    let vi =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/vi.yml")).unwrap();
    let keys: std::collections::HashSet<&str> = vi
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(k, _)| k))
        .collect();
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '.'))
        .filter(|w| {
            w.contains('.')
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
        })
        .filter(|w| {
            let base = w.trim_end_matches("_typed").trim_end_matches("_one");
            keys.contains(w) || keys.contains(base)
        })
        .map(String::from)
        .collect()
}

/// `thidua chat` fed `lines` on standard input (the login `chi_hoa`), run until the
/// input ends; what it printed. Panics with its errors if it failed.
pub fn console(env: &TestEnv, lines: &[&str]) -> String {
    use std::io::Write;
    let mut child = env
        .command()
        .arg("chat")
        .env("USER", "chi_hoa")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for l in lines {
        writeln!(stdin, "{l}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The link in a bot's answer (the first word starting with "http").
pub fn link_in(text: &str) -> String {
    text.split_whitespace()
        .find(|w| w.starts_with("http"))
        .unwrap_or_else(|| panic!("no link in {text}"))
        .to_string()
}

/// A whole registration in one message for the quick form ("/nhanh"), a line per
/// question in the form's order: the answers given by field key, "-" (skip) for the rest.
pub fn quick_form(answers: &[(&str, &str)]) -> String {
    thidua::conversation::registration_form::REGISTRATION
        .fields
        .iter()
        .map(|f| {
            answers
                .iter()
                .find(|(key, _)| *key == f.key.as_ref())
                .map_or("-", |(_, a)| *a)
        })
        .collect::<Vec<_>>()
        .join("\n")
}
