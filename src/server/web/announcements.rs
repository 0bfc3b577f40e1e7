//! `/web/announcements`: the announcements written within the staff member's
//! federation (newest first, with how each went), and a new one — the text, the
//! audience with how many people each reaches now, **Xem trước** (the message exactly
//! as chairs get it), then **Gửi**: the chat's operation (`ops::announcements::queue`),
//! once however often the button is pressed. `/web/announcement/{id}`: its delivery
//! report, with its recipients a page at a time; another federation's is 403.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono_tz::Tz;
use maud::{html, Markup};

use super::page::{desk, notice, said};
use super::sign_in::failed;
use super::{member, posted, Shared, Signed, Web};
use crate::broadcast::{Figures, MAX_TEXT};
use crate::domain::audience::Audience;
use crate::i18n::{tr, trf, Lang};
use crate::ops::announcements as ops;
use crate::ops::{refusal, Actor};
use crate::store::broadcasts::{self, Listed, Recipient};
use crate::store::campaigns;
use crate::store::web_activity::{self, Action};

/// Announcements, or recipients, on a page.
const PAGE: i64 = 50;

#[derive(serde::Deserialize, Default)]
pub struct At {
    #[serde(default)]
    before: Option<i64>,
    #[serde(default)]
    after: Option<i64>,
}

/// The compose form, as posted by "Xem trước", "Sửa" and "Gửi".
#[derive(serde::Deserialize, Default)]
pub struct Composed {
    /// Missing is refused as a wrong one is (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    audience: String,
    /// "Sửa" on the preview: back to the form with the text kept.
    #[serde(default)]
    edit: String,
}

/// The page: a new announcement's form (with `draft` kept and why it was refused,
/// if it was), then those sent.
pub async fn page(State(web): Shared, headers: HeaderMap, Query(at): Query<At>) -> Response {
    let who = match member(&web, &headers).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    listing(&web, &who, at.before, &Composed::default(), None).await
}

