use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use super::{get, parse_day, parse_ts, ts};
use crate::domain::answers::Answers;
use crate::domain::money::Vnd;
use crate::domain::registration::{
    Registration, RegistrationDraft, RegistrationNumber, WorkResult,
};
use crate::domain::unit::UnitKind;

pub(super) const SELECT: &str = "SELECT r.id, r.campaign_id, r.seq, r.unit_id, u.name AS unit_name, \
     u.kind AS unit_kind, r.status, m.display_name AS submitted_by, r.submitted_at, r.result, r.actual_value_vnd, \
     r.result_note, r.ask_again_on, r.featured, r.answers, r.result_photos \
     FROM registrations r JOIN units u ON u.id = r.unit_id JOIN members m ON m.id = r.submitted_by";

/// A registration with what the export needs about its unit.
pub struct Listed {
    pub registration: Registration,
    pub unit_kind: UnitKind,
}

pub(super) fn from_row(r: &AnyRow) -> Result<Listed> {
    // The answers are the record (migration 0017 wrote them for older rows).
    let id: i64 = get(r, "id")?;
    let answers: Answers = match get::<Option<String>>(r, "answers")? {
        Some(json) => serde_json::from_str(&json)?,
        None => Answers::new(),
    };
    let draft = RegistrationDraft::from_answers(&answers)
        .ok_or_else(|| anyhow!("registration {id}: its stored answers are incomplete"))?;
    Ok(Listed {
        registration: Registration {
            id,
            campaign_id: get(r, "campaign_id")?,
            number: RegistrationNumber(get(r, "seq")?),
            unit_id: get(r, "unit_id")?,
            unit_name: get(r, "unit_name")?,
            draft,
            status: get::<String>(r, "status")?
                .parse()
                .map_err(anyhow::Error::msg)?,
            submitted_by: get(r, "submitted_by")?,
            submitted_at: parse_ts(&get::<String>(r, "submitted_at")?)?,
            answers,
            result: result_from_row(r)?,
            featured: get::<i64>(r, "featured")? != 0,
        },
        unit_kind: get::<String>(r, "unit_kind")?
            .parse()
            .map_err(anyhow::Error::msg)?,
    })
}

fn result_from_row(r: &AnyRow) -> Result<Option<WorkResult>> {
    let note: Option<String> = get(r, "result_note")?;
    Ok(match get::<Option<String>>(r, "result")?.as_deref() {
        None => None,
        Some("done") => {
            let actual: i64 = get::<Option<i64>>(r, "actual_value_vnd")?.unwrap_or_default();
            Some(WorkResult::Done {
                actual: Vnd::from_dong(u64::try_from(actual)?)
                    .map_err(|e| anyhow!("bad actual value {actual} in database: {e:?}"))?,
                note,
                photos: match get::<Option<String>>(r, "result_photos")? {
                    Some(json) => serde_json::from_str(&json)?,
                    None => Vec::new(),
                },
            })
        }
        Some("ongoing") => Some(WorkResult::Ongoing {
            ask_again_on: parse_day(
                &get::<Option<String>>(r, "ask_again_on")?.unwrap_or_default(),
            )?,
        }),
        Some(_) => Some(WorkResult::NotDone {
            reason: note.unwrap_or_default(),
        }),
    })
}

