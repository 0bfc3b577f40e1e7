//! Signing in to the web pages without passwords: a staff member asks the chat (or the
//! operator the command line) for a one-time link; the link opens a session in the
//! browser. Every rule of links and sessions is here.

use anyhow::Result;
use chrono::{DateTime, TimeDelta, Utc};
use sqlx::AnyConnection;

use super::Refused;
use crate::domain::member::{Member, Role};
use crate::domain::web_token::{hash, new_secret, well_formed};
use crate::store::members;
use crate::store::web::{self, Purpose};
use crate::store::web_activity::{self, Action};

/// A sign-in link is good once, for this long.
pub const LINK_LIFE: TimeDelta = TimeDelta::minutes(15);
/// A session ends after this long unused, and after this long whatever.
pub const IDLE: TimeDelta = TimeDelta::hours(2);
pub const LONGEST: TimeDelta = TimeDelta::hours(12);

/// A new sign-in link's token for staff member `member` (shown once; only its hash is
/// kept). Chairs have no desk: refused.
pub async fn desk_link(
    tx: &mut AnyConnection,
    member: &Member,
    now: DateTime<Utc>,
) -> Result<String> {
    if !at_the_desk(member) {
        return Err(Refused::new("web.staff_only").into());
    }
    new_link(
        tx,
        (member.id, Purpose::Desk),
        None,
        None,
        now + LINK_LIFE,
        now,
    )
    .await
}

/// Where a link's token is opened, on the pages at `base` (THIDUA_PUBLIC_URL).
pub fn link_url(base: &str, token: &str) -> String {
    format!("{}/web/in/{token}", base.trim_end_matches('/'))
}

