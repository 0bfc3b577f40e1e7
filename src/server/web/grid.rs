//! `/web`: the units × deadlines grid of the units below the staff member's federation:
//! filtered by a district, a deadline's state and a name typed without diacritics,
//! counted, a page of units at a time (after a unit id, so a page far down costs what
//! the first does), each cell the submission's state.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

use super::page::{desk, notice};
use super::sign_in::failed;
use super::{member, Shared};
use crate::domain::text::fold;
use crate::i18n::{tr, trf, Lang};
use crate::store::submissions::{GridFilter, GridState, Status, Submission};
use crate::store::{campaigns, deadlines, scope, submissions, units};

/// Units on a page.
const PAGE: i64 = 50;

/// The grid's address: its filters and where the page starts.
#[derive(serde::Deserialize, Default)]
pub struct At {
    #[serde(default)]
    after: i64,
    #[serde(default)]
    q: String,
    /// "DEADLINE_ID:state" ("12:missing").
    #[serde(default)]
    state: String,
    /// "Tất cả" sends it empty.
    #[serde(default, deserialize_with = "empty_is_none")]
    district: Option<i64>,
}

/// A number from a form's select, where its first choice ("all") sends nothing.
fn empty_is_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let text: Option<String> = serde::Deserialize::deserialize(d)?;
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(n) => n.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

impl At {
    fn filter(&self) -> GridFilter {
        let name = Some(fold(self.q.trim())).filter(|q| !q.is_empty());
        let state = self
            .state
            .split_once(':')
            .and_then(|(d, s)| Some((d.parse::<i64>().ok()?, s.parse::<GridState>().ok()?)));
        GridFilter { name, state }
    }

    /// This address with the page starting after `after`.
    fn href(&self, after: i64) -> String {
        let mut parts = vec![format!("after={after}")];
        for (k, v) in [("q", self.q.as_str()), ("state", self.state.as_str())] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", super::encode(v)));
            }
        }
        if let Some(d) = self.district {
            parts.push(format!("district={d}"));
        }
        format!("/web?{}", parts.join("&"))
    }
}

struct Found {
    campaign: crate::domain::campaign::Campaign,
    deadlines: Vec<deadlines::Deadline>,
    federations: Vec<crate::domain::unit::Unit>,
    units: Vec<crate::domain::unit::Unit>,
    count: i64,
    subs: Vec<Submission>,
}

pub async fn page(State(web): Shared, headers: HeaderMap, Query(at): Query<At>) -> Response {
    let (me, csrf, lang) = match member(&web, &headers).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let found = match read(&web, &me, &at).await {
        Ok(Some(found)) => found,
        Ok(None) => return notice(lang, StatusCode::OK, "web.no_campaign"),
        Err(e) => return failed(e),
    };
    let body = html! {
        (filters(lang, &at, &found))
        p { (trf(lang, "web.grid_count", &[("n", &found.count.to_string())])) }
        (table(lang, &found))
        nav.pages {
            a.button href="/web/grid.xlsx" download { (tr(lang, "web.grid_xlsx")) }
            @if at.after > 0 { a.button href=(at.href(0)) { (tr(lang, "web.first_page")) } }
            @if found.units.len() as i64 == PAGE {
                @if let Some(last) = found.units.last() {
                    a.button href=(at.href(last.id)) { (tr(lang, "web.next_page")) }
                }
            }
        }
    };
    desk(lang, &me, &csrf, &found.campaign.title, body).into_response()
}

/// Everything the page shows, in one read; a district outside the member's scope is
/// ignored (the member's own scope is shown).
async fn read(
    web: &super::Web,
    me: &crate::domain::member::Member,
    at: &At,
) -> anyhow::Result<Option<Found>> {
    let mut conn = web.db.read().await?;
    let Some(campaign) = campaigns::current(&mut conn).await? else {
        return Ok(None);
    };
    let mine = scope::of_staff(&mut conn, me.unit_id).await?;
    let within = match at.district {
        Some(d) if scope::contains(&mut conn, mine, d).await? => {
            scope::of_staff(&mut conn, d).await?
        }
        _ => mine,
    };
    let filter = at.filter();
    let deadlines = deadlines::reported(&mut conn, campaign.id).await?;
    let federations = units::federations(&mut conn, mine).await?;
    let units = submissions::grid_page(&mut conn, within, &filter, at.after, PAGE).await?;
    let count = submissions::grid_count(&mut conn, within, &filter).await?;
    let ids: Vec<i64> = deadlines.iter().map(|d| d.id).collect();
    let unit_ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let subs = submissions::of_units(&mut conn, &ids, &unit_ids).await?;
    Ok(Some(Found {
        campaign,
        deadlines,
        federations,
        units,
        count,
        subs,
    }))
}

fn filters(lang: Lang, at: &At, f: &Found) -> Markup {
    let states = [
        GridState::Missing,
        GridState::Submitted,
        GridState::Late,
        GridState::Returned,
        GridState::Approved,
    ];
    html! {
        form.filters method="get" action="/web" {
            label { (tr(lang, "web.filter_name")) input type="search" name="q" value=(at.q); }
            @if !f.federations.is_empty() {
                label { (tr(lang, "web.filter_district"))
                    select name="district" {
                        option value="" { (tr(lang, "web.all")) }
                        @for d in &f.federations {
                            option value=(d.id) selected[at.district == Some(d.id)] { (d.name) }
                        }
                    }
                }
            }
            label { (tr(lang, "web.filter_state"))
                select name="state" {
                    option value="" { (tr(lang, "web.all")) }
                    @for d in &f.deadlines {
                        @for s in states {
                            @let value = format!("{}:{}", d.id, <&str>::from(s));
                            @let label = format!("{} — {}", d.spec.title, tr(lang, &format!("web.state.{}", <&str>::from(s))));
                            option value=(value) selected[at.state == value] { (label) }
                        }
                    }
                }
            }
            button type="submit" { (tr(lang, "web.filter")) }
        }
    }
}

fn table(lang: Lang, f: &Found) -> Markup {
    let tz = f.campaign.tz();
    let cell = |unit: i64, deadline: i64| {
        let s = f
            .subs
            .iter()
            .find(|s| s.unit_id == unit && s.deadline_id == deadline);
        (class_of(s), crate::export::submission_state(lang, s, tz))
    };
    html! {
        div.table {
            table {
                thead { tr {
                    th { (tr(lang, "export.col.unit")) }
                    @for d in &f.deadlines { th { (d.spec.title) } }
                } }
                tbody {
                    @for u in &f.units {
                        tr {
                            td { a href={ "/web/unit/" (u.id) } { (u.name) } }
                            @for d in &f.deadlines {
                                @let (class, text) = cell(u.id, d.id);
                                td class=(class) { (text) }
                            }
                        }
                    }
                }
            }
        }
    }
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
