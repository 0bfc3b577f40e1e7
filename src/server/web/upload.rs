//! `/web/up`: a chair's upload page, opened from a one-time link where the chat
//! cannot take documents (Zalo). It shows what the deadline asks for, takes the files
//! (the chat's size and type-by-content checks), shows the checklist and hands it in
//! with **Nộp**, through the same operation as the chat's checklist.

use axum::extract::{Multipart, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};

use super::page::{bare, notice};
use super::sign_in::{failed, same};
use super::{cookie_named, Shared, Web, UPLOAD_COOKIE};
use crate::domain::dates::format_dmy;
use crate::domain::document_file::MAX_BYTES;
use crate::i18n::{tr, trf, Lang};
use crate::ops::hand_in::{keep_draft, Arrived};
use crate::ops::uploads::{self, Submitted, Uploading};
use crate::store::chats;

/// The most one upload may carry: every document at its largest, and the form.
pub const MOST_BYTES: usize = 6 * MAX_BYTES as usize + 64 * 1024;

/// The page's session and the chair's language, or the notice to give instead.
async fn opened(web: &Web, headers: &HeaderMap) -> Result<(Uploading, Lang), Response> {
    let found = async {
        let Some(secret) = cookie_named(headers, UPLOAD_COOKIE) else {
            return anyhow::Ok(None);
        };
        let mut conn = web.db.read().await?;
        let Some(up) = uploads::uploading(&mut conn, &secret, web.clock.now()).await? else {
            return Ok(None);
        };
        let lang = chats::lang_of(&mut conn, &up.member.address()).await?;
        Ok(Some((up, lang)))
    };
    match found.await {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(notice(Lang::Vi, StatusCode::FORBIDDEN, "upload.ended")),
        Err(e) => Err(failed(e)),
    }
}

pub async fn page(State(web): Shared, headers: HeaderMap) -> Response {
    match opened(&web, &headers).await {
        Ok((up, lang)) => render(&up, lang, &[]).into_response(),
        Err(answer) => answer,
    }
}

/// The page: the deadline, each document with its file so far and a file input, the
/// note, and **Nộp** once every document has a file. `said`: what the last upload
/// refused, or a line to show on top.
fn render(up: &Uploading, lang: Lang, said: &[String]) -> Markup {
    let d = &up.deadline;
    let due = format_dmy(d.spec.due_on);
    let ends = (up.ends_at.with_timezone(&chrono_tz::Asia::Ho_Chi_Minh))
        .format("%H:%M %d/%m/%Y")
        .to_string();
    let missing = up.missing();
    let body = html! {
        p { (trf(lang, "upload.for", &[("unit", &up.member.unit_name), ("due", &due)])) }
        @for line in said { p.warn role="alert" { (line) } }
        // Ready: "Nộp" first, where the eye lands; otherwise what is still missing.
        @if missing.is_empty() {
            form.ready method="post" action="/web/up/submit" {
                input type="hidden" name="csrf" value=(up.csrf);
                p { (tr(lang, "upload.ready")) }
                button.primary type="submit" { (tr(lang, "upload.submit")) }
            }
        } @else {
            p.missing { (trf(lang, "upload.missing", &[("list", &missing.join(", "))])) }
        }
        form method="post" action="/web/up/files" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(up.csrf);
            @for (i, doc) in d.spec.documents.iter().enumerate() {
                fieldset {
                    legend { (doc.title) }
                    @match up.draft.files.get(&doc.key) {
                        Some(f) => p.ok { "✓ " (f.name) " (" (f.size.div_ceil(1024)) " KB)" },
                        None => p.missing { (tr(lang, "upload.none")) },
                    }
                    label for={ "doc-" (i) } { (tr(lang, "upload.choose")) }
                    input type="file" id={ "doc-" (i) } name={ "doc-" (i) }
                        accept=".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png";
                }
            }
            label for="note" { (tr(lang, "upload.note")) }
            textarea id="note" name="note" rows="2" maxlength="1000" {
                (up.draft.note.as_deref().unwrap_or_default())
            }
            button type="submit" { (tr(lang, "upload.send_files")) }
        }
        p.small { (trf(lang, "upload.ends", &[("at", &ends)])) }
    };
    let title = trf(lang, "upload.title", &[("title", &d.spec.title)]);
    bare(lang, &title, html! { h1 { (title) } (body) })
}

/// A file field of the upload form, read up to the size limit.
struct Chosen {
    index: usize,
    name: String,
    mime: Option<String>,
    bytes: Vec<u8>,
    /// Larger than a submission's file may be: not read to the end.
    too_large: bool,
}