async fn listing(
    web: &Web,
    (me, csrf, lang): &Signed,
    before: Option<i64>,
    draft: &Composed,
    refused: Option<String>,
) -> Response {
    let read = async {
        let mut conn = web.db.read().await?;
        let actor = Actor::Staff(me.clone());
        let counted = ops::audiences(&mut conn, &actor).await?;
        let sent = ops::sent(&mut conn, &actor, before, PAGE).await?;
        anyhow::Ok((counted, sent, tz(&mut conn).await?))
    };
    let (counted, sent, tz) = match read.await {
        Ok(found) => found,
        Err(e) => return failed(e),
    };
    let lang = *lang;
    let body = html! {
        (compose(lang, csrf, &counted, draft, refused.as_deref()))
        h2 { (tr(lang, "web.announce.sent")) }
        @if sent.is_empty() { p { (tr(lang, "web.announce.none")) } }
        @else { (sent_table(lang, &sent, tz)) }
        nav.pages {
            @if before.is_some() { a.button href="/web/announcements" { (tr(lang, "web.first_page")) } }
            @if sent.len() as i64 == PAGE {
                @if let Some((last, _)) = sent.last() {
                    a.button href={ "/web/announcements?before=" (last.id) } { (tr(lang, "web.next_page")) }
                }
            }
        }
    };
    let status = match refused {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let title = tr(lang, "web.nav.announcements");
    (status, desk(lang, me, csrf, &title, body)).into_response()
}

/// The campaign's time zone; Vietnam's without a campaign.
async fn tz(conn: &mut sqlx::AnyConnection) -> anyhow::Result<Tz> {
    Ok(match campaigns::current(conn).await? {
        Some(c) => c.tz(),
        None => chrono_tz::Asia::Ho_Chi_Minh,
    })
}

fn compose(
    lang: Lang,
    csrf: &str,
    counted: &[(Audience, i64)],
    draft: &Composed,
    refused: Option<&str>,
) -> Markup {
    let chosen = draft.audience.parse::<Audience>().ok();
    let max = MAX_TEXT.to_string();
    html! {
        section.compose {
            h2 { (tr(lang, "web.announce.new")) }
            @if let Some(why) = refused { p.refused role="alert" { (why) } }
            form method="post" action="/web/announcements/preview" {
                input type="hidden" name="csrf" value=(csrf);
                label { (trf(lang, "web.announce.text", &[("max", &max)]))
                    textarea name="text" rows="8" maxlength=(max) required { (draft.text) }
                }
                fieldset.audiences {
                    legend { (tr(lang, "broadcast.audience_label")) }
                    @for (i, (a, n)) in counted.iter().enumerate() {
                        @let on = chosen.map_or(i == 0, |c| c == *a);
                        label.inline {
                            input type="radio" name="audience" value=(a.as_str()) checked[on] required;
                            (trf(lang, "broadcast.audience_option", &[("label", &tr(lang, a.label_key())), ("n", &n.to_string())]))
                        }
                    }
                }
                button type="submit" { (tr(lang, "web.announce.preview")) }
            }
        }
    }
}

/// The audience's name as stored, in the reader's language.
fn audience_label(lang: Lang, stored: &str) -> String {
    match stored.parse::<Audience>() {
        Ok(a) => tr(lang, a.label_key()),
        Err(_) => stored.to_string(),
    }
}

/// Who wrote it: the staff member and their federation, or the operator.
fn author(lang: Lang, b: &Listed) -> Markup {
    html! {
        @match (&b.author, &b.author_unit) {
            (Some(name), Some(unit)) => { (name) br; small { (unit) } }
            _ => { (tr(lang, "web.announce.operator")) }
        }
    }
}

/// Who wrote it, on one line: "Name (federation)", or the operator.
fn author_line(lang: Lang, b: &Listed) -> String {
    match (&b.author, &b.author_unit) {
        (Some(name), Some(unit)) => format!("{name} ({unit})"),
        _ => tr(lang, "web.announce.operator"),
    }
}

/// A text's first line, at most 80 characters of it.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

fn sent_table(lang: Lang, sent: &[(Listed, Figures)], tz: Tz) -> Markup {
    html! {
        div.table { table.announcements {
            thead { tr {
                th scope="col" { (tr(lang, "web.activity_when")) }
                th scope="col" { (tr(lang, "web.announce.author")) }
                th scope="col" { (tr(lang, "broadcast.text_label")) }
                th scope="col" { (tr(lang, "broadcast.audience_label")) }
                (figure_heads(lang))
            } }
            tbody {
                @for (b, f) in sent {
                    tr {
                        td { (b.at.with_timezone(&tz).format("%H:%M %d/%m/%Y")) }
                        td { (author(lang, b)) }
                        td { a href={ "/web/announcement/" (b.id) } { "#" (b.id) " " (first_line(&b.text)) } }
                        td { (audience_label(lang, &b.audience)) }
                        (figure_cells(f))
                    }
                }
            }
        } }
    }
}

fn figure_heads(lang: Lang) -> Markup {
    html! {
        @for key in ["queued", "sent", "pending", "blocked", "failed", "acked"] {
            th scope="col" { (tr(lang, &format!("web.announce.figure.{key}"))) }
        }
    }
}

fn figure_cells(f: &Figures) -> Markup {
    html! {
        @for n in [f.queued, f.sent, f.pending, f.blocked, f.failed, f.acked] {
            td.n { (n) }
        }
    }
}

/// "Xem trước" (or "Sửa" on the preview): the message as chairs will get it, the
/// audience and how many it reaches, and "Gửi" carrying the text; or the form again
/// with the text kept and why it cannot go.
pub async fn preview(
    State(web): Shared,
    headers: HeaderMap,
    Form(form): Form<Composed>,
) -> Response {
    let who = match posted(&web, &headers, &form.csrf).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let (me, csrf, lang) = &who;
    let Ok(audience) = form.audience.parse::<Audience>() else {
        return notice(*lang, StatusCode::BAD_REQUEST, "web.bad_form");
    };
    if !form.edit.is_empty() {
        return listing(&web, &who, None, &form, None).await;
    }
    let checked = async {
        let mut conn = web.db.read().await?;
        ops::preview(&mut conn, &Actor::Staff(me.clone()), &form.text, audience).await
    };
    let (text, n) = match checked.await {
        Ok(found) => found,
        Err(e) => {
            return match refusal(&e) {
                Some(why) => listing(&web, &who, None, &form, Some(why.text(*lang))).await,
                None => failed(e),
            }
        }
    };
    let message = crate::broadcast::announcement(0, &text, Some(&me.unit_name), *lang);
    let to = [
        ("label", tr(*lang, audience.label_key())),
        ("n", n.to_string()),
    ];
    let to: Vec<(&str, &str)> = to.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let body = html! {
        p.to { (trf(*lang, "web.announce.preview_to", &to)) }
        div.message {
            blockquote { (message.text) }
            @for c in &message.choices { span.chip { (c.label) } }
        }
        p.hint { (tr(*lang, "web.announce.preview_hint")) }
        div.actions {
            form method="post" action="/web/announcements/send" {
                (carried(csrf, &text, audience))
                button.primary type="submit" { (tr(*lang, "web.announce.send")) }
            }
            form method="post" action="/web/announcements/preview" {
                (carried(csrf, &text, audience))
                input type="hidden" name="edit" value="1";
                button type="submit" { (tr(*lang, "web.announce.edit")) }
            }
        }
    };
    let title = tr(*lang, "web.announce.preview_title");
    desk(*lang, me, csrf, &title, body).into_response()
}

/// The announcement in hidden fields, with the form's token.
fn carried(csrf: &str, text: &str, audience: Audience) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(csrf);
        input type="hidden" name="text" value=(text);
        input type="hidden" name="audience" value=(audience.as_str());
    }
}

