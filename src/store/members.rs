use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use super::{get, ts};
use crate::domain::member::{Channel, Member, Role};

pub(crate) const SELECT: &str =
    "SELECT m.id, m.channel, m.user_id, m.chat_id, m.unit_id, u.name AS unit_name, \
     m.role, m.display_name, m.active FROM members m JOIN units u ON u.id = m.unit_id";

/// The same, with the language each member's chat chose: messages to many people are
/// written in one query, not one look-up per person.
pub(crate) const SELECT_WITH_LANG: &str =
    "SELECT m.id, m.channel, m.user_id, m.chat_id, m.unit_id, u.name AS unit_name, \
     m.role, m.display_name, m.active, c.locale AS chat_locale FROM members m \
     JOIN units u ON u.id = m.unit_id \
     LEFT JOIN chats c ON c.channel = m.channel AND c.chat_id = m.chat_id";

pub(crate) fn from_row_with_lang(r: &AnyRow) -> Result<(Member, crate::i18n::Lang)> {
    let lang = get::<Option<String>>(r, "chat_locale")?
        .as_deref()
        .and_then(crate::i18n::Lang::from_code)
        .unwrap_or_default();
    Ok((from_row(r)?, lang))
}

fn from_row(r: &AnyRow) -> Result<Member> {
    Ok(Member {
        id: get(r, "id")?,
        channel: get::<String>(r, "channel")?
            .parse()
            .map_err(anyhow::Error::msg)?,
        user_id: get(r, "user_id")?,
        chat_id: get(r, "chat_id")?,
        unit_id: get(r, "unit_id")?,
        unit_name: get(r, "unit_name")?,
        role: get::<String>(r, "role")?
            .parse()
            .map_err(anyhow::Error::msg)?,
        display_name: get(r, "display_name")?,
        active: get::<i64>(r, "active")? != 0,
    })
}

pub(crate) async fn fetch_all<'q>(
    conn: &mut AnyConnection,
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> Result<Vec<Member>> {
    query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn find(
    conn: &mut AnyConnection,
    channel: Channel,
    user_id: &str,
) -> Result<Option<Member>> {
    let row = sqlx::query(&format!("{SELECT} WHERE m.channel = $1 AND m.user_id = $2"))
        .bind(channel.as_str())
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub struct NewMember<'a> {
    pub channel: Channel,
    pub user_id: &'a str,
    pub chat_id: &'a str,
    pub unit_id: i64,
    pub role: Role,
    pub display_name: &'a str,
}

/// Joins, or re-binds a known (channel, user) to the unit and role of a new code.
pub async fn upsert(
    conn: &mut AnyConnection,
    m: &NewMember<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO members (channel, user_id, chat_id, unit_id, role, display_name, active, \
         joined_at, person_key) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8) \
         ON CONFLICT (channel, user_id) DO UPDATE SET chat_id = excluded.chat_id, \
         unit_id = excluded.unit_id, role = excluded.role, display_name = excluded.display_name, \
         person_key = excluded.person_key, active = 1 RETURNING id",
    )
    .bind(m.channel.as_str())
    .bind(m.user_id)
    .bind(m.chat_id)
    .bind(m.unit_id)
    .bind(m.role.as_str())
    .bind(m.display_name)
    .bind(ts(now))
    .bind(crate::domain::member::person_key(m.display_name))
    .fetch_one(conn)
    .await?;
    get(&row, "id")
}

