//! `/web/overview`: the current campaign over the units below the staff member's
//! federation — per deadline, how many units handed in, were approved, returned,
//! are late or missing (bars and numbers); hand-ins per day against the due day;
//! registrations by kind and their value per branch. Every figure is a grouped
//! query (`store::overview`), never one per unit.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, TimeZone};
use maud::{html, Markup};

use super::charts::{self, STATES};
use super::page::{desk, notice};
use super::sign_in::failed;
use super::{member, Shared};
use crate::domain::campaign::Campaign;
use crate::domain::money::Vnd;
use crate::domain::unit::Unit;
use crate::i18n::{money, tr, trf, Lang};
use crate::store::deadlines::Deadline;
use crate::store::overview::{self, StatusCount};
use crate::store::{campaigns, deadlines, scope, submissions};

/// The longest run of days a hand-in chart shows (the last ones, up to the due day).
const MAX_DAYS: i64 = 62;

/// Branches drawn in the value chart; the table lists them all.
const MAX_BARS: usize = 20;

struct Found {
    campaign: Campaign,
    deadlines: Vec<Deadline>,
    subjects: i64,
    counts: Vec<StatusCount>,
    hours: Vec<(i64, String, i64)>,
    kinds: Vec<(String, i64, i64)>,
    branches: Vec<(Unit, i64, i64)>,
}

pub async fn page(State(web): Shared, headers: HeaderMap) -> Response {
    let (me, csrf, lang) = match member(&web, &headers).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let read = async {
        let mut conn = web.db.read().await?;
        let Some(campaign) = campaigns::current(&mut conn).await? else {
            return anyhow::Ok(None);
        };
        let within = scope::of_staff(&mut conn, me.unit_id).await?;
        let deadlines = deadlines::reported(&mut conn, campaign.id).await?;
        let ids: Vec<i64> = deadlines.iter().map(|d| d.id).collect();
        Ok(Some(Found {
            subjects: submissions::subject_count(&mut conn, within).await?,
            counts: overview::submission_counts(&mut conn, within, &ids).await?,
            hours: overview::hand_ins_by_hour(&mut conn, within, &ids).await?,
            kinds: overview::works_by_kind(&mut conn, campaign.id, within).await?,
            branches: overview::works_by_branch(&mut conn, campaign.id, me.unit_id).await?,
            campaign,
            deadlines,
        }))
    };
    let found = match read.await {
        Ok(Some(found)) => found,
        Ok(None) => return notice(lang, StatusCode::OK, "web.no_campaign"),
        Err(e) => return failed(e),
    };
    let body = html! {
        (deadline_section(lang, &found))
        (days_section(lang, &found))
        (works_section(lang, &found))
    };
    let title = format!(
        "{} — {}",
        tr(lang, "web.nav.overview"),
        found.campaign.title
    );
    desk(lang, &me, &csrf, &title, body).into_response()
}

/// A deadline's units in each state of `STATES`, in its order (they add up to all).
fn states_of(f: &Found, deadline: i64) -> Vec<i64> {
    let n = |status: &str, late: Option<bool>| -> i64 {
        f.counts
            .iter()
            .filter(|c| c.deadline_id == deadline && c.status == status)
            .filter(|c| late.is_none_or(|l| c.late == l))
            .map(|c| c.n)
            .sum()
    };
    let (approved, submitted) = (n("approved", None), n("submitted", Some(false)));
    let (late, returned) = (n("submitted", Some(true)), n("returned", None));
    let missing = (f.subjects - approved - submitted - late - returned).max(0);
    vec![approved, submitted, late, returned, missing]
}

fn deadline_section(lang: Lang, f: &Found) -> Markup {
    let rows: Vec<(String, Vec<i64>)> = f
        .deadlines
        .iter()
        .map(|d| (d.spec.title.clone(), states_of(f, d.id)))
        .collect();
    let colors: Vec<_> = STATES.iter().map(|(_, c)| *c).collect();
    let heading = tr(lang, "web.overview.deadlines");
    html! {
        section.overview {
            h2 { (heading) }
            p { (trf(lang, "web.overview.subjects", &[("n", &f.subjects.to_string())])) }
            @if !rows.is_empty() {
                ul.legend {
                    @for (state, _) in STATES {
                        li { span class={ "swatch " (state) } {} (tr(lang, &format!("web.state.{state}"))) }
                    }
                }
                div.chart { (charts::stacked_bars(&rows, &colors, &heading)) }
            }
            div.table { table.numbers {
                thead { tr {
                    th scope="col" { (tr(lang, "web.overview.deadline")) }
                    th scope="col" { (tr(lang, "web.overview.due")) }
                    @for (state, _) in STATES { th scope="col" { (tr(lang, &format!("web.state.{state}"))) } }
                } }
                tbody {
                    @for (d, (_, counts)) in f.deadlines.iter().zip(&rows) {
                        tr {
                            th scope="row" { (d.spec.title) }
                            td { (crate::domain::dates::format_dmy(d.spec.due_on)) }
                            @for ((state, _), n) in STATES.iter().zip(counts) {
                                td class={ "n " (state) } { (n) }
                            }
                        }
                    }
                }
            } }
        }
    }
}