/// A new link's token (shown once; only its hash is kept).
pub(super) async fn new_link(
    tx: &mut AnyConnection,
    (member_id, purpose): (i64, Purpose),
    deadline_id: Option<i64>,
    file: Option<&str>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<String> {
    let token = new_secret();
    let link = web::Link {
        token_hash: &hash(&token),
        member_id,
        purpose,
        deadline_id,
        file,
        expires_at,
    };
    web::add_link(tx, &link, now).await?;
    Ok(token)
}

/// The staff member a link is for, named by the operator: a member id, or a unit whose
/// one staff member it is (several: refused with each one's id and name).
pub async fn staff_named(
    tx: &mut AnyConnection,
    member: Option<i64>,
    unit: Option<&str>,
) -> Result<Member> {
    if let Some(id) = member {
        return members::by_id(&mut *tx, id).await?.ok_or_else(|| {
            Refused::with("cli.member_not_found", &[("id", &id.to_string())]).into()
        });
    }
    let name = unit.unwrap_or_default();
    let unit = super::units::find(&mut *tx, &super::Actor::Operator, name).await?;
    let mut staff = members::active_staff_of(&mut *tx, unit.id).await?;
    match staff.len() {
        0 => Err(Refused::with("web.no_staff", &[("unit", &unit.name)]).into()),
        1 => Ok(staff.remove(0)),
        _ => {
            let who: Vec<String> = staff
                .iter()
                .map(|m| format!("#{} {} ({})", m.id, m.display_name, m.channel.as_str()))
                .collect();
            let args = [("unit", unit.name.as_str()), ("who", &who.join(", "))];
            Err(Refused::with("web.several_staff", &args).into())
        }
    }
}

/// What a link opened.
pub enum Opened {
    /// The desk: the session cookie's secret.
    Desk(String),
    /// A chair's upload page: its cookie's secret, good until `ends_at`.
    Upload {
        cookie: String,
        ends_at: DateTime<Utc>,
    },
    /// A file to download (relative to the data folder).
    Download(String),
}

/// Uses a link's token: what it opens, or `None` when the link is unknown, used,
/// expired, or its member is no longer what the link was for.
pub async fn open(
    tx: &mut AnyConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Opened>> {
    if !well_formed(token) {
        return Ok(None);
    }
    let Some(link) = web::redeem(&mut *tx, &hash(token), now).await? else {
        return Ok(None);
    };
    let member = members::by_id(&mut *tx, link.member_id).await?;
    let Some(member) = member.filter(|m| m.active) else {
        return Ok(None);
    };
    let cookie = new_secret();
    let mut session = web::NewSession {
        id_hash: &hash(&cookie),
        member_id: member.id,
        csrf: &new_secret(),
        deadline_id: None,
        ends_at: None,
    };
    match link.purpose {
        Purpose::Desk if at_the_desk(&member) => {
            web::add_session(&mut *tx, &session, now).await?;
            web_activity::add(&mut *tx, now, member.id, None, Action::SignedIn, "").await?;
            Ok(Some(Opened::Desk(cookie)))
        }
        Purpose::Upload if member.role == Role::Chair && link.deadline_id.is_some() => {
            session.deadline_id = link.deadline_id;
            session.ends_at = Some(link.expires_at);
            web::add_session(&mut *tx, &session, now).await?;
            let ends_at = link.expires_at;
            Ok(Some(Opened::Upload { cookie, ends_at }))
        }
        Purpose::Download => Ok(link.file.map(Opened::Download)),
        _ => Ok(None),
    }
}

/// Who a browser's cookie signs in, with the session's CSRF token; `None` (and the
/// session ended) once it was idle too long, is too old, or its member left staff.
pub async fn signed_in(
    tx: &mut AnyConnection,
    cookie: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Member, String)>> {
    if !well_formed(cookie) {
        return Ok(None);
    }
    let id = hash(cookie);
    let Some(s) = web::session(&mut *tx, &id).await? else {
        return Ok(None);
    };
    if s.deadline_id.is_some() {
        // A chair's upload page: never the desk, and not ended by asking.
        return Ok(None);
    }
    let fresh = now - s.seen_at < IDLE && now - s.created_at < LONGEST;
    let member = members::by_id(&mut *tx, s.member_id).await?;
    match member {
        Some(m) if fresh && at_the_desk(&m) => {
            web::touch(&mut *tx, &id, now).await?;
            Ok(Some((m, s.csrf)))
        }
        _ => {
            web::end(&mut *tx, &id).await?;
            Ok(None)
        }
    }
}

/// A session's last use is written at most this often: a page view reads, and only
/// every few minutes also writes (on SQLite a write waits behind the chat's turns).
pub const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(5);

/// Who a cookie signs in, read only: `Some` while the session stands and was used
/// within `TOUCH_EVERY`; `None` means ask `signed_in` (which writes).
pub async fn recently_signed_in(
    conn: &mut AnyConnection,
    cookie: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Member, String)>> {
    if !well_formed(cookie) {
        return Ok(None);
    }
    let Some(s) = web::session(&mut *conn, &hash(cookie)).await? else {
        return Ok(None);
    };
    if now - s.seen_at >= TOUCH_EVERY || now - s.created_at >= LONGEST || s.deadline_id.is_some() {
        return Ok(None);
    }
    let member = members::by_id(&mut *conn, s.member_id).await?;
    Ok(member.filter(at_the_desk).map(|m| (m, s.csrf)))
}

pub async fn sign_out(tx: &mut AnyConnection, cookie: &str) -> Result<()> {
    if well_formed(cookie) {
        web::end(tx, &hash(cookie)).await?;
    }
    Ok(())
}

/// Who may use the desk: active staff (a chair, or a member deactivated, may not).
fn at_the_desk(m: &Member) -> bool {
    m.active && m.role == Role::Staff
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::member::Channel;
    use crate::domain::unit::UnitKind;
    use crate::store::{members::NewMember, units};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    async fn member(tx: &mut AnyConnection, user: &str, role: Role) -> Member {
        let unit = units::add(&mut *tx, &format!("Đơn vị {user}"), UnitKind::Agency)
            .await
            .unwrap();
        let id = members::upsert(
            &mut *tx,
            &NewMember {
                channel: Channel::Telegram,
                user_id: user,
                chat_id: user,
                unit_id: unit.id,
                role,
                display_name: "Lê Kim Thoa",
            },
            at("2025-01-01T00:00:00Z"),
        )
        .await
        .unwrap();
        members::by_id(&mut *tx, id).await.unwrap().unwrap()
    }

    fn desk(opened: Option<Opened>) -> String {
        match opened {
            Some(Opened::Desk(cookie)) => cookie,
            _ => panic!("a desk session"),
        }
    }

    #[tokio::test]
    async fn a_link_opens_once_in_time_and_a_session_ends_idle_old_or_with_its_member() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("w.db").display());
        let db = crate::store::connect(&url).await.unwrap();
        let mut tx = db.write().await.unwrap();
        let staff = member(&mut tx, "1", Role::Staff).await;
        let chair = member(&mut tx, "2", Role::Chair).await;
        let t0 = at("2025-03-01T08:00:00Z");
        assert!(
            desk_link(&mut tx, &chair, t0).await.is_err(),
            "chairs have no desk"
        );

        // Once, and within 15 minutes.
        let link = desk_link(&mut tx, &staff, t0).await.unwrap();
        let late = desk_link(&mut tx, &staff, t0).await.unwrap();
        assert!(open(&mut tx, &late, t0 + LINK_LIFE)
            .await
            .unwrap()
            .is_none());
        let cookie = desk(open(&mut tx, &link, t0).await.unwrap());
        assert!(open(&mut tx, &link, t0).await.unwrap().is_none(), "used");
        // Read only while used lately; past TOUCH_EVERY the writing check is asked.
        let soon = t0 + TimeDelta::minutes(4);
        assert!(recently_signed_in(&mut tx, &cookie, soon)
            .await
            .unwrap()
            .is_some());
        let later = t0 + TOUCH_EVERY;
        assert!(recently_signed_in(&mut tx, &cookie, later)
            .await
            .unwrap()
            .is_none());

        // Idle for 2 hours ends it; used within, it goes on, up to 12 hours.
        let mut t = t0;
        for _ in 0..6 {
            t += TimeDelta::minutes(119);
            assert!(
                signed_in(&mut tx, &cookie, t).await.unwrap().is_some(),
                "{t}"
            );
        }
        let longest = t0 + LONGEST;
        assert!(
            signed_in(&mut tx, &cookie, longest)
                .await
                .unwrap()
                .is_none(),
            "12 hours"
        );
        let link2 = desk_link(&mut tx, &staff, longest).await.unwrap();
        let again = desk(open(&mut tx, &link2, longest).await.unwrap());
        let idle = longest + IDLE;
        assert!(
            signed_in(&mut tx, &again, idle).await.unwrap().is_none(),
            "2 hours idle"
        );

        // A member deactivated (or no longer staff) is signed out.
        let link3 = desk_link(&mut tx, &staff, idle).await.unwrap();
        let third = desk(open(&mut tx, &link3, idle).await.unwrap());
        assert!(signed_in(&mut tx, &third, idle).await.unwrap().is_some());
        sqlx::query("UPDATE members SET active = 0 WHERE id = $1")
            .bind(staff.id)
            .execute(&mut *tx)
            .await
            .unwrap();
        assert!(recently_signed_in(&mut tx, &third, idle)
            .await
            .unwrap()
            .is_none());
        assert!(signed_in(&mut tx, &third, idle).await.unwrap().is_none());
        // Sessions and links are kept as hashes only.
        let kept: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM web_links")
            .fetch_all(&mut *tx)
            .await
            .unwrap();
        assert!(!kept.contains(&link) && kept.contains(&hash(&link)));
    }
}
