//! `/web/unit/{id}`: one unit of the member's federation — its works and its
//! submissions, each file to open, and **Duyệt** / **Trả lại** (the reason shown once
//! more before it goes). Reviews are the chat's operation (`ops::review`): the chairs
//! are told the same way. A unit, submission or file outside the member's federation
//! is 403.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};

use super::download::attachment;
use super::page::{desk, notice};
use super::sign_in::refused_or_failed;
use super::{member, posted, Shared, Web};
use crate::i18n::{tr, Lang};
use crate::ops::review::{self, Decision, Review, Target};
use crate::ops::{Actor, Refused};
use crate::store::submissions::{self, Status, Submission};
use crate::store::web_activity::{self, Action};
use crate::store::{campaigns, deadlines, registrations, units};

pub async fn page(State(web): Shared, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    let (me, csrf, lang) = match member(&web, &headers).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let read = async {
        let mut conn = web.db.read().await?;
        let actor = Actor::Staff(me.clone());
        actor
            .check_unit(&mut conn, id, || Refused::new("web.not_yours"))
            .await?;
        let unit = units::by_id(&mut conn, id)
            .await?
            .ok_or_else(|| Refused::new("web.not_yours"))?;
        let campaign = campaigns::current(&mut conn)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no campaign"))?;
        let works = registrations::for_unit(&mut conn, campaign.id, id).await?;
        let deadlines = deadlines::reported(&mut conn, campaign.id).await?;
        let ids: Vec<i64> = deadlines.iter().map(|d| d.id).collect();
        let subs = submissions::of_units(&mut conn, &ids, &[id]).await?;
        let mut files = Vec::new();
        for s in &subs {
            files.push((s.id, submissions::files(&mut conn, s.id).await?));
        }
        anyhow::Ok((unit, campaign, works, deadlines, subs, files))
    };
    let (unit, campaign, works, deadlines, subs, files) = match read.await {
        Ok(found) => found,
        Err(e) => return refused_or_failed(lang, e),
    };
    let tz = campaign.tz();
    let body = html! {
        h2 { (tr(lang, "web.works")) }
        @if works.is_empty() { p { (tr(lang, "web.no_works")) } }
        ul {
            @for w in &works {
                li {
                    (w.number) " — " (w.draft.name) " · " (w.draft.estimated_value.grouped('.')) " đồng "
                    a href={ "/web/work/" (w.id) "/form.docx" } { (tr(lang, "web.word_form")) }
                }
            }
        }
        h2 { (tr(lang, "web.submissions")) }
        @for d in &deadlines {
            @let s = subs.iter().find(|s| s.deadline_id == d.id);
            section {
                h3 { (d.spec.title) }
                p { (crate::export::submission_state(lang, s, tz)) }
                @if let Some(s) = s {
                    @let listed = files.iter().find(|(id, _)| *id == s.id).map(|(_, f)| f.as_slice()).unwrap_or_default();
                    ul {
                        @for (i, (_, name, _)) in listed.iter().enumerate() {
                            li { a href={ "/web/submission/" (s.id) "/file/" (i) } { (name) } }
                        }
                    }
                    @if s.status == Status::Submitted { (review_forms(lang, s, &csrf)) }
                }
            }
        }
        p { a.button href="/web" { (tr(lang, "web.back_to_grid")) } }
    };
    desk(lang, &me, &csrf, &unit.name, body).into_response()
}

fn review_forms(lang: Lang, s: &Submission, csrf: &str) -> Markup {
    html! {
        form method="post" action={ "/web/submission/" (s.id) "/approve" } {
            input type="hidden" name="csrf" value=(csrf);
            button type="submit" { (tr(lang, "web.approve")) }
        }
        form method="post" action={ "/web/submission/" (s.id) "/return" } {
            input type="hidden" name="csrf" value=(csrf);
            label { (tr(lang, "web.return_reason"))
                textarea name="reason" required rows="3" maxlength="500" {}
            }
            button type="submit" { (tr(lang, "web.return")) }
        }
    }
}

