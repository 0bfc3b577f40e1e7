//! `/web/activity`: what was done on the desk — who (and their unit), when (the
//! campaign's time, Asia/Ho_Chi_Minh), what, on which unit — newest first, a page at a
//! time before an entry's id. A staff member sees the entries on units below their
//! federation and those done by its members or their colleagues (filtered in SQL).

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::page::desk;
use super::sign_in::failed;
use super::{member, Shared};
use crate::i18n::tr;
use crate::store::web_activity::{self, Seen};
use crate::store::{campaigns, scope};

/// Entries on a page.
const PAGE: i64 = 50;

#[derive(serde::Deserialize, Default)]
pub struct At {
    #[serde(default)]
    before: Option<i64>,
}

pub async fn page(State(web): Shared, headers: HeaderMap, Query(at): Query<At>) -> Response {
    let (me, csrf, lang) = match member(&web, &headers).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let read = async {
        let mut conn = web.db.read().await?;
        let tz = match campaigns::current(&mut conn).await? {
            Some(c) => c.tz(),
            None => chrono_tz::Asia::Ho_Chi_Minh,
        };
        let within = scope::of_staff(&mut conn, me.unit_id).await?;
        let seen = Seen {
            within,
            own: me.unit_id,
        };
        let entries = web_activity::recent(&mut conn, seen, at.before, PAGE).await?;
        anyhow::Ok((tz, entries))
    };
    let (tz, entries) = match read.await {
        Ok(found) => found,
        Err(e) => return failed(e),
    };
    let body = html! {
        @if entries.is_empty() { p { (tr(lang, "web.activity_none")) } }
        div.table { table.activity {
            thead { tr {
                th scope="col" { (tr(lang, "web.activity_when")) }
                th scope="col" { (tr(lang, "web.activity_who")) }
                th scope="col" { (tr(lang, "web.activity_what")) }
                th scope="col" { (tr(lang, "export.col.unit")) }
                th scope="col" { (tr(lang, "web.activity_detail")) }
            } }
            tbody {
                @for e in &entries {
                    tr {
                        td { time datetime=(crate::store::ts(e.at)) {
                            (e.at.with_timezone(&tz).format("%H:%M %d/%m/%Y"))
                        } }
                        td { (e.member) br; small { (e.member_unit) } }
                        td { (tr(lang, &e.action.key())) }
                        td { (e.unit.as_deref().unwrap_or("")) }
                        td { (e.detail) }
                    }
                }
            }
        } }
        nav.pages {
            @if at.before.is_some() { a.button href="/web/activity" { (tr(lang, "web.first_page")) } }
            @if entries.len() as i64 == PAGE {
                @if let Some(last) = entries.last() {
                    a.button href={ "/web/activity?before=" (last.id) } { (tr(lang, "web.next_page")) }
                }
            }
        }
    };
    desk(lang, &me, &csrf, &tr(lang, "web.nav.activity"), body).into_response()
}