/// "Gửi": queued once (the draft key is the session's, the text's and the audience's),
/// written to the activity log in the same transaction, then its report.
pub async fn send(State(web): Shared, headers: HeaderMap, Form(form): Form<Composed>) -> Response {
    let who = match posted(&web, &headers, &form.csrf).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let (me, csrf, lang) = &who;
    let Ok(audience) = form.audience.parse::<Audience>() else {
        return notice(*lang, StatusCode::BAD_REQUEST, "web.bad_form");
    };
    let key = match ops::checked_text(&form.text) {
        Ok(text) => ops::page_draft_key(csrf, &text, audience),
        Err(e) => return refused_or_failed(&web, &who, &form, e).await,
    };
    let done = async {
        let mut tx = web.db.write().await?;
        if let Some(id) = broadcasts::by_draft_key(&mut tx, &key).await? {
            return anyhow::Ok((id, false));
        }
        let actor = Actor::Staff(me.clone());
        let now = web.clock.now();
        let to = (audience, web.telegram_first);
        let created = ops::queue(&mut tx, &actor, &form.text, to, Some(&key), now).await?;
        let detail = format!(
            "#{} · {} ({}) · {}",
            created.id,
            tr(*lang, audience.label_key()),
            created.recipients,
            first_line(form.text.trim())
        );
        web_activity::add(&mut tx, now, me.id, None, Action::Announced, &detail).await?;
        tx.commit().await?;
        anyhow::Ok((created.id, true))
    };
    match done.await {
        Ok((id, queued)) => {
            if queued {
                web.queued();
            }
            Redirect::to(&format!("/web/announcement/{id}")).into_response()
        }
        Err(e) => match already_queued(&web, &key).await {
            // Two presses at once on PostgreSQL: the other one queued it.
            Some(id) => Redirect::to(&format!("/web/announcement/{id}")).into_response(),
            None => refused_or_failed(&web, &who, &form, e).await,
        },
    }
}

