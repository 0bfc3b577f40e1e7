//! `thidua reminders preview`: who would get what, and when, from the database as it
//! is now (units that submit in the meantime will of course drop out).

use anyhow::Result;
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::key_prefix;
use crate::domain::reminders::{is_quiet, Due};
use crate::store::{campaigns, deadlines, reminders as claims, submissions};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub at: DateTime<Utc>,
    pub deadline: String,
    pub due: Due,
    pub units: Vec<String>,
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
) -> Result<Vec<Planned>> {
    let campaign = campaigns::current(&mut *conn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no campaign"))?;
    let tz = campaign.tz();
    let until = from + Duration::days(days);
    let mut out = Vec::new();
    for d in deadlines::for_campaign(&mut *conn, campaign.id).await? {
        let missing = submissions::missing_units(&mut *conn, &d).await?;
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
            let units: Vec<String> = missing
                .iter()
                .filter(|u| !claimed.contains(&u.id))
                .map(|u| u.name.clone())
                .collect();
            if !units.is_empty() {
                out.push(Planned {
                    at,
                    deadline: d.spec.title.clone(),
                    due,
                    units,
                });
            }
        }
    }
    out.sort_by_key(|p| p.at);
    Ok(out)
}
