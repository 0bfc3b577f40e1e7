//! `thidua unit add | move | rename | deactivate | activate | remove | list | import`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Subcommand, ValueEnum};

use super::Ctx;
use crate::domain::unit::UnitKind;
use crate::i18n::{tr, trf, trn};
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
    /// Give a unit another name (the same rule as a new name).
    Rename {
        /// The unit, by name or #id.
        name: String,
        /// Its new name.
        #[arg(long)]
        to: String,
    },
    /// Take a unit out of every count, audience, reminder, invite batch and summary,
    /// keeping its history (works, submissions, members).
    Deactivate { name: String },
    /// Bring a deactivated unit back.
    Activate { name: String },
    /// Remove a unit that has no works, submissions or units below it (its members
    /// and unused codes go with it). A unit with a history is deactivated instead.
    Remove { name: String },
    /// List units: id, name, kind, the unit above, members, and whether it is counted.
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
        UnitCommand::Rename { name, to } => life(ctx, Life::Rename(&name, &to)).await,
        UnitCommand::Deactivate { name } => life(ctx, Life::Active(&name, false)).await,
        UnitCommand::Activate { name } => life(ctx, Life::Active(&name, true)).await,
        UnitCommand::Remove { name } => life(ctx, Life::Remove(&name)).await,
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

enum Life<'a> {
    Rename(&'a str, &'a str),
    Active(&'a str, bool),
    Remove(&'a str),
}

/// A unit renamed, deactivated, brought back or removed, and what was done said.
async fn life(ctx: &Ctx, what: Life<'_>) -> Result<()> {
    let mut tx = ctx.db.write().await?;
    let actor = Actor::Operator;
    let (unit, key) = match what {
        Life::Rename(name, to) => (
            ops::units::rename(&mut tx, &actor, name, to).await?,
            "cli.unit_renamed",
        ),
        Life::Active(name, active) => (
            ops::units::set_active(&mut tx, &actor, name, active).await?,
            if active {
                "cli.unit_activated"
            } else {
                "cli.unit_deactivated"
            },
        ),
        Life::Remove(name) => (
            ops::units::remove(&mut tx, &actor, name).await?,
            "cli.unit_removed",
        ),
    };
    tx.commit().await?;
    let id = unit.id.to_string();
    let args = [("id", id.as_str()), ("name", &unit.name)];
    println!("{}", trf(ctx.lang, key, &args));
    Ok(())
}

async fn list(ctx: &Ctx) -> Result<()> {
    let mut conn = ctx.db.read().await?;
    let all = units::listing(&mut conn).await?;
    if all.is_empty() {
        println!("{}", tr(ctx.lang, "cli.no_units"));
    }
    let lang = ctx.lang;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (u, parent, active, n) in all {
        let members = trn(lang, "cli.members", n as usize, &[]);
        // The kind as `--kind` takes it, so the list reads back into the command line.
        let kind = u.kind.as_str();
        let above = parent.unwrap_or_else(|| "—".into());
        let off = if active {
            String::new()
        } else {
            format!("\t{}", tr(lang, "cli.unit_inactive"))
        };
        writeln!(out, "{}\t{}\t{kind}\t{above}\t{members}{off}", u.id, u.name)?;
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
            let file = file.display().to_string();
            println!("{}", trn(lang, "cli.import.done", n, &[("file", &file)]));
            return Ok(());
        }
        Err(problems) => problems,
    };
    for p in &problems.first {
        let args: Vec<(&str, &str)> = p.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let why = trf(lang, p.key, &args);
        let line = p.line.to_string();
        let args = [("line", line.as_str()), ("why", &why)];
        eprintln!("{}", trf(lang, "cli.import.line", &args));
    }
    let more = problems.total - problems.first.len();
    if more > 0 {
        eprintln!("{}", trn(lang, "cli.import.more", more, &[]));
    }
    bail!("{}", trn(lang, "cli.import.nothing", problems.total, &[]))
}
