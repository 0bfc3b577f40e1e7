//! `thidua invite`: one code for a unit's chair or staff member, or (`--all`) a
//! chair's code for every unit into a spreadsheet.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use chrono::Utc;
use clap::Args;

use super::Ctx;
use crate::domain::member::Role;
use crate::i18n::{tr, trf};
use crate::ops::{self, Actor};
use crate::store::settings;

#[derive(Debug, Args)]
pub struct InviteArgs {
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
}

pub async fn run(ctx: &Ctx, args: InviteArgs) -> Result<()> {
    let role: Role = args.role.parse().map_err(anyhow::Error::msg)?;
    match (args.all, args.out) {
        (true, Some(out)) => every_chair(ctx, role, args.days, &out).await,
        _ => one(ctx, &args.unit.unwrap_or_default(), role, args.days).await,
    }
}

async fn every_chair(ctx: &Ctx, role: Role, days: i64, out: &Path) -> Result<()> {
    let lang = ctx.lang;
    if crate::files::taken(out) {
        let file = out.display().to_string();
        bail!("{}", trf(lang, "cli.backup_exists", &[("file", &file)]));
    }
    let mut tx = ctx.db.write().await?;
    let made = ops::invites::every_chair(&mut tx, &Actor::Operator, role, days, Utc::now()).await?;
    let bot = settings::get_value(&mut tx, settings::TELEGRAM_USERNAME).await?;
    let ((units, codes, expires), bot) = (&made, bot.as_deref());
    crate::files::write_beside(out, |part| async move {
        crate::export::invites_xlsx(units, codes, bot, *expires, lang, &part)
    })
    .await?;
    // The codes exist only once the file holding them does.
    tx.commit().await?;
    let (file, n) = (out.display().to_string(), codes.len().to_string());
    let args = [("n", n.as_str()), ("file", &file)];
    println!("{}", trf(lang, "cli.invites_written", &args));
    Ok(())
}

async fn one(ctx: &Ctx, unit: &str, role: Role, days: i64) -> Result<()> {
    let lang = ctx.lang;
    let mut tx = ctx.db.write().await?;
    let invite = ops::invites::one(&mut tx, &Actor::Operator, unit, role, days, Utc::now()).await?;
    let bot = settings::get_value(&mut tx, settings::TELEGRAM_USERNAME).await?;
    tx.commit().await?;
    let role_name = tr(lang, &format!("role.{}", role.as_str()));
    let until = invite
        .expires
        .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
        .format("%d/%m/%Y %H:%M")
        .to_string();
    let args = [
        ("unit", invite.unit.name.as_str()),
        ("role", &role_name),
        ("until", &until),
    ];
    println!("{}", trf(lang, "cli.invite_for", &args));
    if let Some(bot) = bot {
        println!("https://t.me/{bot}?start={}", invite.code);
    }
    println!("{}: {}", tr(lang, "cli.code"), invite.code);
    Ok(())
}
