use anyhow::Result;
use sqlx::any::AnyRow;

use super::{get, parse_day, Db};
use crate::domain::campaign::Campaign;

fn from_row(r: &AnyRow) -> Result<Campaign> {
    Ok(Campaign {
        id: get(r, "id")?,
        code: get(r, "code")?,
        title: get(r, "title")?,
        plan_ref: get(r, "plan_ref")?,
        starts_on: parse_day(&get::<String>(r, "starts_on")?)?,
        ends_on: parse_day(&get::<String>(r, "ends_on")?)?,
        timezone: get(r, "timezone")?,
    })
}

/// The campaign registrations belong to: the newest one.
pub async fn current(db: &Db) -> Result<Option<Campaign>> {
    let row = sqlx::query(
        "SELECT id, code, title, plan_ref, starts_on, ends_on, timezone \
         FROM campaigns ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The example campaign file of the seed plan, built in: the first start of a fresh
/// database runs that campaign until a campaign file is loaded.
pub const SEED_FILE: &str = include_str!("../../examples/campaign-vinh-thuan-2025.toml");

pub async fn current_or_seed(db: &Db) -> Result<Campaign> {
    if let Some(c) = current(db).await? {
        return Ok(c);
    }
    let seed = crate::domain::campaign_file::parse(SEED_FILE)
        .map_err(|e| anyhow::anyhow!("built-in campaign file: {e}"))?;
    // Two processes starting at once may both try; the loser finds the winner's.
    if let Err(e) = super::deadlines::load_file(db, &seed).await {
        tracing::debug!(error = %e, "seed campaign already being created");
    }
    for _ in 0..50 {
        if let Some(c) = current(db).await? {
            return Ok(c);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::bail!("the seed campaign could not be created")
}
