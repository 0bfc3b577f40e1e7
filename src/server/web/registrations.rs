//! `/web/registrations`: the campaign's registered works of the units below the staff
//! member's federation — searched without diacritics (the work's or the unit's name),
//! filtered by kind, branch and "proposed only", sorted, counted, 50 a page by keyset
//! (`store::registration_list`: a page far down costs what the first does) — with the
//! award criteria each work reaches, ⭐ propose / take back (the chat's operation,
//! `ops::featured`, written to the activity log in the same transaction), the
//! proposed works, and the chat's files to download.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};

use super::page::{desk, notice};
use super::sign_in::{failed, refused_or_failed};
use super::{member, posted, Shared, Web};
use crate::domain::awards::reached;
use crate::domain::campaign::Campaign;
use crate::domain::dates::format_dmy;
use crate::domain::registration::{Registration, WorkKind};
use crate::domain::text::fold;
use crate::domain::unit::Unit;
use crate::i18n::{money, tr, trf, Lang};
use crate::ops::Actor;
use crate::store::registration_list::{self as list, After, Filter, Sort};
use crate::store::web_activity::{self, Action};
use crate::store::{campaigns, registrations, scope, units};

/// Works on a page.
const PAGE: i64 = 50;

/// The table's address: its search, filters, sort and where the page starts. Every
/// field is text, so an empty choice ("all") is no error.
#[derive(serde::Deserialize, Default, Clone)]
pub struct At {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    featured: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    desc: String,
    /// The last row's sort key and id: the page starts after it.
    #[serde(default)]
    key: String,
    #[serde(default)]
    after: String,
}

impl At {
    fn filter(&self) -> Filter {
        Filter {
            text: Some(fold(self.q.trim())).filter(|q| !q.is_empty()),
            kind: self.kind.parse().ok(),
            featured: !self.featured.is_empty(),
        }
    }

    fn sort(&self) -> (Sort, bool) {
        (self.sort.parse().unwrap_or_default(), !self.desc.is_empty())
    }

    fn after(&self) -> Option<After> {
        Some(After {
            key: self.key.clone(),
            id: self.after.parse().ok()?,
        })
    }

    /// This address, starting after `after` (the first page when `None`).
    fn href(&self, after: Option<&After>) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("kind", &self.kind),
            ("district", &self.district),
            ("featured", &self.featured),
            ("sort", &self.sort),
            ("desc", &self.desc),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", super::encode(v)));
            }
        }
        if let Some(a) = after {
            parts.push(format!("key={}&after={}", super::encode(&a.key), a.id));
        }
        format!("/web/registrations?{}", parts.join("&"))
    }
}

struct Found {
    campaign: Campaign,
    federations: Vec<Unit>,
    count: (i64, i64),
    rows: Vec<(Registration, After)>,
    featured: Vec<Registration>,
}

pub async fn page(State(web): Shared, headers: HeaderMap, Query(at): Query<At>) -> Response {
    let (me, csrf, lang) = match member(&web, &headers).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let found = match read(&web, me.unit_id, &at).await {
        Ok(Some(found)) => found,
        Ok(None) => return notice(lang, StatusCode::OK, "web.no_campaign"),
        Err(e) => return failed(e),
    };
    let (n, total) = found.count;
    let body = html! {
        (filters(lang, &at, &found))
        p.count { (trf(lang, "web.works_count", &[("n", &n.to_string()), ("value", &vnd(lang, total))])) }
        (table(lang, &at, &found, &csrf))
        nav.pages {
            @if at.after().is_some() { a.button href=(at.href(None)) { (tr(lang, "web.first_page")) } }
            @if found.rows.len() as i64 == PAGE {
                @if let Some((_, last)) = found.rows.last() {
                    a.button href=(at.href(Some(last))) { (tr(lang, "web.next_page")) }
                }
            }
        }
        nav.downloads {
            a.button href="/web/registrations.csv" download { (tr(lang, "web.download_csv")) }
            a.button href="/web/registrations.xlsx" download { (tr(lang, "web.download_xlsx")) }
            a.button href="/web/registrations-forms.zip" download { (tr(lang, "web.download_forms")) }
        }
        h2 { (trf(lang, "web.featured_list", &[("n", &found.featured.len().to_string())])) }
        @if found.featured.is_empty() { p { (tr(lang, "web.featured_none")) } }
        ol.featured {
            @for w in &found.featured {
                li { "⭐ " (w.number) " «" (w.draft.name) "» — " (w.unit_name) " · " (money(lang, w.draft.estimated_value)) }
            }
        }
    };
    desk(lang, &me, &csrf, &tr(lang, "web.nav.registrations"), body).into_response()
}

