//! `thidua backup FILE`: a consistent copy of the SQLite database, safe while the bot
//! runs, written beside its name and renamed when whole.

use std::path::Path;

use anyhow::{bail, Result};

use super::Ctx;
use crate::i18n::{tr, trf};
use crate::store;

pub async fn run(ctx: &Ctx, file: &Path) -> Result<()> {
    let (lang, db) = (ctx.lang, &ctx.db);
    if db.backend == store::Backend::Postgres {
        bail!("{}", tr(lang, "cli.backup_postgres"));
    }
    let name = file.display().to_string();
    if crate::files::taken(file) {
        bail!("{}", trf(lang, "cli.backup_exists", &[("file", &name)]));
    }
    crate::files::write_beside(file, |part| async move { db.backup_into(&part).await }).await?;
    println!("{}", trf(lang, "cli.backup_done", &[("file", &name)]));
    Ok(())
}
