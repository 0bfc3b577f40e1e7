//! `/web/in/{token}`: a one-time link becomes a session cookie; `/web/out` ends it.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;

use super::page::notice;
use super::{cookie, signed_in, Shared, COOKIE, UPLOAD_COOKIE};
use crate::i18n::tr;
use crate::i18n::Lang;
use crate::ops::web::Opened;

/// Refused links a second, and at once: far more than people mistyping or pressing a
/// used link again, far too few to guess 128 bits (which no rate could allow anyway).
/// Only refusals count: thirty chairs opening good links in the same second on a
/// deadline's evening are not slowed (tests/web_upload.rs).
fn refusals_limit() -> &'static governor::DefaultDirectRateLimiter {
    use std::num::NonZeroU32;
    static LIMIT: std::sync::OnceLock<governor::DefaultDirectRateLimiter> =
        std::sync::OnceLock::new();
    LIMIT.get_or_init(|| {
        let quota = governor::Quota::per_second(NonZeroU32::new(2).expect("2 > 0"))
            .allow_burst(NonZeroU32::new(20).expect("20 > 0"));
        governor::RateLimiter::direct(quota)
    })
}

/// Past the refusals' limit, every link waits a second: whoever is guessing gets 429s.
static SLOWED_UNTIL: std::sync::Mutex<Option<std::time::Instant>> = std::sync::Mutex::new(None);

fn slowed() -> bool {
    let until = SLOWED_UNTIL.lock().unwrap_or_else(|p| p.into_inner());
    until.is_some_and(|t| std::time::Instant::now() < t)
}

/// A link refused: counted, and past the limit the next second's links are slowed.
fn refused() {
    if refusals_limit().check().is_err() {
        tracing::warn!("web one-time links are refused too fast; slowing down");
        let mut until = SLOWED_UNTIL.lock().unwrap_or_else(|p| p.into_inner());
        *until = Some(std::time::Instant::now() + std::time::Duration::from_secs(1));
    }
}

/// A one-time link, as opened: a page with one button, and nothing used yet. Chat
/// apps fetch a link to preview it (Telegram, Zalo); only a person presses the button.
pub async fn ask(Path(token): Path<String>) -> Response {
    let lang = Lang::Vi;
    let body = maud::html! {
        p { (tr(lang, "web.open_hint")) }
        form method="post" action={ "/web/in/" (token) } {
            button type="submit" { (tr(lang, "web.open")) }
        }
    };
    super::page::bare(lang, &tr(lang, "web.open_title"), body).into_response()
}

/// The button pressed: the link is used, and opens the desk, a chair's upload page,
/// or the file it was for.
pub async fn open(State(web): Shared, Path(token): Path<String>) -> Response {
    if slowed() {
        return notice(Lang::Vi, StatusCode::TOO_MANY_REQUESTS, "web.slow_down");
    }
    let opened = async {
        let mut tx = web.db.write().await?;
        let opened = crate::ops::web::open(&mut tx, &token, web.clock.now()).await?;
        tx.commit().await?;
        anyhow::Ok(opened)
    }
    .await;
    let secure = if web.secure { "; Secure" } else { "" };
    match opened {
        Ok(Some(Opened::Desk(secret))) => {
            let max_age = crate::ops::web::LONGEST.num_seconds();
            let set = format!(
                "{COOKIE}={secret}; Path=/web; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
            );
            ([(header::SET_COOKIE, set)], Redirect::to("/web")).into_response()
        }
        Ok(Some(Opened::Upload { cookie, ends_at })) => {
            let max_age = (ends_at - web.clock.now()).num_seconds().max(0);
            let set = format!(
                "{UPLOAD_COOKIE}={cookie}; Path=/web/up; HttpOnly; SameSite=Lax; \
                 Max-Age={max_age}{secure}"
            );
            ([(header::SET_COOKIE, set)], Redirect::to("/web/up")).into_response()
        }
        Ok(Some(Opened::Download(file))) => {
            let name = crate::ops::uploads::download_name(&file).to_string();
            match std::fs::read(web.data.resolve(&file)) {
                Ok(bytes) => super::download::attachment(&name, "application/octet-stream", bytes),
                Err(e) => {
                    tracing::warn!(error = %e, "a download link's file is gone");
                    notice(Lang::Vi, StatusCode::NOT_FOUND, "web.gone")
                }
            }
        }
        Ok(None) => {
            // The token itself is never logged.
            tracing::warn!("a web one-time link was refused (unknown, used or expired)");
            refused();
            notice(Lang::Vi, StatusCode::FORBIDDEN, "web.link_refused")
        }
        Err(e) => failed(e),
    }
}

#[derive(serde::Deserialize)]
pub struct Posted {
    /// Missing is refused as a wrong one is (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
}

pub async fn close(State(web): Shared, headers: HeaderMap, Form(form): Form<Posted>) -> Response {
    let who = match signed_in(&web, &headers).await {
        Ok(who) => who,
        Err(e) => return failed(e),
    };
    let Some((_, csrf, _)) = who else {
        return notice(Lang::Vi, StatusCode::UNAUTHORIZED, "web.sign_in_first");
    };
    if !same(&form.csrf, &csrf) {
        return notice(Lang::Vi, StatusCode::FORBIDDEN, "web.bad_form");
    }
    let ended = async {
        let mut tx = web.db.write().await?;
        crate::ops::web::sign_out(&mut tx, &cookie(&headers).unwrap_or_default()).await?;
        tx.commit().await?;
        anyhow::Ok(())
    }
    .await;
    if let Err(e) = ended {
        return failed(e);
    }
    let clear = format!("{COOKIE}=; Path=/web; HttpOnly; SameSite=Lax; Max-Age=0");
    let mut page = notice(Lang::Vi, StatusCode::OK, "web.signed_out");
    page.headers_mut()
        .insert(header::SET_COOKIE, clear.parse().expect("a valid header"));
    page
}

/// A form's CSRF token against the session's, in constant time.
pub fn same(given: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    given.as_bytes().ct_eq(expected.as_bytes()).into()
}

/// A refusal (a unit, work or file outside the federation) is 403; anything else failed.
pub fn refused_or_failed(lang: Lang, e: anyhow::Error) -> Response {
    match crate::ops::refusal(&e) {
        Some(_) => notice(lang, StatusCode::FORBIDDEN, "web.not_yours"),
        None => failed(e),
    }
}

pub fn failed(e: anyhow::Error) -> Response {
    tracing::error!(error = %format!("{e:#}"), "a web page failed");
    notice(Lang::Vi, StatusCode::INTERNAL_SERVER_ERROR, "web.failed")
}
