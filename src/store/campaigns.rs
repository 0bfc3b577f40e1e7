use anyhow::Result;
use chrono::Utc;
use sqlx::any::AnyRow;

use super::{get, parse_day, ts, Db};
use crate::domain::campaign::{seed_campaign, Campaign};

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

/// Until campaign files exist, the seed plan's campaign is created on first need.
pub async fn current_or_seed(db: &Db) -> Result<Campaign> {
    if let Some(c) = current(db).await? {
        return Ok(c);
    }
    let seed = seed_campaign();
    sqlx::query(
        "INSERT INTO campaigns (code, title, plan_ref, starts_on, ends_on, timezone, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING",
    )
    .bind(seed.code)
    .bind(seed.title)
    .bind(seed.plan_ref)
    .bind(seed.starts_on.to_string())
    .bind(seed.ends_on.to_string())
    .bind(seed.timezone)
    .bind(ts(Utc::now()))
    .execute(&db.pool)
    .await?;
    current(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("seed campaign was not created"))
}
