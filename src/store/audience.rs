//! Whom an announcement or a reminder reaches: active chairs, by what their unit
//! has not done yet. Units with staff members are the district federation itself and
//! never count as missing anything.

use anyhow::Result;
use sqlx::AnyConnection;

use super::members;
use crate::domain::audience::Audience;
use crate::domain::member::Member;

const NOT_DISTRICT: &str =
    "NOT EXISTS (SELECT 1 FROM members st WHERE st.unit_id = m.unit_id AND st.role = 'staff')";

pub async fn chairs(
    conn: &mut AnyConnection,
    campaign_id: i64,
    audience: Audience,
) -> Result<Vec<Member>> {
    let missing = match audience {
        Audience::All => String::new(),
        Audience::Unregistered => " AND NOT EXISTS (SELECT 1 FROM registrations r \
             WHERE r.unit_id = m.unit_id AND r.campaign_id = $1 AND r.status = 'submitted')"
            .to_string(),
        Audience::MissingReport | Audience::MissingNomination => {
            let asks_for = if audience == Audience::MissingReport {
                "report"
            } else {
                "nomination"
            };
            format!(
                " AND EXISTS (SELECT 1 FROM deadlines d WHERE d.campaign_id = $1 AND d.asks_for = '{asks_for}' \
                 AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.deadline_id = d.id \
                 AND s.unit_id = m.unit_id AND s.status IN ('submitted', 'approved')))"
            )
        }
    };
    let sql = format!(
        "{} WHERE m.role = 'chair' AND m.active = 1 AND {NOT_DISTRICT}{missing} ORDER BY m.id",
        members::SELECT
    );
    let query = sqlx::query(&sql);
    // PostgreSQL refuses a parameter the statement does not use.
    let query = if missing.is_empty() {
        query
    } else {
        query.bind(campaign_id)
    };
    members::fetch_all(&mut *conn, query).await
}
