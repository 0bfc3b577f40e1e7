//! Whom an announcement or a reminder reaches: active chairs, by what their unit
//! has not done yet. Units with staff members are the district federation itself and
//! never count as missing anything.

use anyhow::Result;
use sqlx::AnyConnection;

use super::{members, outbox, scope, ts};
use crate::conversation::Reply;
use crate::domain::audience::Audience;
use crate::domain::deadline_kind::AsksFor;
use crate::domain::member::Member;
use crate::domain::unit::Scope;
use crate::i18n::Lang;

const NOT_DISTRICT: &str = super::scope::subject!("m.unit_id");

/// The condition on member `m` for an audience within a scope, and whether it uses
/// `$1` (the campaign): PostgreSQL refuses a parameter a statement does not use.
pub(super) fn condition(audience: Audience, scope: Scope) -> (String, bool) {
    // The console's person tries thidua on this machine: nothing reaches it from others.
    let within = format!(
        "{} AND m.channel <> 'console'",
        scope::condition(scope, "m.unit_id")
    );
    let missing = match audience {
        Audience::All => {
            return (
                format!("m.role = 'chair' AND m.active = 1 AND {NOT_DISTRICT} AND {within}"),
                false,
            )
        }
        Audience::Missing(AsksFor::Registration) => "NOT EXISTS (SELECT 1 FROM registrations r \
             WHERE r.unit_id = m.unit_id AND r.campaign_id = $1 AND r.status = 'submitted')"
            .to_string(),
        Audience::Missing(kind @ (AsksFor::Report | AsksFor::Nomination)) => {
            let asks_for = kind.as_str();
            format!(
                "EXISTS (SELECT 1 FROM deadlines d WHERE d.campaign_id = $1 AND d.asks_for = '{asks_for}' \
                 AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.deadline_id = d.id \
                 AND s.unit_id = m.unit_id AND s.status IN ('submitted', 'approved')))"
            )
        }
    };
    (
        format!("m.role = 'chair' AND m.active = 1 AND {NOT_DISTRICT} AND {within} AND {missing}"),
        true,
    )
}

/// Everyone in the audience, with the language their chat chose.
pub async fn chairs(
    conn: &mut AnyConnection,
    campaign_id: i64,
    audience: Audience,
    scope: Scope,
) -> Result<Vec<(Member, Lang)>> {
    let (condition, binds) = condition(audience, scope);
    let sql = format!(
        "{} WHERE {condition} ORDER BY m.id",
        members::SELECT_WITH_LANG
    );
    let query = sqlx::query(&sql);
    let query = if binds {
        query.bind(campaign_id)
    } else {
        query
    };
    query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(members::from_row_with_lang)
        .collect()
}

/// How many people the audience is, without loading them.
pub async fn count(
    conn: &mut AnyConnection,
    campaign_id: i64,
    audience: Audience,
    scope: Scope,
) -> Result<i64> {
    let (condition, binds) = condition(audience, scope);
    let sql = format!("SELECT COUNT(*) AS n FROM members m WHERE {condition}");
    let query = sqlx::query(&sql);
    let query = if binds {
        query.bind(campaign_id)
    } else {
        query
    };
    super::get(&query.fetch_one(&mut *conn).await?, "n")
}

/// Queues an announcement for everyone in the audience, in their chat's language: one
/// `INSERT … SELECT` per language, so 100 000 recipients never pass through this
/// process. Returns how many were queued.
pub async fn enqueue(
    conn: &mut AnyConnection,
    campaign_id: i64,
    (audience, scope): (Audience, Scope),
    broadcast_id: i64,
    message: impl Fn(Lang) -> Reply,
    (telegram_first, now): (bool, chrono::DateTime<chrono::Utc>),
) -> Result<u64> {
    let (condition, binds) = condition(audience, scope);
    let condition = match telegram_first {
        true => format!("{condition} AND {}", members::NOT_ALSO_ON_TELEGRAM),
        false => condition,
    };
    let first = if binds { 2 } else { 1 };
    let p = |k: usize| format!("${}", first + k);
    let mut queued = 0;
    for lang in Lang::ALL {
        let sql = format!(
            "INSERT INTO outbox ({}) \
             SELECT 'pending', m.channel, m.chat_id, m.id, {}, {}, 'broadcast', {}, {}, {} \
             FROM members m LEFT JOIN chats c ON c.channel = m.channel AND c.chat_id = m.chat_id \
             WHERE {condition} AND {} ORDER BY m.id",
            outbox::COLUMNS,
            p(0),
            p(1),
            p(2),
            p(3),
            p(4),
            speaks(lang)
        );
        let query = sqlx::query(&sql);
        let query = if binds {
            query.bind(campaign_id)
        } else {
            query
        };
        queued += query
            .bind(lang.code())
            .bind(outbox::body(&message(lang))?)
            .bind(broadcast_id)
            .bind(ts(outbox::ASAP))
            .bind(ts(now))
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(queued)
}

/// The condition that chat `c` speaks `lang`, as `members::from_row_with_lang` reads
/// it: no choice, or one this build does not know, is the default language.
fn speaks(lang: Lang) -> String {
    if lang == Lang::default() {
        let others: Vec<String> = Lang::ALL
            .iter()
            .filter(|l| **l != lang)
            .map(|l| format!("'{}'", l.code()))
            .collect();
        format!(
            "(c.locale IS NULL OR c.locale NOT IN ({}))",
            others.join(", ")
        )
    } else {
        format!("c.locale = '{}'", lang.code())
    }
}