async fn already_queued(web: &Web, key: &str) -> Option<i64> {
    let mut conn = web.db.read().await.ok()?;
    broadcasts::by_draft_key(&mut conn, key).await.ok()?
}

/// A refusal is the form again, the text kept, with why; anything else failed.
async fn refused_or_failed(web: &Web, who: &Signed, form: &Composed, e: anyhow::Error) -> Response {
    match refusal(&e) {
        Some(why) => listing(web, who, None, form, Some(why.text(who.2))).await,
        None => failed(e),
    }
}

/// The delivery report: the figures, the text, and the recipients a page at a time.
pub async fn report(
    State(web): Shared,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(at): Query<At>,
) -> Response {
    let (me, csrf, lang) = match member(&web, &headers).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let read = async {
        let mut conn = web.db.read().await?;
        let actor = Actor::Staff(me.clone());
        let found = ops::report(&mut conn, &actor, id, (at.after, PAGE)).await?;
        anyhow::Ok((found, tz(&mut conn).await?))
    };
    let (b, f, recipients, tz) = match read.await {
        Ok((Some((b, f, r)), tz)) => (b, f, r, tz),
        Ok((None, _)) => return notice(lang, StatusCode::NOT_FOUND, "web.gone"),
        Err(e) => {
            return match refusal(&e) {
                Some(why) => said(lang, StatusCode::FORBIDDEN, &why.text(lang)),
                None => failed(e),
            }
        }
    };
    let when = b.at.with_timezone(&tz).format("%H:%M %d/%m/%Y").to_string();
    let body = html! {
        p.meta { (trf(lang, "web.announce.meta", &[("who", &author_line(lang, &b)), ("at", &when), ("audience", &audience_label(lang, &b.audience))])) }
        blockquote { (b.text) }
        ul.figures {
            @for (key, n) in [("queued", f.queued), ("sent", f.sent), ("pending", f.pending), ("blocked", f.blocked), ("failed", f.failed), ("acked", f.acked)] {
                li.{ "figure " (key) } { strong { (n) } " " (tr(lang, &format!("web.announce.figure.{key}"))) }
            }
        }
        h2 { (tr(lang, "web.announce.recipients")) }
        (recipient_table(lang, &recipients))
        nav.pages {
            @if at.after.is_some() { a.button href={ "/web/announcement/" (b.id) } { (tr(lang, "web.first_page")) } }
            @if recipients.len() as i64 == PAGE {
                @if let Some(last) = recipients.last() {
                    a.button href={ "/web/announcement/" (b.id) "?after=" (last.id) } { (tr(lang, "web.next_page")) }
                }
            }
        }
        p { a.button href="/web/announcements" { (tr(lang, "web.announce.back")) } }
    };
    let title = trf(
        lang,
        "web.announce.report_title",
        &[("id", &b.id.to_string())],
    );
    desk(lang, &me, &csrf, &title, body).into_response()
}

fn recipient_table(lang: Lang, recipients: &[Recipient]) -> Markup {
    html! {
        @if recipients.is_empty() { p { (tr(lang, "web.announce.no_recipients")) } }
        @else {
            div.table { table.recipients {
                thead { tr {
                    th scope="col" { (tr(lang, "web.announce.recipient")) }
                    th scope="col" { (tr(lang, "export.col.unit")) }
                    th scope="col" { (tr(lang, "web.announce.state")) }
                    th scope="col" { (tr(lang, "web.announce.figure.acked")) }
                } }
                tbody {
                    @for r in recipients {
                        @let state = match r.status.as_str() {
                            "pending" | "sending" => "pending",
                            s @ ("sent" | "blocked" | "failed") => s,
                            _ => "uncertain",
                        };
                        tr {
                            td { (r.name) }
                            td { (r.unit) }
                            td.{ "state " (state) } { (tr(lang, &format!("web.announce.state.{state}"))) }
                            td { @if r.acked { "✓" } }
                        }
                    }
                }
            } }
        }
    }
}