/// A sum of đồng as the chat says it ("250 triệu"); nothing is "0".
fn vnd(lang: Lang, v: i64) -> String {
    match crate::domain::money::Vnd::from_dong(u64::try_from(v).unwrap_or(0)) {
        Ok(v) => money(lang, v),
        Err(_) => "0".to_string(),
    }
}

/// Everything the page shows, in one read; a branch outside the member's scope is
/// ignored (their own scope is shown).
async fn read(web: &Web, staff_unit: i64, at: &At) -> anyhow::Result<Option<Found>> {
    let mut conn = web.db.read().await?;
    let Some(campaign) = campaigns::current(&mut conn).await? else {
        return Ok(None);
    };
    let mine = scope::of_staff(&mut conn, staff_unit).await?;
    let within = match at.district.parse::<i64>() {
        Ok(d) if scope::contains(&mut conn, mine, d).await? => {
            scope::of_staff(&mut conn, d).await?
        }
        _ => mine,
    };
    let filter = at.filter();
    let after = at.after();
    let rows = list::page(
        &mut conn,
        campaign.id,
        within,
        &filter,
        at.sort(),
        after.as_ref(),
        PAGE,
    )
    .await?;
    Ok(Some(Found {
        federations: units::federations(&mut conn, mine).await?,
        count: list::count(&mut conn, campaign.id, within, &filter).await?,
        featured: registrations::featured(&mut conn, campaign.id, mine).await?,
        rows,
        campaign,
    }))
}

fn filters(lang: Lang, at: &At, f: &Found) -> Markup {
    let sorts = [Sort::Date, Sort::Unit, Sort::Name, Sort::Value];
    html! {
        form.filters method="get" action="/web/registrations" {
            label { (tr(lang, "web.filter_work")) input type="search" name="q" value=(at.q); }
            label { (tr(lang, "web.filter_kind"))
                select name="kind" {
                    option value="" { (tr(lang, "web.all")) }
                    @for k in <WorkKind as strum::VariantArray>::VARIANTS {
                        option value=(k.as_str()) selected[at.kind == k.as_str()] { (tr(lang, k.label_key())) }
                    }
                }
            }
            @if !f.federations.is_empty() {
                label { (tr(lang, "web.filter_district"))
                    select name="district" {
                        option value="" { (tr(lang, "web.all")) }
                        @for d in &f.federations {
                            @let id = d.id.to_string();
                            option value=(id) selected[at.district == id] { (d.name) }
                        }
                    }
                }
            }
            label { (tr(lang, "web.sort"))
                select name="sort" {
                    @for s in sorts {
                        @let name: &str = s.into();
                        option value=(name) selected[at.sort() .0 == s] { (tr(lang, &format!("web.sort_by.{name}"))) }
                    }
                }
            }
            label.inline { input type="checkbox" name="desc" value="1" checked[!at.desc.is_empty()]; (tr(lang, "web.descending")) }
            label.inline { input type="checkbox" name="featured" value="1" checked[!at.featured.is_empty()]; (tr(lang, "web.proposed_only")) }
            button type="submit" { (tr(lang, "web.filter")) }
        }
    }
}