/// Records what the chair said of a work's end; only a work of `unit_id` still
/// registered changes. Returns whether it did.
pub async fn set_result(
    conn: &mut AnyConnection,
    id: i64,
    unit_id: i64,
    result: &WorkResult,
    now: DateTime<Utc>,
) -> Result<bool> {
    let (actual, note, again, photos) = match result {
        WorkResult::Done {
            actual,
            note,
            photos,
        } => (
            Some(dong(*actual)?),
            note.clone(),
            None,
            Some(serde_json::to_string(photos)?),
        ),
        WorkResult::Ongoing { ask_again_on } => (None, None, Some(ask_again_on.to_string()), None),
        WorkResult::NotDone { reason } => (None, Some(reason.clone()), None, None),
    };
    let done = sqlx::query(
        "UPDATE registrations SET result = $3, actual_value_vnd = $4, result_note = $5, \
         ask_again_on = $6, result_at = $7, result_photos = $8 \
         WHERE id = $1 AND unit_id = $2 AND status = 'submitted'",
    )
    .bind(id)
    .bind(unit_id)
    .bind(result.as_str())
    .bind(actual)
    .bind(note)
    .bind(again)
    .bind(ts(now))
    .bind(photos)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Claims the day's questions: every still-registered work of the campaign whose end
/// date is before `today` (or whose day to be asked again has come), with no final
/// answer, not yet asked this round. One statement; returns the works claimed.
pub async fn claim_result_questions(
    conn: &mut AnyConnection,
    campaign_id: i64,
    today: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let sql = "INSERT INTO result_questions (registration_id, round, asked_at) \
         SELECT r.id, COALESCE(r.ask_again_on, 'end'), $3 FROM registrations r \
         WHERE r.campaign_id = $1 AND r.status = 'submitted' \
         AND (r.result IS NULL OR r.result = 'ongoing') \
         AND ((r.ask_again_on IS NULL AND r.end_date < $2) OR r.ask_again_on <= $2) \
         ON CONFLICT (registration_id, round) DO NOTHING RETURNING registration_id";
    super::collect(
        sqlx::query(sql)
            .bind(campaign_id)
            .bind(today.to_string())
            .bind(ts(now)),
        conn,
        |r| get(r, "registration_id"),
    )
    .await
}

/// These works, by id, in number order.
pub async fn by_ids(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<Registration>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "{SELECT} WHERE r.id IN ({}) ORDER BY r.seq",
            super::id_list(chunk)
        );
        out.extend(
            super::collect(sqlx::query(&sql), conn, |r| {
                from_row(r).map(|l| l.registration)
            })
            .await?,
        );
    }
    Ok(out)
}

/// Proposes (or stops proposing) a work as "công trình tiêu biểu".
pub async fn set_featured(conn: &mut AnyConnection, id: i64, featured: bool) -> Result<bool> {
    let done = sqlx::query("UPDATE registrations SET featured = $2 WHERE id = $1")
        .bind(id)
        .bind(i64::from(featured))
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

fn dong(v: Vnd) -> Result<i64> {
    Ok(i64::try_from(v.dong())?)
}

/// Stores a new registration under the next number of its campaign, and records the
/// form's idempotency key with it.
pub async fn insert(
    conn: &mut AnyConnection,
    campaign_id: i64,
    (unit_id, member_id): (i64, i64),
    (draft, answers): (&RegistrationDraft, &Answers),
    key: &str,
    now: DateTime<Utc>,
) -> Result<(i64, RegistrationNumber)> {
    // Locks the campaign's row until commit: confirms queue here, each gets its number.
    let seq: i64 = get(
        &sqlx::query(
            "UPDATE campaigns SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq",
        )
        .bind(campaign_id)
        .fetch_one(&mut *conn)
        .await?,
        "last_seq",
    )?;
    let row = sqlx::query(
        "INSERT INTO registrations (campaign_id, seq, unit_id, kind, end_date, \
         estimated_value_vnd, status, submitted_by, submitted_at, updated_at, answers, \
         folded_name) VALUES ($1, $2, $3, $4, $5, $6, 'submitted', $7, $8, $8, $9, $10) \
         RETURNING id, seq",
    )
    .bind(campaign_id)
    .bind(seq)
    .bind(unit_id)
    .bind(draft.kind.as_str())
    .bind(draft.end_date.to_string())
    .bind(dong(draft.estimated_value)?)
    .bind(member_id)
    .bind(ts(now))
    .bind(serde_json::to_string(answers)?)
    .bind(crate::domain::text::fold(&draft.name))
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = get(&row, "id")?;
    record_confirmation(conn, key, id, now).await?;
    Ok((id, RegistrationNumber(get(&row, "seq")?)))
}

pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    (draft, answers): (&RegistrationDraft, &Answers),
    key: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    // Only a work still registered changes: one withdrawn meanwhile (from another
    // chat, or this one's list) stays withdrawn, checked in the same statement.
    let done = sqlx::query(
        "UPDATE registrations SET kind = $2, end_date = $3, estimated_value_vnd = $4, \
         updated_at = $5, answers = $6, folded_name = $7 WHERE id = $1 AND status = 'submitted'",
    )
    .bind(id)
    .bind(draft.kind.as_str())
    .bind(draft.end_date.to_string())
    .bind(dong(draft.estimated_value)?)
    .bind(ts(now))
    .bind(serde_json::to_string(answers)?)
    .bind(crate::domain::text::fold(&draft.name))
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    record_confirmation(conn, key, id, now).await?;
    Ok(true)
}