/// The full name printed on paper, and the key that finds the same person on another
/// channel by it.
pub async fn set_name(conn: &mut AnyConnection, id: i64, name: &str) -> Result<()> {
    sqlx::query("UPDATE members SET display_name = $2, person_key = $3 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(crate::domain::member::person_key(name))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Member>> {
    let row = sqlx::query(&format!("{SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn active_chairs_of(conn: &mut AnyConnection, unit_id: i64) -> Result<Vec<Member>> {
    fetch_all(
        &mut *conn,
        sqlx::query(&format!(
            "{SELECT} WHERE m.unit_id = $1 AND m.role = 'chair' AND m.active = 1 ORDER BY m.id"
        ))
        .bind(unit_id),
    )
    .await
}

/// The active staff members of one unit, oldest first.
pub async fn active_staff_of(conn: &mut AnyConnection, unit_id: i64) -> Result<Vec<Member>> {
    fetch_all(
        &mut *conn,
        sqlx::query(&format!(
            "{SELECT} WHERE m.unit_id = $1 AND m.role = 'staff' AND m.active = 1 ORDER BY m.id"
        ))
        .bind(unit_id),
    )
    .await
}

/// Every active staff member with their chat's language, by unit.
pub async fn active_staff(conn: &mut AnyConnection) -> Result<Vec<(Member, crate::i18n::Lang)>> {
    sqlx::query(&format!(
        "{SELECT_WITH_LANG} WHERE m.role = 'staff' AND m.active = 1 ORDER BY m.unit_id, m.id"
    ))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(from_row_with_lang)
    .collect()
}

/// The active staff who act on unit `unit_id` (their federation is above it, or at
/// the top of the tree), with their chat's language.
pub async fn staff_over(
    conn: &mut AnyConnection,
    unit_id: i64,
) -> Result<Vec<(Member, crate::i18n::Lang)>> {
    let over = super::scope::over(unit_id, "u.id");
    sqlx::query(&format!(
        "{SELECT_WITH_LANG} WHERE m.role = 'staff' AND m.active = 1 AND {over} ORDER BY m.id"
    ))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(from_row_with_lang)
    .collect()
}

pub async fn set_active(conn: &mut AnyConnection, id: i64, active: bool) -> Result<()> {
    sqlx::query("UPDATE members SET active = $2 WHERE id = $1")
        .bind(id)
        .bind(i64::from(active))
        .execute(conn)
        .await?;
    Ok(())
}

/// The person blocked the bot or left: stop writing to them until they write again.
pub async fn deactivate_chat(
    conn: &mut AnyConnection,
    at: &crate::domain::member::Address,
) -> Result<()> {
    sqlx::query("UPDATE members SET active = 0 WHERE channel = $1 AND chat_id = $2")
        .bind(at.channel.as_str())
        .bind(&at.chat_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Every member on this chat was taken for gone (they blocked the bot): what is still
/// queued for it is not tried again.
pub async fn chat_gone(
    conn: &mut AnyConnection,
    at: &crate::domain::member::Address,
) -> Result<bool> {
    let active: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(MAX(active) AS BIGINT) FROM members WHERE channel = $1 AND chat_id = $2",
    )
    .bind(at.channel.as_str())
    .bind(&at.chat_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(active == Some(0))
}

/// Member `m` is not a Zalo chat of someone who also has Telegram (same unit, role
/// and name): with `THIDUA_PREFER_TELEGRAM`, what goes to everyone goes there only.
pub(crate) const NOT_ALSO_ON_TELEGRAM: &str = "NOT (m.channel = 'zalo' \
     AND m.person_key IS NOT NULL AND m.person_key <> '' AND EXISTS (SELECT 1 FROM members t \
     WHERE t.unit_id = m.unit_id AND t.role = m.role AND t.person_key = m.person_key \
     AND t.channel = 'telegram' AND t.active = 1))";

/// Active chairs of every unit still missing what the deadline asks for, each with the
/// language their chat chose: one query for a whole reminder sweep.
pub async fn chairs_of_missing(
    conn: &mut AnyConnection,
    deadline: &super::deadlines::Deadline,
    telegram_first: bool,
) -> Result<Vec<(Member, crate::i18n::Lang)>> {
    let (missing, bind) = super::submissions::missing_condition(deadline);
    let subject = super::submissions::SUBJECT;
    let once = if telegram_first {
        NOT_ALSO_ON_TELEGRAM
    } else {
        "1 = 1"
    };
    let sql = format!(
        "{SELECT_WITH_LANG} WHERE m.role = 'chair' AND m.active = 1 AND {subject} AND {missing} \
         AND {once} ORDER BY m.id"
    );
    super::collect(sqlx::query(&sql).bind(bind), conn, from_row_with_lang).await
}

/// The active chairs of these units, with their chats' languages, in a few queries.
pub async fn active_chairs_of_units(
    conn: &mut AnyConnection,
    unit_ids: &[i64],
) -> Result<Vec<(Member, crate::i18n::Lang)>> {
    let mut out = Vec::new();
    for chunk in unit_ids.chunks(500) {
        let sql = format!(
            "{SELECT_WITH_LANG} WHERE m.role = 'chair' AND m.active = 1 AND m.unit_id IN ({}) \
             ORDER BY m.id",
            super::id_list(chunk)
        );
        out.extend(super::collect(sqlx::query(&sql), conn, from_row_with_lang).await?);
    }
    Ok(out)
}

/// Active people on one Zalo bot: its chats are "BOT:ID", the first bot's bare.
pub async fn count_on_zalo_bot(conn: &mut AnyConnection, bot: &str, first: bool) -> Result<i64> {
    let (condition, pattern) = match first {
        true => ("chat_id NOT LIKE $1", "%:%".to_string()),
        false => ("chat_id LIKE $1", format!("{bot}:%")),
    };
    let row = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM members WHERE channel = 'zalo' AND active = 1 AND {condition}"
    ))
    .bind(pattern)
    .fetch_one(&mut *conn)
    .await?;
    get(&row, "n")
}

/// Members who joined before names were keyed (migration 0020) get their key: once,
/// at start, a row at a time (only those rows).
pub async fn fill_person_keys(conn: &mut AnyConnection) -> Result<usize> {
    let rows = sqlx::query("SELECT id, display_name FROM members WHERE person_key IS NULL")
        .fetch_all(&mut *conn)
        .await?;
    for r in &rows {
        let name: String = get(r, "display_name")?;
        sqlx::query("UPDATE members SET person_key = $2 WHERE id = $1")
            .bind(get::<i64>(r, "id")?)
            .bind(crate::domain::member::person_key(&name))
            .execute(&mut *conn)
            .await?;
    }
    Ok(rows.len())
}