/// Each deadline's hand-ins per day of the campaign's time zone, from the UTC hours
/// counted in the database: every day from the first hand-in (or the due day) to
/// the last (or the due day), at most `MAX_DAYS`.
fn days_of(f: &Found, d: &Deadline) -> Vec<(NaiveDate, i64)> {
    let tz = f.campaign.tz();
    let mut per_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for (_, hour, n) in f.hours.iter().filter(|(id, _, _)| *id == d.id) {
        let Ok(at) = chrono::NaiveDateTime::parse_from_str(&format!("{hour}:00"), "%Y-%m-%dT%H:%M")
        else {
            continue;
        };
        let day = chrono::Utc
            .from_utc_datetime(&at)
            .with_timezone(&tz)
            .date_naive();
        *per_day.entry(day).or_default() += n;
    }
    let due = d.spec.due_on;
    let first = per_day.keys().next().copied().unwrap_or(due).min(due);
    let last = per_day.keys().last().copied().unwrap_or(due).max(due);
    let first = first.max(last - chrono::Duration::days(MAX_DAYS - 1));
    first
        .iter_days()
        .take_while(|day| *day <= last)
        .map(|day| (day, per_day.get(&day).copied().unwrap_or(0)))
        .collect()
}

fn days_section(lang: Lang, f: &Found) -> Markup {
    html! {
        section.overview {
            h2 { (tr(lang, "web.overview.by_day")) }
            p.hint { (tr(lang, "web.overview.due_mark")) }
            @for d in &f.deadlines {
                @let days = days_of(f, d);
                @let due = crate::domain::dates::format_dmy(d.spec.due_on);
                @let caption = trf(lang, "web.overview.day_chart", &[("title", &d.spec.title), ("due", &due)]);
                figure {
                    figcaption { (caption) }
                    div.chart { (charts::per_day(&days, d.spec.due_on, &caption)) }
                }
            }
        }
    }
}

fn works_section(lang: Lang, f: &Found) -> Markup {
    let vnd = |v: i64| match Vnd::from_dong(u64::try_from(v).unwrap_or(0)) {
        Ok(v) => money(lang, v),
        Err(_) => v.to_string(),
    };
    let kind_name = |k: &str| match k.parse::<crate::domain::registration::WorkKind>() {
        Ok(kind) => tr(lang, kind.label_key()),
        Err(_) => k.to_string(),
    };
    let kinds: Vec<(String, Vec<i64>)> = f
        .kinds
        .iter()
        .map(|(k, n, _)| (kind_name(k), vec![*n]))
        .collect();
    // The value chart in millions, so its numbers stay short.
    let values: Vec<(String, Vec<i64>)> = f
        .branches
        .iter()
        .take(MAX_BARS)
        .map(|(u, _, v)| (u.name.clone(), vec![v / 1_000_000]))
        .collect();
    let blue = [STATES[1].1];
    html! {
        section.overview {
            h2 { (tr(lang, "web.overview.by_kind")) }
            @if kinds.is_empty() { p { (tr(lang, "web.overview.no_works")) } } @else {
                div.chart { (charts::stacked_bars(&kinds, &blue, &tr(lang, "web.overview.by_kind"))) }
                div.table { table.numbers {
                    thead { tr {
                        th scope="col" { (tr(lang, "web.overview.kind")) }
                        th scope="col" { (tr(lang, "web.overview.works")) }
                        th scope="col" { (tr(lang, "web.overview.value")) }
                    } }
                    tbody { @for (k, n, v) in &f.kinds {
                        tr { th scope="row" { (kind_name(k)) } td.n { (n) } td.n { (vnd(*v)) } }
                    } }
                } }
            }
            h2 { (tr(lang, "web.overview.by_branch")) }
            @if values.is_empty() { p { (tr(lang, "web.overview.no_works")) } } @else {
                p.hint { (tr(lang, "web.overview.millions")) }
                div.chart { (charts::stacked_bars(&values, &blue, &tr(lang, "web.overview.by_branch"))) }
                div.table { table.numbers {
                    thead { tr {
                        th scope="col" { (tr(lang, "web.overview.branch")) }
                        th scope="col" { (tr(lang, "web.overview.works")) }
                        th scope="col" { (tr(lang, "web.overview.value")) }
                    } }
                    tbody { @for (u, n, v) in &f.branches {
                        tr { th scope="row" { (u.name) } td.n { (n) } td.n { (vnd(*v)) } }
                    } }
                } }
            }
        }
    }
}
