//! The operator's commands, one file per group; each arm parses, calls one operation
//! (`ops`) and prints what it returns. Output an operator reads is translated
//! (Vietnamese by default, English when the shell's LANG says so); machine output is
//! plain data.

mod announce;
mod backup;
mod campaign;
mod exports;
mod invites;
mod reminders;
mod review;
mod said;
mod units;
mod web;

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

use crate::app::App;
use crate::channels;
use crate::clock::Clock;
use crate::domain::campaign::Campaign;
use crate::i18n::{tr, trn, Lang};
use crate::server::config::Config;
use crate::store::{self, Db};

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
        /// With --now: run the clock this many times faster (1 to 10000), so months of a
        /// campaign are rehearsed in minutes. Never in production.
        #[arg(long, requires = "now", value_parser = clap::value_parser!(u32).range(1..=10_000))]
        speed: Option<u32>,
        /// With --now: the real instant (RFC 3339) at which the clock read --now, so
        /// several instances (and one restarted) rehearse on one clock; default: at start.
        #[arg(long, requires = "now", value_parser = parse_instant)]
        since: Option<DateTime<Utc>>,
    },
    /// Talk to the bot in this terminal (no token needed).
    Chat,
    /// Campaigns as data: load a campaign file, show the current campaign.
    #[command(subcommand)]
    Campaign(campaign::CampaignCommand),
    /// Manage grassroots unions (CĐCS).
    #[command(subcommand)]
    Unit(units::UnitCommand),
    /// Create a one-time invite code for a chair or a staff member.
    Invite(invites::InviteArgs),
    /// Queue an announcement to the units' chairs; `thidua run` delivers it.
    Broadcast(announce::BroadcastArgs),
    /// Review what a unit submitted: approve it, or return it with a reason.
    #[command(subcommand)]
    Submission(review::SubmissionCommand),
    /// Deadline reminders.
    #[command(subcommand)]
    Reminders(reminders::RemindersCommand),
    /// Export data for district staff.
    #[command(subcommand)]
    Export(exports::ExportCommand),
    /// Check the configuration, the database, each channel's token and webhook and the
    /// data folder; exit non-zero with one line per problem.
    Doctor,
    /// A consistent copy of the SQLite database, safe while the bot runs (copying
    /// thidua.db by hand can miss what is still in thidua.db-wal).
    Backup {
        /// The new file; an existing one is not replaced.
        file: std::path::PathBuf,
    },
    /// The web pages: a staff member's one-time sign-in link.
    #[command(subcommand)]
    Web(web::WebCommand),
}

/// What every command runs with once the database is open.
pub struct Ctx {
    pub db: Db,
    pub config: Config,
    pub campaign: Campaign,
    pub lang: Lang,
}

pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RUST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// The operator's language, from the shell.
fn operator_lang() -> Lang {
    Lang::from_client(std::env::var("LANG").ok().as_deref())
}

/// The program: the command line read, the command run, what went wrong said in the
/// operator's language; the exit code.
pub async fn main() -> std::process::ExitCode {
    let lang = operator_lang();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match said::usage(&e, lang) {
            Some(text) => {
                eprintln!("{text}");
                return std::process::ExitCode::from(2);
            }
            // Help and version are printed by clap, as are the rare mistakes we have
            // no words for.
            None => e.exit(),
        },
    };
    init_tracing();
    match run(cli, lang).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("thidua: {}", crate::ops::said::error(&e, lang));
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, lang: Lang) -> Result<()> {
    let config = Config::load()?;
    before_the_database(cli.command, config, lang).await
}

/// The commands that must not open (and migrate) the database first, then the rest.
async fn before_the_database(command: Command, config: Config, lang: Lang) -> Result<()> {
    match command {
        // Nothing to run is an operator error, said before the database is touched.
        Command::Run { .. } if !crate::server::run::any_configured(&config) => {
            bail!("{}", tr(lang, "cli.no_channel"))
        }
        // It reports as it finds, the database included.
        Command::Doctor => {
            let problems = crate::server::doctor::run(&config, lang).await?;
            if problems > 0 {
                bail!("{}", trn(lang, "doctor.problems", problems, &[]));
            }
            Ok(())
        }
        Command::Campaign(campaign::CampaignCommand::Load { file }) => {
            campaign::load(&file, config.database_url(), lang).await
        }
        command => {
            let db = store::connect(config.database_url()).await?;
            let campaign = store::campaigns::ensure_seed(&db).await?;
            let ctx = Ctx {
                db: db.clone(),
                config,
                campaign,
                lang,
            };
            let done = with_the_database(&ctx, command).await;
            // Closing checkpoints SQLite's WAL into the main file.
            db.close().await;
            done
        }
    }
}

async fn with_the_database(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Run { now, speed, since } => {
            let clock = match now {
                Some(at) => Clock::rehearsing_since(
                    at,
                    speed.unwrap_or(1),
                    since.unwrap_or_else(chrono::Utc::now),
                ),
                None => Clock::system(),
            };
            if clock.speed() > 1 {
                tracing::warn!(
                    speed = clock.speed(),
                    "a rehearsal: the clock runs faster than time"
                );
            }
            if let Some(at) = now {
                // Kept for `doctor`: this database's calendar was claimed on another clock.
                let how = format!(
                    "run --now {} --speed {}, {}",
                    at.to_rfc3339(),
                    clock.speed(),
                    chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
                );
                let mut conn = ctx.db.write().await?;
                crate::store::settings::set_value(
                    &mut conn,
                    crate::store::settings::REHEARSED,
                    &how,
                )
                .await?;
                conn.commit().await?;
            }
            let app = App::new(ctx.db.clone()).with_clock(clock);
            crate::server::run::run(app, &ctx.config).await
        }
        Command::Chat => {
            let stdin = tokio::io::BufReader::new(tokio::io::stdin());
            // Files handed in from this machine are kept where `run` keeps them.
            let data = crate::data_dir::DataDir::new(ctx.config.data_dir())?;
            let local = std::sync::Arc::new(channels::console::LocalFiles);
            // The pages are a bonus here: without a loopback port the chat still runs.
            let pages = match crate::server::web::serve_locally(&ctx.db, &data).await {
                Ok(base) => Some(base),
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), "the console's web pages are off");
                    None
                }
            };
            let app = App::new(ctx.db.clone())
                .with_files(local, data)
                .with_public_url(pages);
            channels::console::run(&app, stdin, std::io::stdout()).await
        }
        Command::Campaign(_) => campaign::show_current(ctx).await,
        Command::Unit(command) => units::run(ctx, command).await,
        Command::Invite(args) => invites::run(ctx, args).await,
        Command::Broadcast(args) => announce::run(ctx, args).await,
        Command::Submission(command) => review::run(ctx, command).await,
        Command::Reminders(command) => reminders::run(ctx, command).await,
        Command::Export(command) => exports::run(ctx, command).await,
        Command::Web(command) => web::run(ctx, command).await,
        Command::Backup { file } => backup::run(ctx, &file).await,
        // Handled before the database is opened.
        Command::Doctor => Ok(()),
    }
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| tr(operator_lang(), "usage.instant"))
}

/// Where a CSV or JSON goes: the file named, or standard output; buffered.
fn sink(out: Option<&Path>) -> Result<Box<dyn Write>> {
    Ok(match out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| crate::files::Failed::Write(path.into()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}
