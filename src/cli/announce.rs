//! `thidua broadcast`: an announcement queued to the units' chairs, under the same
//! rules as `/thongbao` in the chat; `thidua run` delivers it.

use anyhow::Result;
use chrono::Utc;
use clap::Args;

use super::Ctx;
use crate::domain::audience::Audience;
use crate::i18n::trn;
use crate::ops::{self, Actor};

#[derive(Debug, Args)]
pub struct BroadcastArgs {
    #[arg(long)]
    text: String,
    #[arg(long, default_value = "all", value_parser = audiences())]
    audience: Audience,
}

/// The audiences' names as the command line's choices (`Audience::every`).
fn audiences() -> impl clap::builder::TypedValueParser<Value = Audience> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Audience::names())
        .try_map(|name| name.parse::<Audience>())
}

pub async fn run(ctx: &Ctx, args: BroadcastArgs) -> Result<()> {
    let audience = (args.audience, ctx.config.prefer_telegram()?);
    let mut tx = ctx.db.write().await?;
    let actor = Actor::Operator;
    let created =
        ops::announcements::queue(&mut tx, &actor, &args.text, audience, None, Utc::now()).await?;
    tx.commit().await?;
    let id = created.id.to_string();
    let n = created.recipients as usize;
    println!(
        "{}",
        trn(ctx.lang, "cli.broadcast_queued", n, &[("id", &id)])
    );
    Ok(())
}