#[derive(serde::Deserialize)]
pub struct Decided {
    /// Missing is refused as a wrong one is (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    /// Set on the second step of a return: the reason was shown and confirmed.
    #[serde(default)]
    confirmed: bool,
}

pub async fn approve(
    State(web): Shared,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<Decided>,
) -> Response {
    decide(&web, &headers, id, &form, Decision::Approve).await
}

pub async fn give_back(
    State(web): Shared,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<Decided>,
) -> Response {
    if !form.confirmed {
        return confirm_return(&web, &headers, id, &form).await;
    }
    let reason = form.reason.clone();
    decide(
        &web,
        &headers,
        id,
        &form,
        Decision::Return { reason: &reason },
    )
    .await
}

/// The reason shown once more, with the button that sends it.
async fn confirm_return(web: &Web, headers: &HeaderMap, id: i64, form: &Decided) -> Response {
    let (me, csrf, lang) = match posted(web, headers, &form.csrf).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let body = html! {
        p { (tr(lang, "web.return_check")) }
        blockquote { (form.reason) }
        form method="post" action={ "/web/submission/" (id) "/return" } {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="reason" value=(form.reason);
            input type="hidden" name="confirmed" value="true";
            button type="submit" { (tr(lang, "web.return_now")) }
        }
    };
    desk(lang, &me, &csrf, &tr(lang, "web.return"), body).into_response()
}

async fn decide(
    web: &Web,
    headers: &HeaderMap,
    id: i64,
    form: &Decided,
    decision: Decision<'_>,
) -> Response {
    let (me, _, lang) = match posted(web, headers, &form.csrf).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let done = async {
        let mut tx = web.db.write().await?;
        let actor = Actor::Staff(me.clone());
        let (action, detail) = match &decision {
            Decision::Approve => (Action::Approved, String::new()),
            Decision::Return { reason } => (Action::Returned, reason.to_string()),
        };
        let now = web.clock.now();
        let review = review::review(&mut tx, &actor, Target::Id(id), decision, now).await?;
        if let Review::Done(unit, d) = &review {
            let detail = [d.spec.title.as_str(), &detail].join(" — ");
            let detail = detail.trim_end_matches(" — ");
            web_activity::add(&mut tx, now, me.id, Some(unit.id), action, detail).await?;
        }
        tx.commit().await?;
        anyhow::Ok(review)
    };
    let done = done.await;
    if let Ok(Review::Done(..)) = &done {
        web.queued();
    }
    match done {
        Ok(Review::Done(unit, _)) | Ok(Review::Already(_, unit, _)) => {
            Redirect::to(&format!("/web/unit/{}", unit.id)).into_response()
        }
        Ok(Review::NotFound) => notice(lang, StatusCode::NOT_FOUND, "web.gone"),
        Err(e) => refused_or_failed(lang, e),
    }
}

/// A submitted file, to its reviewer only, as an attachment.
pub async fn file(
    State(web): Shared,
    headers: HeaderMap,
    Path((id, n)): Path<(i64, usize)>,
) -> Response {
    let (me, _, lang) = match member(&web, &headers).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let found = async {
        let mut conn = web.db.read().await?;
        let actor = Actor::Staff(me);
        let s = review::find(&mut conn, &actor, Target::Id(id)).await?;
        let files = match s {
            Some(_) => submissions::files(&mut conn, id).await?,
            None => vec![],
        };
        anyhow::Ok(files.into_iter().nth(n))
    };
    match found.await {
        Ok(Some((_, name, path))) => match std::fs::read(web.data.resolve(&path)) {
            Ok(bytes) => attachment(&name, "application/octet-stream", bytes),
            Err(e) => {
                tracing::warn!(error = %e, path, "stored file missing");
                notice(lang, StatusCode::NOT_FOUND, "web.gone")
            }
        },
        Ok(None) => notice(lang, StatusCode::NOT_FOUND, "web.gone"),
        Err(e) => refused_or_failed(lang, e),
    }
}
