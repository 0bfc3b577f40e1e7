use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::{get, parse_ts, ts};
use crate::domain::invite;
use crate::domain::member::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedeemError {
    Unknown,
    Used,
    Expired,
}

/// A new code; `zalo_bot` is the Zalo bot it keeps a place on.
pub async fn create(
    conn: &mut AnyConnection,
    unit_id: i64,
    role: Role,
    expires_at: DateTime<Utc>,
    zalo_bot: Option<&str>,
) -> Result<String> {
    loop {
        let code = invite::generate();
        let done = sqlx::query(
            "INSERT INTO invites (code, unit_id, role, created_at, expires_at, zalo_bot) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING",
        )
        .bind(&code)
        .bind(unit_id)
        .bind(role.as_str())
        .bind(ts(Utc::now()))
        .bind(ts(expires_at))
        .bind(zalo_bot)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(code);
        }
    }
}

/// Marks the code used, in the caller's transaction, if it still can be.
pub async fn redeem(
    conn: &mut AnyConnection,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Result<(i64, Role), RedeemError>> {
    let row = sqlx::query(
        "UPDATE invites SET used_at = $2 WHERE code = $1 AND used_at IS NULL AND expires_at > $2 \
         RETURNING unit_id, role",
    )
    .bind(code)
    .bind(ts(now))
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(r) = row {
        let role: Role = get::<String>(&r, "role")?
            .parse()
            .map_err(anyhow::Error::msg)?;
        return Ok(Ok((get(&r, "unit_id")?, role)));
    }
    let row = sqlx::query("SELECT used_at, expires_at FROM invites WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(Err(match row {
        None => RedeemError::Unknown,
        Some(r) if get::<Option<String>>(&r, "used_at")?.is_some() => RedeemError::Used,
        Some(r) if parse_ts(&get::<String>(&r, "expires_at")?)? <= now => RedeemError::Expired,
        Some(_) => RedeemError::Unknown,
    }))
}

/// The Zalo bot an unused code keeps a place on (`Some(None)`: none), or `None` when
/// there is no such unused code.
pub async fn zalo_bot_of(conn: &mut AnyConnection, code: &str) -> Result<Option<Option<String>>> {
    let row = sqlx::query("SELECT zalo_bot FROM invites WHERE code = $1 AND used_at IS NULL")
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| get(&r, "zalo_bot")).transpose()
}

/// Places kept on a Zalo bot by codes not used and not expired.
pub async fn open_on_zalo_bot(
    conn: &mut AnyConnection,
    bot: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM invites WHERE zalo_bot = $1 AND used_at IS NULL \
         AND expires_at > $2",
    )
    .bind(bot)
    .bind(ts(now))
    .fetch_one(&mut *conn)
    .await?;
    get(&row, "n")
}

pub async fn set_used_by(conn: &mut AnyConnection, code: &str, member_id: i64) -> Result<()> {
    sqlx::query("UPDATE invites SET used_by = $2 WHERE code = $1")
        .bind(code)
        .bind(member_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// One code per unit, in few statements; a code that happens to exist already is drawn
/// again. Codes in the order of `units`.
pub async fn create_many(
    conn: &mut AnyConnection,
    units: &[crate::domain::unit::Unit],
    role: Role,
    expires_at: DateTime<Utc>,
    zalo_bots: &[Option<String>],
) -> Result<Vec<String>> {
    const ROWS: usize = 500;
    let mut codes: Vec<String> = units.iter().map(|_| invite::generate()).collect();
    let created = ts(Utc::now());
    for (chunk_no, chunk) in units.chunks(ROWS).enumerate() {
        let offset = chunk_no * ROWS;
        loop {
            let sql = format!(
                "INSERT INTO invites (role, created_at, expires_at, code, unit_id, zalo_bot) \
                 VALUES {} ON CONFLICT (code) DO NOTHING RETURNING code",
                super::placeholders(chunk.len(), 3, 4, "$1, $2, $3")
            );
            let mut query = sqlx::query(&sql)
                .bind(role.as_str())
                .bind(&created)
                .bind(ts(expires_at));
            for (i, unit) in chunk.iter().enumerate() {
                let bot = zalo_bots.get(offset + i).cloned().flatten();
                query = query
                    .bind(codes[offset + i].clone())
                    .bind(unit.id)
                    .bind(bot);
            }
            let taken: std::collections::HashSet<String> = query
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| get(r, "code"))
                .collect::<Result<_>>()?;
            if taken.len() == chunk.len() {
                break;
            }
            // Rare: some codes existed. Remove what was inserted and draw those again.
            for code in &taken {
                sqlx::query("DELETE FROM invites WHERE code = $1")
                    .bind(code)
                    .execute(&mut *conn)
                    .await?;
            }
            for i in 0..chunk.len() {
                if !taken.contains(&codes[offset + i]) {
                    codes[offset + i] = invite::generate();
                }
            }
        }
    }
    Ok(codes)
}

/// What each Zalo bot is called, as its getMe said when it last started.
pub async fn set_zalo_bot_name(
    conn: &mut AnyConnection,
    bot: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO zalo_bots (id, name, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at",
    )
    .bind(bot)
    .bind(name)
    .bind(ts(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn zalo_bot_name(conn: &mut AnyConnection, bot: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT name FROM zalo_bots WHERE id = $1")
        .bind(bot)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| get(&r, "name")).transpose()
}