fn table(lang: Lang, at: &At, f: &Found, csrf: &str) -> Markup {
    let back = at.href(None);
    html! {
        div.table { table {
            thead { tr {
                th scope="col" { (tr(lang, "export.col.unit")) }
                th scope="col" { (tr(lang, "web.col.work")) }
                th scope="col" { (tr(lang, "web.col.kind")) }
                th scope="col" { (tr(lang, "web.col.value")) }
                th scope="col" { (tr(lang, "web.col.dates")) }
                th scope="col" { (tr(lang, "web.col.registered")) }
                th scope="col" { (tr(lang, "web.col.candidate")) }
                th scope="col" { "⭐" }
            } }
            tbody {
                @for (w, _) in &f.rows {
                    @let criteria = reached(&f.campaign.awards, "estimated_value", w.draft.estimated_value);
                    tr {
                        td { a href={ "/web/unit/" (w.unit_id) } { (w.unit_name) } }
                        td { (w.number) " " (w.draft.name) }
                        td { (tr(lang, w.draft.kind.label_key())) }
                        td.n { (money(lang, w.draft.estimated_value)) }
                        td { (format_dmy(w.draft.start_date)) " – " (format_dmy(w.draft.end_date)) }
                        td { (w.submitted_at.with_timezone(&f.campaign.tz()).format("%d/%m/%Y")) }
                        td { @for c in &criteria { div { (c.award) } } }
                        td { (star(lang, w, !criteria.is_empty(), csrf, &back)) }
                    }
                }
            }
        } }
    }
}

/// The work's ⭐ state and the button that changes it (propose: only a candidate).
fn star(lang: Lang, w: &Registration, candidate: bool, csrf: &str, back: &str) -> Markup {
    let (action, key) = match w.featured {
        true => ("unpropose", "web.unpropose"),
        false => ("propose", "web.propose"),
    };
    html! {
        @if w.featured { span.star title=(tr(lang, "web.proposed")) { "⭐ " } }
        @if w.featured || candidate {
            form.inline method="post" action={ "/web/registration/" (w.id) "/" (action) } {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="back" value=(back);
                button type="submit" aria-label={ (tr(lang, key)) " " (w.number) } { (tr(lang, key)) }
            }
        }
    }
}

#[derive(serde::Deserialize)]
pub struct Proposal {
    /// Missing is refused as a wrong token is (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    back: String,
}

pub async fn propose(
    State(web): Shared,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<Proposal>,
) -> Response {
    set_featured(&web, &headers, id, &form, true).await
}

pub async fn unpropose(
    State(web): Shared,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<Proposal>,
) -> Response {
    set_featured(&web, &headers, id, &form, false).await
}

/// The chat's operation with the activity line in its transaction; back to the table
/// as it was (only a path of the table is followed).
async fn set_featured(
    web: &Web,
    headers: &HeaderMap,
    id: i64,
    form: &Proposal,
    on: bool,
) -> Response {
    let (me, _, lang) = match posted(web, headers, &form.csrf).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let done = async {
        let mut tx = web.db.write().await?;
        let actor = Actor::Staff(me.clone());
        let before = crate::ops::featured::set(&mut tx, &actor, id, Some(on)).await?;
        if let Some(w) = before.as_ref().filter(|w| w.featured != on) {
            let action = if on {
                Action::Proposed
            } else {
                Action::Unproposed
            };
            let detail = format!("{} «{}»", w.number, w.draft.name);
            let now = web.clock.now();
            web_activity::add(&mut tx, now, me.id, Some(w.unit_id), action, &detail).await?;
        }
        tx.commit().await?;
        anyhow::Ok(before)
    };
    match done.await {
        Ok(Some(_)) => {
            let back = match form.back.starts_with("/web/registrations?") {
                true => form.back.as_str(),
                false => "/web/registrations",
            };
            Redirect::to(back).into_response()
        }
        Ok(None) => notice(lang, StatusCode::NOT_FOUND, "web.gone"),
        Err(e) => refused_or_failed(lang, e),
    }
}