async fn record_confirmation(
    conn: &mut AnyConnection,
    key: &str,
    registration_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("INSERT INTO confirmations (key, registration_id, created_at) VALUES ($1, $2, $3)")
        .bind(key)
        .bind(registration_id)
        .bind(ts(now))
        .execute(conn)
        .await?;
    Ok(())
}

/// The registration an already-confirmed form produced, if any.
pub async fn confirmed(conn: &mut AnyConnection, key: &str) -> Result<Option<Registration>> {
    let row = sqlx::query(&format!(
        "{SELECT} JOIN confirmations c ON c.registration_id = r.id WHERE c.key = $1"
    ))
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row
        .as_ref()
        .map(from_row)
        .transpose()?
        .map(|l| l.registration))
}

/// Returns false when it was already withdrawn.
pub async fn withdraw(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE registrations SET status = 'withdrawn', updated_at = $2 \
         WHERE id = $1 AND status = 'submitted'",
    )
    .bind(id)
    .bind(ts(now))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get_one(conn: &mut AnyConnection, id: i64) -> Result<Option<Registration>> {
    let row = sqlx::query(&format!("{SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row
        .as_ref()
        .map(from_row)
        .transpose()?
        .map(|l| l.registration))
}

pub async fn for_unit(
    conn: &mut AnyConnection,
    campaign_id: i64,
    unit_id: i64,
) -> Result<Vec<Registration>> {
    sqlx::query(&format!(
        "{SELECT} WHERE r.campaign_id = $1 AND r.unit_id = $2 ORDER BY r.seq"
    ))
    .bind(campaign_id)
    .bind(unit_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| from_row(r).map(|l| l.registration))
    .collect()
}

/// Folds the work names of registrations written before migration 0026 (or straight
/// into the database): how many.
pub async fn fill_folded_names(conn: &mut AnyConnection) -> Result<usize> {
    let rows = sqlx::query(&format!("{SELECT} WHERE r.folded_name IS NULL"))
        .fetch_all(&mut *conn)
        .await?;
    for r in &rows {
        let l = from_row(r)?;
        sqlx::query("UPDATE registrations SET folded_name = $2 WHERE id = $1")
            .bind(l.registration.id)
            .bind(crate::domain::text::fold(&l.registration.draft.name))
            .execute(&mut *conn)
            .await?;
    }
    Ok(rows.len())
}

/// Every registration of every campaign, in campaign and number order.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<Listed>> {
    sqlx::query(&format!("{SELECT} ORDER BY r.campaign_id, r.seq"))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Every registration, in campaign and number order, handed to `each` one at a time as
/// the database yields them: an export of 100 000 never holds them all.
pub async fn for_each(
    conn: &mut AnyConnection,
    within: crate::domain::unit::Scope,
    mut each: impl FnMut(Listed) -> Result<()>,
) -> Result<usize> {
    use futures::TryStreamExt;
    let within = super::scope::condition(within, "r.unit_id");
    let sql = format!("{SELECT} WHERE {within} ORDER BY r.campaign_id, r.seq");
    let mut rows = sqlx::query(&sql).fetch(&mut *conn);
    let mut n = 0;
    while let Some(r) = rows.try_next().await? {
        each(from_row(&r)?)?;
        n += 1;
    }
    Ok(n)
}

/// Per unit that hands things in, in id order: how many works it has registered in the
/// campaign (still registered) and their total estimated value. One query.
pub async fn totals_by_unit(
    conn: &mut AnyConnection,
    campaign_id: i64,
) -> Result<Vec<crate::domain::registration::UnitTotal>> {
    let subject = super::submissions::SUBJECT;
    // PostgreSQL sums a BIGINT as NUMERIC: cast back.
    let sql = format!(
        "SELECT u.name, COUNT(r.id) AS works, \
         CAST(COALESCE(SUM(r.estimated_value_vnd), 0) AS BIGINT) AS total FROM units u \
         LEFT JOIN registrations r ON r.unit_id = u.id AND r.campaign_id = $1 \
         AND r.status = 'submitted' WHERE {subject} GROUP BY u.id, u.name ORDER BY u.id"
    );
    super::collect(sqlx::query(&sql).bind(campaign_id), conn, |r| {
        Ok(crate::domain::registration::UnitTotal {
            unit: get(r, "name")?,
            works: get(r, "works")?,
            total_vnd: u64::try_from(get::<i64>(r, "total")?)?,
        })
    })
    .await
}

/// Still-registered works of the campaign in scope whose estimated value is within
/// [min, max]: how many, and the first `limit` by value, highest first.
pub async fn reaching(
    conn: &mut AnyConnection,
    campaign_id: i64,
    within: crate::domain::unit::Scope,
    (min, max): (Vnd, Option<Vnd>),
    limit: i64,
) -> Result<(i64, Vec<Registration>)> {
    let within = super::scope::condition(within, "r.unit_id");
    // Amounts are integers from a parsed campaign file, written into the statement.
    let upper = max.map_or(String::new(), |m| {
        format!(" AND r.estimated_value_vnd <= {}", m.dong())
    });
    let condition = format!(
        "r.campaign_id = $1 AND r.status = 'submitted' AND r.estimated_value_vnd >= {}{upper} \
         AND {within}",
        min.dong()
    );
    let count_sql = format!("SELECT COUNT(*) AS n FROM registrations r WHERE {condition}");
    let row = sqlx::query(&count_sql)
        .bind(campaign_id)
        .fetch_one(&mut *conn)
        .await?;
    let sql =
        format!("{SELECT} WHERE {condition} ORDER BY r.estimated_value_vnd DESC, r.seq LIMIT $2");
    let first = super::collect(sqlx::query(&sql).bind(campaign_id).bind(limit), conn, |r| {
        from_row(r).map(|l| l.registration)
    })
    .await?;
    Ok((get(&row, "n")?, first))
}

/// How the campaign's still-registered works of the units in scope ended so far:
/// (done, ongoing, not done, not reported), in one query.
pub async fn result_counts(
    conn: &mut AnyConnection,
    campaign_id: i64,
    within: crate::domain::unit::Scope,
) -> Result<(i64, i64, i64, i64)> {
    let within = super::scope::condition(within, "r.unit_id");
    let sql = format!(
        "SELECT COALESCE(r.result, '') AS result, COUNT(*) AS n FROM registrations r \
         WHERE r.campaign_id = $1 AND r.status = 'submitted' AND {within} \
         GROUP BY COALESCE(r.result, '')"
    );
    let rows = super::collect(sqlx::query(&sql).bind(campaign_id), conn, |r| {
        Ok((get::<String>(r, "result")?, get::<i64>(r, "n")?))
    })
    .await?;
    let n = |k: &str| rows.iter().find(|(r, _)| r == k).map_or(0, |(_, n)| *n);
    Ok((n("done"), n("ongoing"), n("not_done"), n("")))
}

/// The works of the units in scope proposed as "công trình tiêu biểu", in number order.
pub async fn featured(
    conn: &mut AnyConnection,
    campaign_id: i64,
    within: crate::domain::unit::Scope,
) -> Result<Vec<Registration>> {
    let within = super::scope::condition(within, "r.unit_id");
    let sql = format!(
        "{SELECT} WHERE r.campaign_id = $1 AND r.featured = 1 AND r.status = 'submitted' \
         AND {within} ORDER BY r.seq"
    );
    super::collect(sqlx::query(&sql).bind(campaign_id), conn, |r| {
        from_row(r).map(|l| l.registration)
    })
    .await
}

/// How many works of the campaign's units in scope are still registered.
pub async fn count_registered(
    conn: &mut AnyConnection,
    campaign_id: i64,
    within: crate::domain::unit::Scope,
) -> Result<i64> {
    let within = super::scope::condition(within, "r.unit_id");
    let sql = format!(
        "SELECT COUNT(*) AS n FROM registrations r WHERE r.campaign_id = $1 \
         AND r.status = 'submitted' AND {within}"
    );
    let row = sqlx::query(&sql)
        .bind(campaign_id)
        .fetch_one(&mut *conn)
        .await?;
    get(&row, "n")
}

/// Works registered (still registered) in the units of `within` since `since`: the
/// weekly summary's first figure.
pub async fn count_since(
    conn: &mut AnyConnection,
    campaign_id: i64,
    within: crate::domain::unit::Scope,
    since: DateTime<Utc>,
) -> Result<i64> {
    let within = super::scope::condition(within, "r.unit_id");
    let row = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM registrations r WHERE r.campaign_id = $1 \
         AND r.status = 'submitted' AND r.submitted_at >= $2 AND {within}"
    ))
    .bind(campaign_id)
    .bind(ts(since))
    .fetch_one(&mut *conn)
    .await?;
    get(&row, "n")
}
