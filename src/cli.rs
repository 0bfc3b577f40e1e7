//! The operator's commands. Output an operator reads is translated (Vietnamese by
//! default, English when the shell's LANG says so); machine output is plain data.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Duration, Utc};
use clap::{Parser, Subcommand, ValueEnum};

use crate::app::App;
use crate::channels;
use crate::clock::Clock;
use crate::conversation::registration_form;
use crate::domain::audience::Audience;
use crate::domain::member::Role;
use crate::domain::text::clean;
use crate::domain::unit::{normalize_unit_name, Scope, UnitKind, UnitNameError};
use crate::export;
use crate::i18n::{tr, trf, Lang};
use crate::server::config::Config;
use crate::store::{self, campaigns, invites, settings, units};

#[derive(Debug, Parser)]
#[command(
    name = "thidua",
    version,
    about = "Chat bot for trade union emulation campaigns"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start every channel whose credentials are set (TELOXIDE_TOKEN, ZALO_BOT_TOKEN).
    Run {
        /// Start the clock at this instant (RFC 3339, e.g. 2025-04-28T07:59:50+07:00) and
        /// let it run on: to rehearse a campaign's calendar.
        #[arg(long, value_parser = parse_instant)]
        now: Option<DateTime<Utc>>,
    },
    /// Talk to the bot in this terminal (no token needed).
    Chat,
    /// Campaigns as data: load a campaign file, show the current campaign.
    #[command(subcommand)]
    Campaign(CampaignCommand),
    /// Manage grassroots unions (CĐCS).
    #[command(subcommand)]
    Unit(UnitCommand),
    /// Create a one-time invite code for a chair or a staff member.
    Invite {
        /// Unit name, or its id written `#5` (a name is always a name: "05" is not 5).
        #[arg(long, required_unless_present = "all", conflicts_with = "all")]
        unit: Option<String>,
        /// One chair's code for every unit that must submit, into the spreadsheet
        /// named by --out (for a mail merge).
        #[arg(long, requires = "out")]
        all: bool,
        #[arg(long, value_parser = ["chair", "staff"])]
        role: String,
        /// Days before the code expires.
        #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(i64).range(1..=365))]
        days: i64,
        /// With --all: the XLSX file to write (unit, code, link, expiry).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Queue an announcement to the units' chairs; `thidua run` delivers it.
    Broadcast {
        #[arg(long)]
        text: String,
        #[arg(long, default_value = "all", value_parser = ["all", "unregistered", "missing-report", "missing-nomination"])]
        audience: String,
    },
    /// Review what a unit submitted: approve it, or return it with a reason.
    #[command(subcommand)]
    Submission(SubmissionCommand),
    /// Deadline reminders.
    #[command(subcommand)]
    Reminders(RemindersCommand),
    /// Export data for district staff.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Check the configuration, the database, each channel's token and webhook and the
    /// data folder; exit non-zero with one line per problem.
    Doctor,
    /// A consistent copy of the SQLite database, safe while the bot runs (copying
    /// thidua.db by hand can miss what is still in thidua.db-wal).
    Backup {
        /// The new file; an existing one is not replaced.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// Validate a campaign file (TOML) and create or update its campaign.
    Load { file: PathBuf },
    /// The current campaign and its deadlines.
    Show,
}

#[derive(Debug, Subcommand)]
pub enum SubmissionCommand {
    Approve {
        #[arg(long)]
        unit: String,
        /// The deadline's key in the campaign file (report, nomination...).
        #[arg(long)]
        deadline: String,
    },
    Return {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        deadline: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum RemindersCommand {
    /// Who would get which reminder, and when (nothing is sent).
    Preview {
        /// Start of the window (RFC 3339); default now.
        #[arg(long, value_parser = parse_instant)]
        from: Option<DateTime<Utc>>,
        /// How many days to look ahead (at most ten years).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=3660))]
        days: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    /// Add a unit.
    Add {
        name: String,
        #[arg(long, value_enum, default_value_t = KindArg::Agency)]
        kind: KindArg,
        /// The unit above it (a CĐCS's district, a district's province), by name or #id.
        #[arg(long)]
        parent: Option<String>,
    },
    /// Put a unit, with the units below it, under another one (or at the top with
    /// `--top`): how a tree imported wrong is repaired.
    Move {
        /// The unit to move, by name or #id.
        name: String,
        /// Its new parent, by name or #id.
        #[arg(long, required_unless_present = "top", conflicts_with = "top")]
        parent: Option<String>,
        /// Make it a top-level federation (its staff then see every unit below it).
        #[arg(long)]
        top: bool,
    },
    /// List units.
    List,
    /// Add every unit of a list (CSV or XLSX: name, kind, parent, contact), checked
    /// whole first: one bad line imports nothing, and every problem names its line.
    Import { file: PathBuf },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Agency,
    Enterprise,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Every submitted file, one folder per unit, with an index.csv.
    Submissions {
        #[arg(long)]
        out: PathBuf,
    },
    /// The official registration form of every work still registered, one Word file
    /// each, named by number and unit.
    Forms {
        /// The folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// The works that reach the campaign's award thresholds (`[[award]]`), criterion
    /// by criterion, as CSV: a hint for the committee, not its decision.
    Candidates {
        /// File to write; standard output without it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The works staff proposed as "công trình tiêu biểu" (for a plaque), as CSV.
    Featured {
        /// File to write; standard output without it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// "Bảng tổng hợp đăng ký": per unit, its works and their total value, and the
    /// units that registered nothing.
    Summary {
        #[arg(long, value_enum)]
        format: PaperFormat,
        #[arg(long)]
        out: PathBuf,
    },
    /// Every unit's standing on each deadline, as `/tinhtrang`'s spreadsheet.
    Status {
        /// The .xlsx file to write.
        #[arg(long)]
        out: PathBuf,
        /// Only the units below this federation (name or #id); every unit without it.
        #[arg(long)]
        unit: Option<String>,
    },
    /// Every registration.
    Registrations {
        #[arg(long, value_enum)]
        format: Format,
        /// File to write; csv and json go to standard output without it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PaperFormat {
    Docx,
    Xlsx,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Json,
    Xlsx,
}

pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RUST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Where a CSV goes: the file named, or standard output.
fn csv_sink(out: Option<&std::path::Path>) -> Result<Box<dyn Write>> {
    Ok(match out {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    })
}

/// The operator's language, from the shell.
fn operator_lang() -> Lang {
    Lang::from_client(std::env::var("LANG").ok().as_deref())
}

pub async fn run(cli: Cli) -> Result<()> {
    let config = Config::load()?;
    let lang = operator_lang();
    if let Command::Run { .. } = cli.command {
        // Refuse before touching the database: nothing to run is an operator error.
        if !crate::server::run::any_configured(&config) {
            bail!("{}", tr(lang, "cli.no_channel"));
        }
    }
    if let Command::Doctor = cli.command {
        // Before anything opens (and migrates) the database: it reports as it finds.
        let problems = crate::server::doctor::run(&config, lang).await?;
        if problems > 0 {
            bail!(
                "{}",
                trf(lang, "doctor.problems", &[("n", &problems.to_string())])
            );
        }
        return Ok(());
    }
    if let Command::Campaign(CampaignCommand::Load { file }) = &cli.command {
        // Validate before opening the database: a broken file changes nothing.
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let parsed = crate::domain::campaign_file::parse(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        let db = store::connect(config.database_url()).await?;
        let mut tx = db.write().await?;
        let (_, created) = store::deadlines::load_file(&mut tx, &parsed).await?;
        tx.commit().await?;
        let key = if created {
            "cli.campaign_created"
        } else {
            "cli.campaign_updated"
        };
        println!(
            "{}",
            trf(
                lang,
                key,
                &[
                    ("code", &parsed.code),
                    ("n", &parsed.deadlines.len().to_string())
                ]
            )
        );
        let shown = show_campaign(&db, lang).await;
        db.close().await;
        return shown;
    }
    let db = store::connect(config.database_url()).await?;
    let campaign = store::campaigns::ensure_seed(&db).await?;
    let done = command(cli.command, &config, &db, campaign, lang).await;
    // Closing checkpoints SQLite's WAL into the main file.
    db.close().await;
    done
}

async fn command(
    command: Command,
    config: &Config,
    db: &store::Db,
    campaign: crate::domain::campaign::Campaign,
    lang: Lang,
) -> Result<()> {
    let db = db.clone();
    match command {
        // Handled in `run`, before the database is opened.
        Command::Doctor => Ok(()),
        Command::Run { now } => {
            let clock = now.map(Clock::starting_at).unwrap_or_default();
            crate::server::run::run(App::new(db).with_clock(clock), config).await
        }
        Command::Broadcast { text, audience } => {
            let audience: Audience = audience.parse().map_err(anyhow::Error::msg)?;
            let text = clean(&text);
            let text = text.trim();
            if text.is_empty() {
                bail!("{}", tr(lang, "cli.broadcast_empty"));
            }
            let len = text.chars().count();
            if len > crate::broadcast::MAX_TEXT {
                bail!(
                    "{}",
                    trf(
                        lang,
                        "cli.broadcast_too_long",
                        &[
                            ("max", &crate::broadcast::MAX_TEXT.to_string()),
                            ("len", &len.to_string())
                        ]
                    )
                );
            }
            let mut tx = db.write().await?;
            let created = crate::broadcast::create(
                &mut tx,
                campaign.id,
                None,
                text,
                (audience, Scope::Everything),
                None,
                Utc::now(),
            )
            .await?;
            tx.commit().await?;
            println!(
                "{}",
                trf(
                    lang,
                    "cli.broadcast_queued",
                    &[
                        ("id", &created.id.to_string()),
                        ("n", &created.recipients.to_string())
                    ]
                )
            );
            Ok(())
        }
        Command::Chat => {
            let stdin = tokio::io::BufReader::new(tokio::io::stdin());
            channels::console::run(&App::new(db), stdin, std::io::stdout()).await
        }
        Command::Campaign(CampaignCommand::Show) => show_campaign(&db, lang).await,
        Command::Submission(cmd) => {
            let (unit, deadline, status, reason) = match &cmd {
                SubmissionCommand::Approve { unit, deadline } => {
                    (unit, deadline, store::submissions::Status::Approved, None)
                }
                SubmissionCommand::Return {
                    unit,
                    deadline,
                    reason,
                } => (
                    unit,
                    deadline,
                    store::submissions::Status::Returned,
                    Some(clean(reason)),
                ),
            };
            let reason = reason.as_deref();
            let mut tx = db.write().await?;
            let Some(u) = units::find(&mut tx, unit).await? else {
                bail!("{}", trf(lang, "cli.unit_not_found", &[("unit", unit)]));
            };
            let review = (status, reason);
            crate::app::review_submission(&mut tx, &u, deadline, review, lang, Utc::now()).await?;
            tx.commit().await?;
            println!("{}", tr(lang, "cli.reviewed"));
            Ok(())
        }
        Command::Reminders(RemindersCommand::Preview { from, days }) => {
            let tz = campaign.tz();
            let mut conn = db.read().await?;
            let plan =
                crate::scheduler::preview::plan(&mut conn, from.unwrap_or_else(Utc::now), days)
                    .await?;
            if plan.is_empty() {
                println!("{}", tr(lang, "cli.preview_none"));
            }
            for p in plan {
                let what = match p.due {
                    crate::domain::reminders::Due::Reminder { days_before: 0 } => {
                        tr(lang, "cli.preview_on_the_day")
                    }
                    crate::domain::reminders::Due::Reminder { days_before } => trf(
                        lang,
                        "cli.preview_reminder",
                        &[("n", &days_before.to_string())],
                    ),
                    crate::domain::reminders::Due::Overdue => tr(lang, "cli.preview_overdue"),
                };
                println!(
                    "{}  {what} — {} → {}: {}",
                    p.at.with_timezone(&tz).format("%d/%m/%Y %H:%M"),
                    p.deadline,
                    p.units.len(),
                    p.units.join(", ")
                );
            }
            Ok(())
        }
        Command::Campaign(CampaignCommand::Load { .. }) => unreachable!("handled above"),
        Command::Unit(UnitCommand::Add { name, kind, parent }) => {
            let name = normalize_unit_name(&clean(&name)).map_err(|e| match e {
                UnitNameError::Invisible => anyhow::anyhow!(tr(lang, "cli.unit_name_invisible")),
                UnitNameError::Length(n) => anyhow::anyhow!(trf(
                    lang,
                    "cli.unit_name_length",
                    &[("len", &n.to_string())]
                )),
            })?;
            let kind = match kind {
                KindArg::Agency => UnitKind::Agency,
                KindArg::Enterprise => UnitKind::Enterprise,
            };
            let mut tx = db.write().await?;
            let unit = units::add(&mut tx, &name, kind).await?;
            if let Some(parent) = parent {
                let Some(p) = units::find(&mut tx, &parent).await? else {
                    bail!("{}", trf(lang, "cli.unit_not_found", &[("unit", &parent)]));
                };
                units::set_parent(&mut tx, unit.id, p.id).await?;
            }
            tx.commit().await?;
            println!(
                "{}",
                trf(
                    lang,
                    "cli.unit_added",
                    &[
                        ("id", &unit.id.to_string()),
                        ("name", &unit.name),
                        ("kind", kind.as_str())
                    ]
                )
            );
            Ok(())
        }
        Command::Unit(UnitCommand::Import { file }) => {
            let rows = crate::table_file::read(&file, lang)?;
            let mut tx = db.write().await?;
            let existing = units::list(&mut tx)
                .await?
                .iter()
                .map(|u| crate::domain::text::fold(&u.name))
                .collect();
            let mut unreadable = None;
            let rows = rows.map_while(|r| r.map_err(|e| unreadable = Some(e)).ok());
            let checked = crate::domain::unit_import::check(rows, &existing);
            drop(existing);
            if let Some(e) = unreadable {
                return Err(e);
            }
            match checked {
                Ok(new) => {
                    let n = units::add_many(&mut tx, &new).await?;
                    tx.commit().await?;
                    let file = file.display().to_string();
                    println!(
                        "{}",
                        trf(
                            lang,
                            "cli.import.done",
                            &[("n", &n.to_string()), ("file", &file)]
                        )
                    );
                    Ok(())
                }
                Err(problems) => {
                    for p in &problems.first {
                        let why = trf(lang, p.key, &[("value", &p.value)]);
                        let line = p.line.to_string();
                        eprintln!(
                            "{}",
                            trf(lang, "cli.import.line", &[("line", &line), ("why", &why)])
                        );
                    }
                    let more = problems.total - problems.first.len();
                    if more > 0 {
                        let more = more.to_string();
                        eprintln!("{}", trf(lang, "cli.import.more", &[("n", &more)]));
                    }
                    let n = problems.total.to_string();
                    bail!("{}", trf(lang, "cli.import.nothing", &[("n", &n)]))
                }
            }
        }
        Command::Unit(UnitCommand::Move { name, parent, .. }) => {
            let mut tx = db.write().await?;
            let Some(unit) = units::find(&mut tx, &name).await? else {
                bail!("{}", trf(lang, "cli.unit_not_found", &[("unit", &name)]));
            };
            let parent = match parent {
                Some(p) => match units::find(&mut tx, &p).await? {
                    Some(p) => Some(p),
                    None => bail!("{}", trf(lang, "cli.unit_not_found", &[("unit", &p)])),
                },
                None => None,
            };
            if !units::move_to(&mut tx, unit.id, parent.as_ref().map(|p| p.id)).await? {
                let p = parent.map(|p| p.name).unwrap_or_default();
                bail!(
                    "{}",
                    trf(
                        lang,
                        "cli.unit_move_cycle",
                        &[("unit", &unit.name), ("parent", &p)]
                    )
                );
            }
            tx.commit().await?;
            let line = match parent {
                Some(p) => trf(
                    lang,
                    "cli.unit_moved",
                    &[("unit", &unit.name), ("parent", &p.name)],
                ),
                None => trf(lang, "cli.unit_moved_top", &[("unit", &unit.name)]),
            };
            println!("{line}");
            Ok(())
        }
        Command::Unit(UnitCommand::List) => {
            let mut conn = db.read().await?;
            let all = units::list_with_members(&mut conn).await?;
            if all.is_empty() {
                println!("{}", tr(lang, "cli.no_units"));
            }
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for (u, n) in all {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    u.id,
                    u.name,
                    u.kind,
                    trf(lang, "cli.members", &[("n", &n.to_string())])
                )?;
            }
            out.flush()?;
            Ok(())
        }
        Command::Invite {
            all: true,
            role,
            days,
            out: Some(out),
            ..
        } => {
            let role: Role = role.parse().map_err(anyhow::Error::msg)?;
            if role != Role::Chair {
                bail!("{}", tr(lang, "cli.invite_all_chairs"));
            }
            if crate::files::taken(&out) {
                let file = out.display().to_string();
                bail!("{}", trf(lang, "cli.backup_exists", &[("file", &file)]));
            }
            let expires = Utc::now() + Duration::days(days);
            let mut tx = db.write().await?;
            let units =
                store::submissions::subject_units_page(&mut tx, Scope::Everything, i64::MAX)
                    .await?;
            let codes = invites::create_many(&mut tx, &units, role, expires).await?;
            let bot = settings::get_value(&mut tx, settings::TELEGRAM_USERNAME).await?;
            let (units, codes, bot) = (&units, &codes, bot.as_deref());
            crate::files::write_beside(&out, |part| async move {
                export::invites_xlsx(units, codes, bot, expires, lang, &part)
            })
            .await?;
            // The codes exist only once the file holding them does.
            tx.commit().await?;
            let file = out.display().to_string();
            let n = codes.len().to_string();
            println!(
                "{}",
                trf(lang, "cli.invites_written", &[("n", &n), ("file", &file)])
            );
            Ok(())
        }
        Command::Invite {
            unit, role, days, ..
        } => {
            let unit = unit.unwrap_or_default();
            let role: Role = role.parse().map_err(anyhow::Error::msg)?;
            let mut tx = db.write().await?;
            let Some(unit) = units::find(&mut tx, &unit).await? else {
                bail!("{}", trf(lang, "cli.unit_not_found", &[("unit", &unit)]));
            };
            let expires = Utc::now() + Duration::days(days);
            let code = invites::create(&mut tx, unit.id, role, expires).await?;
            let bot = settings::get_value(&mut tx, settings::TELEGRAM_USERNAME).await?;
            tx.commit().await?;
            let role_name = tr(lang, &format!("role.{}", role.as_str()));
            let until = expires
                .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
                .format("%d/%m/%Y %H:%M")
                .to_string();
            println!(
                "{}",
                trf(
                    lang,
                    "cli.invite_for",
                    &[
                        ("unit", &unit.name),
                        ("role", &role_name),
                        ("until", &until)
                    ]
                )
            );
            if let Some(bot) = bot {
                println!("https://t.me/{bot}?start={code}");
            }
            println!("{}: {code}", tr(lang, "cli.code"));
            Ok(())
        }
        Command::Backup { file } => {
            if db.backend == store::Backend::Postgres {
                bail!("{}", tr(lang, "cli.backup_postgres"));
            }
            if crate::files::taken(&file) {
                bail!(
                    "{}",
                    trf(
                        lang,
                        "cli.backup_exists",
                        &[("file", &file.display().to_string())]
                    )
                );
            }
            crate::files::write_beside(&file, |part| async move { db.backup_into(&part).await })
                .await?;
            println!(
                "{}",
                trf(
                    lang,
                    "cli.backup_done",
                    &[("file", &file.display().to_string())]
                )
            );
            Ok(())
        }
        Command::Export(ExportCommand::Submissions { out }) => {
            let mut conn = db.read().await?;
            let data = crate::data_dir::DataDir::new(config.data_dir())?;
            let n = export::submissions(&mut conn, &data, &out).await?;
            eprintln!(
                "{}",
                trf(
                    lang,
                    "cli.exported_files",
                    &[
                        ("count", &n.to_string()),
                        ("dir", &out.display().to_string())
                    ]
                )
            );
            Ok(())
        }
        Command::Export(ExportCommand::Forms { out }) => {
            std::fs::create_dir_all(&out)
                .with_context(|| format!("cannot create {}", out.display()))?;
            let mut conn = db.read().await?;
            let n = export::each_form(&mut conn, &campaign, Scope::Everything, |name, bytes| {
                let path = out.join(name);
                std::fs::write(&path, bytes)
                    .with_context(|| format!("cannot write {}", path.display()))
            })
            .await?;
            let dir = out.display().to_string();
            eprintln!(
                "{}",
                trf(
                    lang,
                    "cli.exported_forms",
                    &[("n", &n.to_string()), ("dir", &dir)]
                )
            );
            Ok(())
        }
        Command::Export(ExportCommand::Candidates { out }) => {
            let mut conn = db.read().await?;
            let sink = csv_sink(out.as_deref())?;
            let mut csv = csv::Writer::from_writer(sink);
            csv.write_record([
                "criterion",
                "award",
                "plan_ref",
                "number",
                "unit",
                "name",
                "estimated_value_vnd",
                "featured",
            ])?;
            let works = campaign
                .awards
                .iter()
                .filter(|c| c.subject == crate::domain::awards::AwardSubject::Work);
            for c in works {
                let (_, reaching) = store::registrations::reaching(
                    &mut conn,
                    campaign.id,
                    Scope::Everything,
                    (c.min, c.max),
                    i64::MAX,
                )
                .await?;
                for w in reaching {
                    csv.write_record([
                        c.key.clone(),
                        export::csv_text(&c.award).into_owned(),
                        c.plan_ref.clone(),
                        w.number.to_string(),
                        export::csv_text(&w.unit_name).into_owned(),
                        export::csv_text(&w.draft.name).into_owned(),
                        w.draft.estimated_value.dong().to_string(),
                        (w.featured as u8).to_string(),
                    ])?;
                }
            }
            csv.flush()?;
            Ok(())
        }
        Command::Export(ExportCommand::Featured { out }) => {
            let mut conn = db.read().await?;
            let works =
                store::registrations::featured(&mut conn, campaign.id, Scope::Everything).await?;
            let sink = csv_sink(out.as_deref())?;
            let mut csv = csv::Writer::from_writer(sink);
            csv.write_record([
                "number",
                "unit",
                "name",
                "estimated_value_vnd",
                "result",
                "actual_value_vnd",
                "photos",
            ])?;
            for w in &works {
                // The photos' files under the data folder, for the plaque proposal.
                let (actual, photos) = match &w.result {
                    Some(crate::domain::registration::WorkResult::Done {
                        actual, photos, ..
                    }) => (
                        actual.dong().to_string(),
                        photos
                            .iter()
                            .map(|p| p.path.as_str())
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                    _ => (String::new(), String::new()),
                };
                csv.write_record([
                    w.number.to_string(),
                    export::csv_text(&w.unit_name).into_owned(),
                    export::csv_text(&w.draft.name).into_owned(),
                    w.draft.estimated_value.dong().to_string(),
                    w.result.as_ref().map_or("", |r| r.as_str()).to_string(),
                    actual,
                    export::csv_text(&photos).into_owned(),
                ])?;
            }
            csv.flush()?;
            Ok(())
        }
        Command::Export(ExportCommand::Summary { format, out }) => {
            let mut conn = db.read().await?;
            let lines = store::registrations::totals_by_unit(&mut conn, campaign.id).await?;
            let subtitle = campaign
                .paper
                .subtitle
                .clone()
                .unwrap_or_else(|| campaign.title.clone());
            let (lines, subtitle) = (&lines, &subtitle);
            let issuer = campaign.paper.issuer.clone().unwrap_or_default();
            crate::files::write_beside(&out, |part| async move {
                match format {
                    PaperFormat::Xlsx => export::summary_xlsx(lines, subtitle, &part),
                    PaperFormat::Docx => {
                        let bytes = export::summary_docx(lines, &issuer, subtitle)?;
                        Ok(std::fs::write(&part, bytes)?)
                    }
                }
            })
            .await?;
            let n = lines.len().to_string();
            let file = out.display().to_string();
            eprintln!(
                "{}",
                trf(lang, "cli.exported_summary", &[("n", &n), ("file", &file)])
            );
            Ok(())
        }
        Command::Export(ExportCommand::Status { out, unit }) => {
            let mut conn = db.read().await?;
            let within = match unit {
                None => Scope::Everything,
                Some(name) => match units::find(&mut conn, &name).await? {
                    Some(u) => store::scope::of_staff(&mut conn, u.id).await?,
                    None => bail!("{}", trf(lang, "cli.unit_not_found", &[("unit", &name)])),
                },
            };
            let (sheet, n) = export::status_sheet(&mut conn, &campaign, within, lang).await?;
            crate::files::write_beside(&out, |part| async move { sheet.save(&part) }).await?;
            let file = out.display().to_string();
            let n = n.to_string();
            eprintln!(
                "{}",
                trf(lang, "cli.exported_status", &[("n", &n), ("file", &file)])
            );
            Ok(())
        }
        Command::Export(ExportCommand::Registrations { format, out }) => {
            if matches!(format, Format::Xlsx) && out.is_none() {
                bail!("{}", tr(lang, "cli.xlsx_needs_out"));
            }
            let mut conn = db.read().await?;
            let form = match campaigns::current(&mut conn).await? {
                Some(c) => registration_form::for_campaign(&c.questions),
                None => registration_form::REGISTRATION.clone(),
            };
            // Row by row from the database to the file: memory stays flat at any size.
            let count = match (format, &out) {
                (Format::Xlsx, Some(path)) => {
                    let mut sheet = export::Sheet::new(lang, true, &form)?;
                    let n =
                        export::each_row(&mut conn, Scope::Everything, |r| sheet.push(&r)).await?;
                    crate::files::write_beside(path, |part| async move { sheet.save(&part) })
                        .await?;
                    n
                }
                _ => {
                    let sink: Box<dyn Write> = match &out {
                        Some(path) => Box::new(std::io::BufWriter::new(
                            std::fs::File::create(path)
                                .with_context(|| format!("cannot write {}", path.display()))?,
                        )),
                        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
                    };
                    if matches!(format, Format::Json) {
                        let mut json = export::JsonOut::new(sink, &form)?;
                        let n = export::each_row(&mut conn, Scope::Everything, |r| json.push(&r))
                            .await?;
                        json.finish()?.flush()?;
                        n
                    } else {
                        let mut csv = export::CsvOut::new(sink, &form);
                        let n = export::each_row(&mut conn, Scope::Everything, |r| csv.push(&r))
                            .await?;
                        csv.finish()?.flush()?;
                        n
                    }
                }
            };
            if let Some(path) = out {
                eprintln!(
                    "{}",
                    trf(
                        lang,
                        "cli.exported",
                        &[
                            ("count", &count.to_string()),
                            ("file", &path.display().to_string())
                        ]
                    )
                );
            }
            Ok(())
        }
    }
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{e}: expected e.g. 2025-04-28T07:59:50+07:00"))
}

async fn show_campaign(db: &store::Db, lang: Lang) -> Result<()> {
    let c = store::campaigns::ensure_seed(db).await?;
    let mut conn = db.read().await?;
    println!("{} — {}", c.code, c.title);
    println!("{}", c.plan_ref);
    println!(
        "{}",
        trf(
            lang,
            "cli.campaign_period",
            &[
                ("from", &crate::domain::dates::format_dmy(c.starts_on)),
                ("to", &crate::domain::dates::format_dmy(c.ends_on)),
                ("tz", &c.timezone),
            ]
        )
    );
    for d in store::deadlines::for_campaign(&mut conn, c.id).await? {
        let s = &d.spec;
        let days: Vec<String> = s.reminder_days.iter().map(u32::to_string).collect();
        println!(
            "\n[{}] {} — {} {} ({})",
            s.key,
            s.title,
            crate::domain::dates::format_dmy(s.due_on),
            s.due_time.format("%H:%M"),
            s.asks_for
        );
        println!(
            "  {}",
            trf(
                lang,
                "cli.campaign_reminders",
                &[
                    ("days", &days.join(", ")),
                    ("time", &s.reminder_time.format("%H:%M").to_string())
                ]
            )
        );
        for doc in &s.documents {
            println!("  - {}", doc.title);
        }
    }
    Ok(())
}
