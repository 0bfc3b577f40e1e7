//! `thidua web link --member ID`: a staff member's one-time link to the desk pages, made
//! by the operator (for someone whose chat is not at hand).

use anyhow::{bail, Result};
use clap::Subcommand;

use super::Ctx;
use crate::i18n::{tr, trf};

#[derive(Debug, Subcommand)]
pub enum WebCommand {
    /// A one-time sign-in link for a staff member (15 minutes, used once).
    Link {
        /// The staff member's id.
        #[arg(long, required_unless_present = "unit", conflicts_with = "unit")]
        member: Option<i64>,
        /// The unit whose staff member it is (refused, with their ids, when it has
        /// several).
        #[arg(long)]
        unit: Option<String>,
    },
}

pub async fn run(ctx: &Ctx, command: WebCommand) -> Result<()> {
    let WebCommand::Link { member, unit } = command;
    let Some(base) = ctx.config.public_url()? else {
        bail!("{}", tr(ctx.lang, "web.no_pages"));
    };
    let mut tx = ctx.db.write().await?;
    let me = crate::ops::web::staff_named(&mut tx, member, unit.as_deref()).await?;
    let token = crate::ops::web::desk_link(&mut tx, &me, chrono::Utc::now()).await?;
    tx.commit().await?;
    let minutes = crate::ops::web::LINK_LIFE.num_minutes().to_string();
    let link = crate::ops::web::link_url(&base, &token);
    println!(
        "{}",
        trf(
            ctx.lang,
            "web.link",
            &[("link", &link), ("minutes", &minutes)]
        )
    );
    Ok(())
}
