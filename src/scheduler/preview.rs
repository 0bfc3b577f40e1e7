//! `thidua reminders preview`: who would get what, and when, from the database as it
//! is now (units that submit in the meantime will of course drop out).

use anyhow::Result;
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::key_prefix;
use crate::domain::reminders::{is_quiet, Due};
use crate::store::{campaigns, deadlines, members, reminders as claims, submissions};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub at: DateTime<Utc>,
    pub deadline: String,
    pub due: Due,
    /// Units whose chairs would be told.
    pub units: Vec<String>,
    /// Units missing it with no chair in the chat: nobody there to tell.
    pub no_chair: Vec<String>,
}

/// What the preview looked at: its plan, and the campaign's deadlines already past
/// at `from` (title, due) when every one of them is.
pub struct Preview {
    pub planned: Vec<Planned>,
    pub all_past: Option<(String, DateTime<Utc>)>,
}

/// The first instant at or after `t` outside the night hours.
fn morning(t: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    if !is_quiet(t, tz) {
        return t;
    }
    let local = t.with_timezone(&tz);
    let day = if local.time() >= NaiveTime::from_hms_opt(21, 0, 0).unwrap_or_default() {
        local.date_naive() + Duration::days(1)
    } else {
        local.date_naive()
    };
    let seven = day.and_hms_opt(7, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&seven)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(t)
}

pub async fn plan(
    conn: &mut sqlx::AnyConnection,
    from: DateTime<Utc>,
    days: i64,
) -> Result<Preview> {
    let campaign = campaigns::current(&mut *conn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no campaign"))?;
    let tz = campaign.tz();
    let until = from + Duration::days(days);
    let mut out = Vec::new();
    let all = deadlines::for_campaign(&mut *conn, campaign.id).await?;
    let last = all.iter().max_by_key(|d| d.spec.due_at(tz));
    let all_past = last
        .filter(|d| d.spec.due_at(tz) < from)
        .map(|d| (d.spec.title.clone(), d.spec.due_at(tz)));
    for d in all {
        let missing = submissions::missing_units(&mut *conn, &d).await?;
        let ids: Vec<i64> = missing.iter().map(|u| u.id).collect();
        let chaired: std::collections::HashSet<i64> =
            members::active_chairs_of_units(&mut *conn, &ids)
                .await?
                .into_iter()
                .map(|(m, _)| m.unit_id)
                .collect();
        let mut events: Vec<(DateTime<Utc>, Due)> = d
            .spec
            .reminder_slots(tz)
            .into_iter()
            .map(|(days_before, at)| (at, Due::Reminder { days_before }))
            .collect();
        events.push((d.spec.due_at(tz), Due::Overdue));
        for (at, due) in events {
            let at = morning(at, tz);
            if at < from || at >= until {
                continue;
            }
            let claimed = claims::claimed_units(&mut *conn, d.id, &key_prefix(d.id, due)).await?;
            let (units, no_chair): (Vec<_>, Vec<_>) = missing
                .iter()
                .filter(|u| !claimed.contains(&u.id))
                .partition(|u| chaired.contains(&u.id));
            if !units.is_empty() || !no_chair.is_empty() {
                out.push(Planned {
                    at,
                    deadline: d.spec.title.clone(),
                    due,
                    units: units.iter().map(|u| u.name.clone()).collect(),
                    no_chair: no_chair.iter().map(|u| u.name.clone()).collect(),
                });
            }
        }
    }
    out.sort_by_key(|p| p.at);
    Ok(Preview {
        planned: out,
        all_past,
    })
}
