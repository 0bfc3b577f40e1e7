//! `thidua unit add | move | list | import`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Subcommand, ValueEnum};

use super::Ctx;
use crate::domain::unit::UnitKind;
use crate::i18n::{tr, trf};
use crate::ops::{self, Actor};
use crate::store::units;

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

impl From<KindArg> for UnitKind {
    fn from(k: KindArg) -> UnitKind {
        match k {
            KindArg::Agency => UnitKind::Agency,
            KindArg::Enterprise => UnitKind::Enterprise,
        }
    }
}

pub async fn run(ctx: &Ctx, command: UnitCommand) -> Result<()> {
    match command {
        UnitCommand::Add { name, kind, parent } => add(ctx, &name, kind.into(), parent).await,
        UnitCommand::Move { name, parent, .. } => move_to(ctx, &name, parent.as_deref()).await,
        UnitCommand::List => list(ctx).await,
        UnitCommand::Import { file } => import(ctx, &file).await,
    }
}

async fn add(ctx: &Ctx, name: &str, kind: UnitKind, parent: Option<String>) -> Result<()> {
    let mut tx = ctx.db.write().await?;
    let typed = parent.as_deref();
    let (unit, parent) = ops::units::add(&mut tx, &Actor::Operator, name, kind, typed).await?;
    tx.commit().await?;
    let id = unit.id.to_string();
    let kind_name = tr(ctx.lang, &format!("unit_kind.{}", kind.as_str()));
    let args = [
        ("id", id.as_str()),
        ("name", &unit.name),
        ("kind", &kind_name),
    ];
    println!("{}", trf(ctx.lang, "cli.unit_added", &args));
    // A parent found by a name spelled otherwise is said, so a wrong match is seen.
    if let Some(p) = parent {
        let pid = p.id.to_string();
        let args = [("id", pid.as_str()), ("name", &p.name)];
        println!("{}", trf(ctx.lang, "cli.unit_parent", &args));
    }
    Ok(())
}

async fn move_to(ctx: &Ctx, name: &str, parent: Option<&str>) -> Result<()> {
    let mut tx = ctx.db.write().await?;
    let (unit, parent) = ops::units::move_to(&mut tx, &Actor::Operator, name, parent).await?;
    tx.commit().await?;
    let line = match parent {
        Some(p) => trf(
            ctx.lang,
            "cli.unit_moved",
            &[("unit", &unit.name), ("parent", &p.name)],
        ),
        None => trf(ctx.lang, "cli.unit_moved_top", &[("unit", &unit.name)]),
    };
    println!("{line}");
    Ok(())
}

async fn list(ctx: &Ctx) -> Result<()> {
    let mut conn = ctx.db.read().await?;
    let all = units::list_with_members(&mut conn).await?;
    if all.is_empty() {
        println!("{}", tr(ctx.lang, "cli.no_units"));
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (u, n) in all {
        let members = trf(ctx.lang, "cli.members", &[("n", &n.to_string())]);
        writeln!(out, "{}\t{}\t{}\t{members}", u.id, u.name, u.kind)?;
    }
    out.flush()?;
    Ok(())
}

async fn import(ctx: &Ctx, file: &std::path::Path) -> Result<()> {
    let lang = ctx.lang;
    let rows = crate::table_file::read(file, lang)?;
    let mut tx = ctx.db.write().await?;
    let mut unreadable = None;
    let rows = rows.map_while(|r| r.map_err(|e| unreadable = Some(e)).ok());
    let checked = ops::units::import(&mut tx, rows).await?;
    if let Some(e) = unreadable {
        return Err(e);
    }
    let problems = match checked {
        Ok(n) => {
            tx.commit().await?;
            let (n, file) = (n.to_string(), file.display().to_string());
            let args = [("n", n.as_str()), ("file", &file)];
            println!("{}", trf(lang, "cli.import.done", &args));
            return Ok(());
        }
        Err(problems) => problems,
    };
    for p in &problems.first {
        let why = trf(lang, p.key, &[("value", &p.value)]);
        let line = p.line.to_string();
        let args = [("line", line.as_str()), ("why", &why)];
        eprintln!("{}", trf(lang, "cli.import.line", &args));
    }
    let more = problems.total - problems.first.len();
    if more > 0 {
        let more = more.to_string();
        eprintln!("{}", trf(lang, "cli.import.more", &[("n", &more)]));
    }
    let n = problems.total.to_string();
    bail!("{}", trf(lang, "cli.import.nothing", &[("n", &n)]))
}
