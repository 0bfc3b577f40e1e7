//! `/web`: the units × deadlines grid of the units below the staff member's federation,
//! a page of units at a time (after a unit id, so a page far down costs what the first
//! does), each cell the submission's state.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;

use super::page::{desk, notice};
use super::sign_in::failed;
use super::{signed_in, Shared};
use crate::i18n::{tr, Lang};
use crate::store::submissions::{Status, Submission};
use crate::store::{campaigns, deadlines, scope, submissions};

/// Units on a page.
const PAGE: i64 = 50;

#[derive(serde::Deserialize)]
pub struct At {
    #[serde(default)]
    after: i64,
}

pub async fn page(State(web): Shared, headers: HeaderMap, Query(at): Query<At>) -> Response {
    let lang = Lang::Vi;
    let who = match signed_in(&web, &headers).await {
        Ok(who) => who,
        Err(e) => return failed(e),
    };
    let Some((me, csrf)) = who else {
        return notice(lang, StatusCode::UNAUTHORIZED, "web.sign_in_first");
    };
    let read = async {
        let mut conn = web.db.read().await?;
        let campaign = campaigns::current(&mut conn).await?;
        let Some(campaign) = campaign else {
            return anyhow::Ok(None);
        };
        let within = scope::of_staff(&mut conn, me.unit_id).await?;
        let deadlines = deadlines::reported(&mut conn, campaign.id).await?;
        let units = submissions::subject_units_after(&mut conn, within, at.after, PAGE).await?;
        let ids: Vec<i64> = deadlines.iter().map(|d| d.id).collect();
        let unit_ids: Vec<i64> = units.iter().map(|u| u.id).collect();
        let subs = submissions::of_units(&mut conn, &ids, &unit_ids).await?;
        Ok(Some((campaign, deadlines, units, subs)))
    };
    let (campaign, deadlines, units, subs) = match read.await {
        Ok(Some(found)) => found,
        Ok(None) => return notice(lang, StatusCode::OK, "web.no_campaign"),
        Err(e) => return failed(e),
    };
    let tz = campaign.tz();
    let cell = |unit: i64, deadline: i64| {
        let s = subs
            .iter()
            .find(|s| s.unit_id == unit && s.deadline_id == deadline);
        (class_of(s), crate::export::submission_state(lang, s, tz))
    };
    let next = (units.len() as i64 == PAGE)
        .then(|| units.last().map(|u| u.id))
        .flatten();
    let body = html! {
        div.table {
            table {
                thead { tr {
                    th { (tr(lang, "export.col.unit")) }
                    @for d in &deadlines { th { (d.spec.title) } }
                } }
                tbody {
                    @for u in &units {
                        tr {
                            td { (u.name) }
                            @for d in &deadlines {
                                @let (class, text) = cell(u.id, d.id);
                                td class=(class) { (text) }
                            }
                        }
                    }
                }
            }
        }
        nav.pages {
            a.button href="/web/grid.xlsx" download { (tr(lang, "web.grid_xlsx")) }
            @if at.after > 0 { a.button href="/web" { (tr(lang, "web.first_page")) } }
            @if let Some(after) = next {
                a.button href={ "/web?after=" (after) } { (tr(lang, "web.next_page")) }
            }
        }
    };
    desk(lang, &me, &csrf, &campaign.title, body).into_response()
}

fn class_of(s: Option<&Submission>) -> &'static str {
    match s.map(|s| (s.status, s.late)) {
        None => "missing",
        Some((Status::Approved, _)) => "approved",
        Some((Status::Returned, _)) => "returned",
        Some((Status::Submitted, true)) => "late",
        Some((Status::Submitted, false)) => "submitted",
    }
}
