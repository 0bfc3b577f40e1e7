//! The web pages, on the one HTTP server: staff sign in from a one-time link and work
//! at a desk (the units × deadlines grid first). Every page is rendered on the server
//! (maud, checked at compile time), with its CSS built in and nothing from elsewhere;
//! every answer carries a strict content security policy. The pages call the same
//! operations as the chat and the command line (`ops`).

mod activity;
mod announcements;
mod charts;
mod download;
mod grid;
mod overview;
mod page;
mod registrations;
mod sign_in;
mod unit;
mod upload;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::clock::Clock;
use crate::domain::member::Member;
use crate::store::Db;

/// A text in a URL's query or a header's `filename*`: every byte but letters, digits
/// and `-_.` percent-encoded.
fn encode(text: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const KEPT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');
    utf8_percent_encode(text, KEPT).to_string()
}

/// The session cookie's name; its path is `/web`.
const COOKIE: &str = "thidua_session";
/// A chair's upload page's cookie; its path is `/web/up`.
const UPLOAD_COOKIE: &str = "thidua_upload";

#[derive(Clone)]
pub struct Web {
    pub db: Db,
    pub clock: Clock,
    /// The public URL is https: the cookie is marked `Secure`.
    pub secure: bool,
    /// Where submitted files are kept.
    pub data: crate::data_dir::DataDir,
    /// Wakes the outbox's worker when a page queued a message (a chair told of a review).
    pub wake: Option<Arc<tokio::sync::Notify>>,
    /// A person on both channels gets an announcement on Telegram only.
    pub telegram_first: bool,
}

impl Web {
    /// A page's write queued messages: send them now rather than at the next poll.
    fn queued(&self) {
        if let Some(w) = &self.wake {
            w.notify_one();
        }
    }
}

/// Desk pages served at once; the rest wait their turn. A page over a province reads for a
/// while, and the chat's turns share the database's connections (SQLite's pool has 8):
/// the desk must never take them all (BENCHMARKS.md, "The staff desk's pages").
const AT_ONCE: usize = 2;

pub fn routes(web: Web) -> Router {
    Router::new()
        .route("/web", get(grid::page))
        .route("/web/grid.xlsx", get(download::grid_xlsx))
        .route("/web/overview", get(overview::page))
        .route("/web/registrations", get(registrations::page))
        .route("/web/registrations.csv", get(download::registrations_csv))
        .route("/web/registrations.xlsx", get(download::registrations_xlsx))
        .route(
            "/web/registrations-forms.zip",
            get(download::registration_forms),
        )
        .route(
            "/web/registration/{id}/propose",
            post(registrations::propose),
        )
        .route(
            "/web/registration/{id}/unpropose",
            post(registrations::unpropose),
        )
        .route("/web/activity", get(activity::page))
        .route("/web/announcements", get(announcements::page))
        .route("/web/announcements/preview", post(announcements::preview))
        .route("/web/announcements/send", post(announcements::send))
        .route("/web/announcement/{id}", get(announcements::report))
        .route("/web/unit/{id}", get(unit::page))
        .route("/web/work/{id}/form.docx", get(download::work_form))
        .route("/web/submission/{id}/approve", post(unit::approve))
        .route("/web/submission/{id}/return", post(unit::give_back))
        .route("/web/submission/{id}/file/{n}", get(unit::file))
        // The desk's reads over a federation wait their turn; a chair's upload (a
        // phone sending 20 MB for a minute), a link and the stylesheet do not.
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(AT_ONCE))
        .route("/web/in/{token}", get(sign_in::ask).post(sign_in::open))
        .route("/web/up", get(upload::page))
        .route(
            "/web/up/files",
            post(upload::files).layer(DefaultBodyLimit::max(upload::MOST_BYTES)),
        )
        .route("/web/up/submit", post(upload::submit))
        .route("/web/out", post(sign_in::close))
        .route("/web/style.css", get(page::style))
        .layer(middleware::from_fn(guarded))
        .with_state(Arc::new(web))
}

/// `thidua chat`'s pages: served on this machine only (127.0.0.1, a free port) for
/// as long as the console runs, so `/web` there gives a link that works offline.
/// Their base URL.
pub async fn serve_locally(db: &Db, data: &crate::data_dir::DataDir) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let pages = routes(Web {
        db: db.clone(),
        clock: Clock::system(),
        secure: false,
        data: data.clone(),
        wake: None,
        telegram_first: true,
    });
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, pages).await {
            tracing::warn!(error = %e, "the console's web pages stopped");
        }
    });
    Ok(base)
}

/// What every answer of the pages carries: nothing loads from elsewhere, nothing runs
/// inline, no page is framed, the link's token never leaves in a Referer, nothing is
/// kept by a shared cache.
async fn guarded(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// The session cookie's secret, if the browser sent one.
fn cookie(headers: &HeaderMap) -> Option<String> {
    cookie_named(headers, COOKIE)
}

fn cookie_named(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(&format!("{name}=")).map(String::from))
}

/// Who is signed in: the staff member, the session's CSRF token and the member's
/// language (their chat's), read on the connection that found the session; `None` when
/// the browser is not signed in.
async fn signed_in(web: &Web, headers: &HeaderMap) -> anyhow::Result<Option<Signed>> {
    use crate::store::chats::lang_of;
    let Some(secret) = cookie(headers) else {
        return Ok(None);
    };
    let now = web.clock.now();
    {
        let mut conn = web.db.read().await?;
        if let Some((me, csrf)) =
            crate::ops::web::recently_signed_in(&mut conn, &secret, now).await?
        {
            let lang = lang_of(&mut conn, &me.address()).await?;
            return Ok(Some((me, csrf, lang)));
        }
    }
    let mut tx = web.db.write().await?;
    let who = match crate::ops::web::signed_in(&mut tx, &secret, now).await? {
        Some((me, csrf)) => {
            let lang = lang_of(&mut tx, &me.address()).await?;
            Some((me, csrf, lang))
        }
        None => None,
    };
    tx.commit().await?;
    Ok(who)
}

/// The signed-in member, the session's CSRF token, the member's language.
type Signed = (Member, String, crate::i18n::Lang);

/// The signed-in member, the session's CSRF token and the member's language (their
/// chat's), or the answer to give instead (401 when not signed in, 500 on a failure).
async fn member(web: &Web, headers: &HeaderMap) -> Result<Signed, Response> {
    match signed_in(web, headers).await {
        Ok(Some(who)) => Ok(who),
        Ok(None) => Err(page::notice(
            crate::i18n::Lang::Vi,
            axum::http::StatusCode::UNAUTHORIZED,
            "web.sign_in_first",
        )),
        Err(e) => Err(sign_in::failed(e)),
    }
}

/// The signed-in member of a form posted to the desk, its CSRF token checked (a wrong
/// or missing one is 403), or the answer to give instead.
async fn posted(web: &Web, headers: &HeaderMap, csrf: &str) -> Result<Signed, Response> {
    let who = member(web, headers).await?;
    if !sign_in::same(csrf, &who.1) {
        let status = axum::http::StatusCode::FORBIDDEN;
        return Err(page::notice(who.2, status, "web.bad_form"));
    }
    Ok(who)
}

type Shared = State<Arc<Web>>;
