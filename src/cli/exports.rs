//! `thidua export …`: every export through `ops::exports`, as the operator (every
//! unit). Files are written beside their name and renamed when whole.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};

use super::{sink, Ctx};
use crate::conversation::registration_form;
use crate::export;
use crate::files::{write_beside, Failed};
use crate::i18n::{tr, trn};
use crate::ops::{self, Actor};
use crate::store::campaigns;

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
    /// Every unit's achievement report draft (the campaign's `[report]`), one Word file
    /// each, with what its chair wrote and its works.
    Reports {
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

pub async fn run(ctx: &Ctx, command: ExportCommand) -> Result<()> {
    let (actor, campaign) = (&Actor::Operator, &ctx.campaign);
    let mut conn = ctx.db.read().await?;
    let conn = &mut *conn;
    match command {
        ExportCommand::Submissions { out } => {
            let data = crate::data_dir::DataDir::new(ctx.config.data_dir())?;
            let n = ops::exports::submissions(conn, actor, &data, &out).await?;
            let dir = out.display().to_string();
            eprintln!(
                "{}",
                trn(ctx.lang, "cli.exported_files", n, &[("dir", &dir)])
            );
        }
        ExportCommand::Forms { out } => forms(ctx, conn, &out).await?,
        ExportCommand::Reports { out } => reports(ctx, conn, &out).await?,
        ExportCommand::Candidates { out } => {
            let sink = sink(out.as_deref())?;
            ops::exports::candidates(conn, actor, campaign, sink).await?;
        }
        ExportCommand::Featured { out } => {
            let sink = sink(out.as_deref())?;
            ops::exports::featured(conn, actor, campaign, sink).await?;
        }
        ExportCommand::Summary { format, out } => summary(ctx, conn, format, &out).await?,
        ExportCommand::Status { out, unit } => {
            let below = unit.as_deref();
            let (sheet, n) = ops::exports::status(conn, actor, campaign, below, ctx.lang).await?;
            write_beside(&out, |part| async move { sheet.save(&part) }).await?;
            let file = out.display().to_string();
            eprintln!(
                "{}",
                trn(ctx.lang, "cli.exported_status", n, &[("file", &file)])
            );
        }
        ExportCommand::Registrations { format, out } => {
            registrations(ctx, conn, format, out.as_deref()).await?
        }
    }
    Ok(())
}

/// A folder of Word files, one per unit or work: created if missing, each file written
/// as it is made.
fn into_folder(out: &Path) -> Result<impl FnMut(String, Vec<u8>) -> Result<()> + '_> {
    std::fs::create_dir_all(out).with_context(|| Failed::Create(out.into()))?;
    Ok(move |name: String, bytes: Vec<u8>| {
        let path = out.join(name);
        std::fs::write(&path, bytes).with_context(|| Failed::Write(path))
    })
}

fn say_folder(ctx: &Ctx, key: &str, n: usize, out: &Path) {
    let dir = out.display().to_string();
    eprintln!("{}", trn(ctx.lang, key, n, &[("dir", &dir)]));
}

async fn forms(ctx: &Ctx, conn: &mut sqlx::AnyConnection, out: &Path) -> Result<()> {
    let each = into_folder(out)?;
    let n = ops::exports::forms(conn, &Actor::Operator, &ctx.campaign, each).await?;
    say_folder(ctx, "cli.exported_forms", n, out);
    Ok(())
}

async fn reports(ctx: &Ctx, conn: &mut sqlx::AnyConnection, out: &Path) -> Result<()> {
    let each = into_folder(out)?;
    let today = chrono::Utc::now()
        .with_timezone(&ctx.campaign.tz())
        .date_naive();
    let campaign = &ctx.campaign;
    let n = ops::exports::reports(conn, &Actor::Operator, campaign, today, each).await?;
    say_folder(ctx, "cli.exported_reports", n, out);
    Ok(())
}

async fn summary(
    ctx: &Ctx,
    conn: &mut sqlx::AnyConnection,
    format: PaperFormat,
    out: &Path,
) -> Result<()> {
    let campaign = &ctx.campaign;
    let lines = ops::exports::summary(conn, &Actor::Operator, campaign).await?;
    let subtitle = campaign
        .paper
        .subtitle
        .clone()
        .unwrap_or_else(|| campaign.title.clone());
    let (lines, subtitle) = (&lines, &subtitle);
    let (issuer, place) = (
        export::issuer_of(campaign, None),
        export::place_of(campaign),
    );
    let paper = export::SummaryPaper {
        issuer: &issuer,
        place: &place,
        subtitle,
        as_of: chrono::Utc::now()
            .with_timezone(&campaign.tz())
            .date_naive(),
        signer: campaign.paper.signer.as_deref(),
    };
    let paper = &paper;
    write_beside(out, |part| async move {
        match format {
            PaperFormat::Xlsx => export::summary_xlsx(lines, paper, &part),
            PaperFormat::Docx => {
                let bytes = export::summary_docx(lines, paper)?;
                Ok(std::fs::write(&part, bytes)?)
            }
        }
    })
    .await?;
    let file = out.display().to_string();
    let args = [("file", file.as_str())];
    eprintln!(
        "{}",
        trn(ctx.lang, "cli.exported_summary", lines.len(), &args)
    );
    Ok(())
}

/// Row by row from the database to the file: memory stays flat at any size.
async fn registrations(
    ctx: &Ctx,
    conn: &mut sqlx::AnyConnection,
    format: Format,
    out: Option<&Path>,
) -> Result<()> {
    let lang = ctx.lang;
    let actor = &Actor::Operator;
    let form = match campaigns::current(&mut *conn).await? {
        Some(c) => registration_form::for_campaign(&c.questions),
        None => registration_form::REGISTRATION.clone(),
    };
    let count = match (format, out) {
        (Format::Xlsx, None) => bail!("{}", tr(lang, "cli.xlsx_needs_out")),
        (Format::Xlsx, Some(path)) => {
            let mut sheet = export::Sheet::new(lang, true, &form)?;
            let n = ops::exports::registrations(conn, actor, |r| sheet.push(&r)).await?;
            write_beside(path, |part| async move { sheet.save(&part) }).await?;
            n
        }
        (Format::Json, _) => {
            let mut json = export::JsonOut::new(sink(out)?, &form)?;
            let n = ops::exports::registrations(conn, actor, |r| json.push(&r)).await?;
            json.finish()?.flush()?;
            n
        }
        (Format::Csv, _) => {
            let mut csv = export::CsvOut::new(sink(out)?, &form);
            let n = ops::exports::registrations(conn, actor, |r| csv.push(&r)).await?;
            csv.finish()?.flush()?;
            n
        }
    };
    if let Some(path) = out {
        let file = path.display().to_string();
        eprintln!("{}", trn(lang, "cli.exported", count, &[("file", &file)]));
    }
    Ok(())
}
