use anyhow::Result;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use super::{get, parse_day};
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
        paper: match get::<Option<String>>(r, "paper")? {
            Some(json) => serde_json::from_str(&json)?,
            None => Default::default(),
        },
        awards: match get::<Option<String>>(r, "awards")? {
            Some(json) => serde_json::from_str(&json)?,
            None => Vec::new(),
        },
        questions: match get::<Option<String>>(r, "questions")? {
            Some(json) => serde_json::from_str(&json)?,
            None => Vec::new(),
        },
    })
}

/// The campaign registrations belong to: the newest one.
pub async fn current(conn: &mut AnyConnection) -> Result<Option<Campaign>> {
    let row = sqlx::query(
        "SELECT id, code, title, plan_ref, starts_on, ends_on, timezone, paper, awards, \
         questions FROM campaigns ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The example campaign file of the seed plan, built in: the first start of a fresh
/// database runs that campaign until a campaign file is loaded.
pub const SEED_FILE: &str = include_str!("../../examples/campaign-vinh-thuan-2025.toml");

/// The current campaign; on a fresh database the built-in seed plan, created in the
/// caller's write transaction.
pub async fn current_or_seed(tx: &mut AnyConnection) -> Result<Campaign> {
    if let Some(c) = current(&mut *tx).await? {
        return Ok(c);
    }
    let seed = crate::domain::campaign_file::parse(SEED_FILE)
        .map_err(|e| anyhow::anyhow!("built-in campaign file: {e}"))?;
    super::deadlines::load_file(&mut *tx, &seed).await?;
    current(&mut *tx)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the seed campaign was not created"))
}

/// At start: make sure a campaign exists, so turns only ever read it. Two processes
/// starting at once on PostgreSQL may both try; the loser finds the winner's.
pub async fn ensure_seed(db: &super::Db) -> Result<Campaign> {
    let first = async {
        let mut tx = db.write().await?;
        let c = current_or_seed(&mut tx).await?;
        tx.commit().await?;
        Ok::<_, anyhow::Error>(c)
    };
    match first.await {
        Ok(c) => Ok(c),
        Err(e) => {
            tracing::debug!(error = %format!("{e:#}"), "seed campaign created elsewhere");
            let mut conn = db.read().await?;
            current(&mut conn)
                .await?
                .ok_or_else(|| anyhow::anyhow!("the seed campaign could not be created: {e:#}"))
        }
    }
}
