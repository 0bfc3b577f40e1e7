use anyhow::{Context, Result};
use chrono::{NaiveTime, Utc};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use super::{get, parse_day, ts};
use crate::domain::campaign_file::{AsksFor, CampaignFile, DeadlineSpec, DocumentSpec};

/// A deadline as stored, with its campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub id: i64,
    pub campaign_id: i64,
    pub spec: DeadlineSpec,
}

const SELECT: &str = "SELECT id, campaign_id, key, title, due_on, due_time, asks_for, documents, \
     reminder_days, reminder_time FROM deadlines";

fn time(s: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").with_context(|| format!("bad time in database: {s}"))
}

fn from_row(r: &AnyRow) -> Result<Deadline> {
    let documents: Vec<DocumentSpec> = serde_json::from_str(&get::<String>(r, "documents")?)?;
    let reminder_days: Vec<u32> = serde_json::from_str(&get::<String>(r, "reminder_days")?)?;
    Ok(Deadline {
        id: get(r, "id")?,
        campaign_id: get(r, "campaign_id")?,
        spec: DeadlineSpec {
            key: get(r, "key")?,
            title: get(r, "title")?,
            due_on: parse_day(&get::<String>(r, "due_on")?)?,
            due_time: time(&get::<String>(r, "due_time")?)?,
            asks_for: get::<String>(r, "asks_for")?
                .parse()
                .map_err(|e| anyhow::anyhow!("{e:?}"))?,
            documents,
            reminder_days,
            reminder_time: time(&get::<String>(r, "reminder_time")?)?,
        },
    })
}

pub async fn for_campaign(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<Deadline>> {
    sqlx::query(&format!(
        "{SELECT} WHERE campaign_id = $1 ORDER BY due_on, id"
    ))
    .bind(campaign_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

pub async fn get_one(conn: &mut AnyConnection, id: i64) -> Result<Option<Deadline>> {
    let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Creates or updates the campaign of a file and its deadlines, in the caller's write
/// transaction (all or nothing). A deadline dropped from the file is deleted unless
/// units already submitted to it.
pub async fn load_file(tx: &mut AnyConnection, file: &CampaignFile) -> Result<(i64, bool)> {
    let now = ts(Utc::now());
    let existing: Option<i64> = sqlx::query("SELECT id FROM campaigns WHERE code = $1")
        .bind(&file.code)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| get(&r, "id"))
        .transpose()?;
    let campaign_id = match existing {
        Some(id) => {
            sqlx::query(
                "UPDATE campaigns SET title = $2, plan_ref = $3, starts_on = $4, ends_on = $5, \
                 timezone = $6, paper = $7, awards = $8, questions = $9 WHERE id = $1",
            )
            .bind(id)
            .bind(&file.title)
            .bind(&file.plan_ref)
            .bind(file.starts_on.to_string())
            .bind(file.ends_on.to_string())
            .bind(file.timezone.name())
            .bind(serde_json::to_string(&file.paper)?)
            .bind(serde_json::to_string(&file.awards)?)
            .bind(serde_json::to_string(&file.questions)?)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            let row = sqlx::query(
                "INSERT INTO campaigns (code, title, plan_ref, starts_on, ends_on, timezone, \
                 created_at, paper, awards, questions) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 RETURNING id",
            )
            .bind(&file.code)
            .bind(&file.title)
            .bind(&file.plan_ref)
            .bind(file.starts_on.to_string())
            .bind(file.ends_on.to_string())
            .bind(file.timezone.name())
            .bind(&now)
            .bind(serde_json::to_string(&file.paper)?)
            .bind(serde_json::to_string(&file.awards)?)
            .bind(serde_json::to_string(&file.questions)?)
            .fetch_one(&mut *tx)
            .await?;
            get(&row, "id")?
        }
    };
    for d in &file.deadlines {
        upsert(&mut *tx, campaign_id, d).await?;
    }
    let keep: Vec<&str> = file.deadlines.iter().map(|d| d.key.as_str()).collect();
    let stale = sqlx::query("SELECT id, key FROM deadlines WHERE campaign_id = $1")
        .bind(campaign_id)
        .fetch_all(&mut *tx)
        .await?;
    for r in stale {
        let key: String = get(&r, "key")?;
        if keep.contains(&key.as_str()) {
            continue;
        }
        let id: i64 = get(&r, "id")?;
        let used: i64 = get(
            &sqlx::query("SELECT COUNT(*) AS n FROM submissions WHERE deadline_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?,
            "n",
        )?;
        if used > 0 {
            anyhow::bail!("deadline '{key}' is no longer in the file but {used} units already submitted to it; keep it in the file");
        }
        sqlx::query("DELETE FROM reminders_sent WHERE deadline_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM deadlines WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    Ok((campaign_id, existing.is_none()))
}

async fn upsert(conn: &mut AnyConnection, campaign_id: i64, d: &DeadlineSpec) -> Result<()> {
    sqlx::query(
        "INSERT INTO deadlines (campaign_id, key, title, due_on, due_time, asks_for, documents, \
         reminder_days, reminder_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (campaign_id, key) DO UPDATE SET title = excluded.title, \
         due_on = excluded.due_on, due_time = excluded.due_time, asks_for = excluded.asks_for, \
         documents = excluded.documents, reminder_days = excluded.reminder_days, \
         reminder_time = excluded.reminder_time",
    )
    .bind(campaign_id)
    .bind(&d.key)
    .bind(&d.title)
    .bind(d.due_on.to_string())
    .bind(d.due_time.format("%H:%M").to_string())
    .bind(d.asks_for.as_str())
    .bind(serde_json::to_string(&d.documents)?)
    .bind(serde_json::to_string(&d.reminder_days)?)
    .bind(d.reminder_time.format("%H:%M").to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// The deadlines units hand files in for (registration has its own lists).
pub async fn reported(conn: &mut AnyConnection, campaign_id: i64) -> Result<Vec<Deadline>> {
    Ok(for_campaign(conn, campaign_id)
        .await?
        .into_iter()
        .filter(|d| d.spec.asks_for != AsksFor::Registration)
        .collect())
}
