//! `thidua campaign load FILE`, `thidua campaign show`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;

use super::Ctx;
use crate::domain::dates::format_dmy;
use crate::i18n::{trf, trn, Lang};
use crate::store::{self, Db};

#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// Validate a campaign file (TOML) and create or update its campaign.
    Load { file: PathBuf },
    /// The current campaign and its deadlines.
    Show,
}

/// Validated before the database is opened: a broken file changes nothing.
pub async fn load(file: &std::path::Path, database_url: &str, lang: Lang) -> Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| crate::files::Failed::Read(file.into()))?;
    let parsed = crate::domain::campaign_file::parse(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let db = store::connect(database_url).await?;
    let mut tx = db.write().await?;
    let (_, created) = store::deadlines::load_file(&mut tx, &parsed).await?;
    tx.commit().await?;
    let key = if created {
        "cli.campaign_created"
    } else {
        "cli.campaign_updated"
    };
    let n = parsed.deadlines.len();
    println!("{}", trn(lang, key, n, &[("code", &parsed.code)]));
    let shown = show(&db, lang).await;
    db.close().await;
    shown
}

pub async fn show_current(ctx: &Ctx) -> Result<()> {
    show(&ctx.db, ctx.lang).await
}

async fn show(db: &Db, lang: Lang) -> Result<()> {
    let c = store::campaigns::ensure_seed(db).await?;
    let mut conn = db.read().await?;
    println!("{} — {}", c.code, c.title);
    println!("{}", c.plan_ref);
    let (from, to) = (format_dmy(c.starts_on), format_dmy(c.ends_on));
    let period = [("from", from.as_str()), ("to", &to), ("tz", &c.timezone)];
    println!("{}", trf(lang, "cli.campaign_period", &period));
    for d in store::deadlines::for_campaign(&mut conn, c.id).await? {
        let s = &d.spec;
        let days: Vec<String> = s.reminder_days.iter().map(u32::to_string).collect();
        let due = format!("{} {}", format_dmy(s.due_on), s.due_time.format("%H:%M"));
        let line = [("title", s.title.as_str()), ("due", &due), ("key", &s.key)];
        println!("\n{}", trf(lang, "cli.campaign_deadline", &line));
        let time = s.reminder_time.format("%H:%M").to_string();
        let days = days.join(", ");
        let reminders = [("days", days.as_str()), ("time", &time)];
        println!("  {}", trf(lang, "cli.campaign_reminders", &reminders));
        for doc in &s.documents {
            println!("  - {}", doc.title);
        }
    }
    Ok(())
}
