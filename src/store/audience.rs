//! Whom an announcement or a reminder reaches: active chairs, by what their unit
//! has not done yet. Units with staff members are the district federation itself and
//! never count as missing anything.

use anyhow::Result;
use sqlx::AnyConnection;

use super::members;
use crate::domain::audience::Audience;
use crate::domain::member::Member;
use crate::i18n::Lang;

const NOT_DISTRICT: &str =
    "NOT EXISTS (SELECT 1 FROM members st WHERE st.unit_id = m.unit_id AND st.role = 'staff')";

/// The condition on member `m` for an audience, and whether it uses `$1` (the
/// campaign): PostgreSQL refuses a parameter a statement does not use.
pub(super) fn condition(audience: Audience) -> (String, bool) {
    let missing = match audience {
        Audience::All => {
            return (
                format!("m.role = 'chair' AND m.active = 1 AND {NOT_DISTRICT}"),
                false,
            )
        }
        Audience::Unregistered => "NOT EXISTS (SELECT 1 FROM registrations r \
             WHERE r.unit_id = m.unit_id AND r.campaign_id = $1 AND r.status = 'submitted')"
            .to_string(),
        Audience::MissingReport | Audience::MissingNomination => {
            let asks_for = if audience == Audience::MissingReport {
                "report"
            } else {
                "nomination"
            };
            format!(
                "EXISTS (SELECT 1 FROM deadlines d WHERE d.campaign_id = $1 AND d.asks_for = '{asks_for}' \
                 AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.deadline_id = d.id \
                 AND s.unit_id = m.unit_id AND s.status IN ('submitted', 'approved')))"
            )
        }
    };
    (
        format!("m.role = 'chair' AND m.active = 1 AND {NOT_DISTRICT} AND {missing}"),
        true,
    )
}

/// Everyone in the audience, with the language their chat chose.
pub async fn chairs(
    conn: &mut AnyConnection,
    campaign_id: i64,
    audience: Audience,
) -> Result<Vec<(Member, Lang)>> {
    let (condition, binds) = condition(audience);
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
pub async fn count(conn: &mut AnyConnection, campaign_id: i64, audience: Audience) -> Result<i64> {
    let (condition, binds) = condition(audience);
    let sql = format!("SELECT COUNT(*) AS n FROM members m WHERE {condition}");
    let query = sqlx::query(&sql);
    let query = if binds {
        query.bind(campaign_id)
    } else {
        query
    };
    super::get(&query.fetch_one(&mut *conn).await?, "n")
}