/// The form's fields: its CSRF token, the note, the files chosen.
async fn read_form(mut form: Multipart) -> anyhow::Result<(String, Option<String>, Vec<Chosen>)> {
    let (mut csrf, mut note, mut chosen) = (String::new(), None, Vec::new());
    while let Some(mut field) = form.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "csrf" => csrf = field.text().await?,
            "note" => note = Some(field.text().await?),
            _ => {
                let Some(index) = name.strip_prefix("doc-").and_then(|i| i.parse().ok()) else {
                    continue;
                };
                let file_name = field.file_name().unwrap_or_default().to_string();
                let mime = field.content_type().map(String::from);
                let (mut bytes, mut too_large) = (Vec::new(), false);
                while let Some(chunk) = field.chunk().await? {
                    if bytes.len() + chunk.len() > MAX_BYTES as usize {
                        too_large = true;
                        continue;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                if !file_name.is_empty() {
                    let (name, mime) = (file_name, mime);
                    chosen.push(Chosen {
                        index,
                        name,
                        mime,
                        bytes,
                        too_large,
                    });
                }
            }
        }
    }
    Ok((csrf, note, chosen))
}

pub async fn files(State(web): Shared, headers: HeaderMap, form: Multipart) -> Response {
    let (mut up, lang) = match opened(&web, &headers).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let (csrf, note, chosen) = match read_form(form).await {
        Ok(read) => read,
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "an upload form could not be read");
            return notice(lang, StatusCode::BAD_REQUEST, "web.bad_form");
        }
    };
    if !same(&csrf, &up.csrf) {
        return notice(lang, StatusCode::FORBIDDEN, "web.bad_form");
    }
    let mut said = Vec::new();
    for c in chosen {
        let Some(doc) = up.deadline.spec.documents.get(c.index) else {
            continue;
        };
        let why = |key: &str| format!("{} — {}: {}", doc.title, c.name, tr(lang, key));
        if c.too_large {
            said.push(why("submission.too_large"));
            continue;
        }
        let arrived = Arrived {
            name: &c.name,
            mime: c.mime.as_deref(),
            bytes: &c.bytes,
            channel: "web",
            file_id: "",
        };
        match keep_draft(&web.data, &up.draft_key(), c.index, &arrived, false) {
            Ok(Ok(stored)) => {
                if let Some(old) = up.draft.files.insert(doc.key.clone(), stored) {
                    web.data.discard_draft(&old.path);
                }
            }
            Ok(Err(refused)) => said.push(why(refused.key())),
            Err(e) => return failed(e),
        }
    }
    up.draft.note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let kept = async {
        let mut tx = web.db.write().await?;
        uploads::keep(&mut tx, &up).await?;
        tx.commit().await
    };
    if let Err(e) = kept.await {
        return failed(e);
    }
    if said.is_empty() {
        return Redirect::to("/web/up").into_response();
    }
    (StatusCode::UNPROCESSABLE_ENTITY, render(&up, lang, &said)).into_response()
}

#[derive(serde::Deserialize)]
pub struct Posted {
    /// Missing is refused as a wrong one is (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
}

pub async fn submit(State(web): Shared, headers: HeaderMap, Form(form): Form<Posted>) -> Response {
    let (up, lang) = match opened(&web, &headers).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    if !same(&form.csrf, &up.csrf) {
        return notice(lang, StatusCode::FORBIDDEN, "web.bad_form");
    }
    let mut up = up;
    let done = async {
        let mut tx = web.db.write().await?;
        let done = uploads::submit(&mut tx, &web.data, &mut up, web.clock.now()).await?;
        tx.commit().await?;
        anyhow::Ok(done)
    };
    let said = match done.await {
        Ok(Submitted::Done { late, files }) => {
            web.queued();
            return handed_in(&up, lang, late, files);
        }
        Ok(Submitted::Missing(titles)) => {
            trf(lang, "upload.missing", &[("list", &titles.join(", "))])
        }
        Ok(Submitted::Gone(name)) => trf(lang, "submission.file_gone", &[("name", &name)]),
        Ok(Submitted::Ended) => return notice(lang, StatusCode::FORBIDDEN, "upload.ended"),
        Err(e) => return failed(e),
    };
    (StatusCode::UNPROCESSABLE_ENTITY, render(&up, lang, &[said])).into_response()
}

/// Handed in: the page says so and forgets its cookie.
fn handed_in(up: &Uploading, lang: Lang, late: bool, files: usize) -> Response {
    let key = if late {
        "upload.done_late"
    } else {
        "upload.done"
    };
    let title = &up.deadline.spec.title;
    let text = trf(lang, key, &[("title", title), ("n", &files.to_string())]);
    let page = bare(
        lang,
        title,
        html! { h1 { (title) } p.ok role="status" { (text) } },
    );
    let clear = format!("{UPLOAD_COOKIE}=; Path=/web/up; HttpOnly; SameSite=Lax; Max-Age=0");
    ([(header::SET_COOKIE, clear)], page).into_response()
}
