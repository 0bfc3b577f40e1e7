//! `thidua invite`: one code for a unit's chair or staff member, or (`--all`) a
//! chair's code for every unit into a spreadsheet.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use chrono::Utc;
use clap::Args;

use super::Ctx;
use crate::domain::member::Role;
use crate::i18n::{tr, trf, trn};
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
    let seats = seats(ctx, &mut tx).await?;
    let made = ops::invites::every_chair(&mut tx, &Actor::Operator, role, days, &seats, Utc::now())
        .await?;
    let bot = settings::get_value(&mut tx, settings::TELEGRAM_USERNAME).await?;
    let sheet = crate::export::invites::InviteSheet {
        units: &made.units,
        codes: &made.codes,
        zalo_bots: &made.zalo_bots,
        expires: made.expires,
    };
    let (sheet, bot) = (&sheet, bot.as_deref());
    crate::files::write_beside(out, |part| async move {
        crate::export::invites_xlsx(sheet, bot, lang, &part)
    })
    .await?;
    // The codes exist only once the file holding them does.
    tx.commit().await?;
    let (file, n) = (out.display().to_string(), made.codes.len());
    println!(
        "{}",
        trn(lang, "cli.invites_written", n, &[("file", &file)])
    );
    Ok(())
}

async fn one(ctx: &Ctx, unit: &str, role: Role, days: i64) -> Result<()> {
    let lang = ctx.lang;
    let mut tx = ctx.db.write().await?;
    let seats = seats(ctx, &mut tx).await?;
    let invite = ops::invites::one(
        &mut tx,
        &Actor::Operator,
        unit,
        role,
        days,
        &seats,
        Utc::now(),
    )
    .await?;
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
    match &invite.zalo_bot {
        Some((_, name)) => println!("{}", trf(lang, "cli.invite_zalo_bot", &[("bot", name)])),
        None if !seats.bots.is_empty() => println!("{}", tr(lang, "cli.invite_zalo_full")),
        None => {}
    }
    // The code last: scripts read the last line's last word.
    println!("{}: {}", tr(lang, "cli.code"), invite.code);
    Ok(())
}

/// The Zalo bots' places as the configuration and the database say.
async fn seats(
    ctx: &Ctx,
    tx: &mut sqlx::AnyConnection,
) -> Result<crate::ops::zalo_seats::ZaloSeats> {
    let first = settings::get_value(&mut *tx, settings::ZALO_FIRST_BOT).await?;
    Ok(ctx.config.zalo_seats(first))
}
