//! `thidua reminders preview`: who would get which reminder, and when (nothing is sent).

use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::{parse_instant, Ctx};
use crate::domain::reminders::Due;
use crate::i18n::{tr, trf, trn};

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

pub async fn run(ctx: &Ctx, command: RemindersCommand) -> Result<()> {
    let RemindersCommand::Preview { from, days } = command;
    let lang = ctx.lang;
    let tz = ctx.campaign.tz();
    let mut conn = ctx.db.read().await?;
    let from = from.unwrap_or_else(Utc::now);
    let preview = crate::scheduler::preview::plan(&mut conn, from, days).await?;
    let at = |t: DateTime<Utc>| t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string();
    let until = from + chrono::Duration::days(days);
    let window = [
        ("from", at(from)),
        ("until", at(until)),
        ("days", days.to_string()),
    ];
    let window: Vec<(&str, &str)> = window.iter().map(|(k, v)| (*k, v.as_str())).collect();
    println!("{}", trf(lang, "cli.preview_window", &window));
    if let Some((title, due)) = &preview.all_past {
        let args = [("title", title.as_str()), ("due", &at(*due))];
        println!("{}", trf(lang, "cli.preview_all_past", &args));
    } else if preview.planned.is_empty() {
        println!("{}", tr(lang, "cli.preview_none"));
    }
    for p in preview.planned {
        let what = match p.due {
            Due::Reminder { days_before: 0 } => tr(lang, "cli.preview_on_the_day"),
            Due::Reminder { days_before } => {
                let n = days_before.to_string();
                trf(lang, "cli.preview_reminder", &[("n", &n)])
            }
            Due::Overdue => tr(lang, "cli.preview_overdue"),
        };
        println!(
            "{}  {what} — {} → {}: {}",
            at(p.at),
            p.deadline,
            p.units.len(),
            p.units.join(", ")
        );
        if !p.no_chair.is_empty() {
            let names = p.no_chair.join(", ");
            let args = [("units", names.as_str())];
            println!(
                "    {}",
                trn(lang, "cli.preview_no_chair", p.no_chair.len(), &args)
            );
        }
    }
    Ok(())
}
