//! `thidua submission approve | return`: the review staff do in the chat, from the
//! command line; the chairs are told either way.

use anyhow::{bail, Result};
use chrono::Utc;
use clap::Subcommand;

use super::Ctx;
use crate::i18n::tr;
use crate::ops::review::{self, Decision, Review, Target};
use crate::ops::Actor;

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

pub async fn run(ctx: &Ctx, command: SubmissionCommand) -> Result<()> {
    let (unit, deadline, decision) = match &command {
        SubmissionCommand::Approve { unit, deadline } => (unit, deadline, Decision::Approve),
        SubmissionCommand::Return {
            unit,
            deadline,
            reason,
        } => (unit, deadline, Decision::Return { reason }),
    };
    let target = Target::OfUnit { unit, deadline };
    let mut tx = ctx.db.write().await?;
    let done = review::review(&mut tx, &Actor::Operator, target, decision, Utc::now()).await?;
    match done {
        Review::Done(..) => {}
        Review::Already(status, unit, d) => {
            bail!("{}", review::already(ctx.lang, status, &unit, &d))
        }
        Review::NotFound => bail!("{}", tr(ctx.lang, "cli.nothing_submitted")),
    }
    tx.commit().await?;
    println!("{}", tr(ctx.lang, "cli.reviewed"));
    Ok(())
}
