//! The frame of every page: the head, the built-in stylesheet, the top bar with the
//! member's name and "Đăng xuất", and the small pages that only say something.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use crate::domain::member::Member;
use crate::i18n::{tr, Lang};

/// The stylesheet, in the binary: readable on a phone (Zalo's in-app browser too), no
/// web fonts, nothing fetched.
const CSS: &str = include_str!("style.css");

pub async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

/// The desk's pages, in the top bar of each.
const NAV: [(&str, &str); 5] = [
    ("/web/overview", "web.nav.overview"),
    ("/web", "web.nav.grid"),
    ("/web/registrations", "web.nav.registrations"),
    ("/web/announcements", "web.nav.announcements"),
    ("/web/activity", "web.nav.activity"),
];

/// A page of the desk for `me`, with the sign-out form (its CSRF token).
pub fn desk(lang: Lang, me: &Member, csrf: &str, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — thidua" }
                link rel="stylesheet" href="/web/style.css";
            }
            body {
                header {
                    strong { "thidua" }
                    span.who { (me.display_name) " · " (me.unit_name) }
                    form method="post" action="/web/out" {
                        input type="hidden" name="csrf" value=(csrf);
                        button type="submit" { (tr(lang, "web.sign_out")) }
                    }
                }
                nav.desk {
                    @for (href, key) in NAV {
                        a href=(href) { (tr(lang, key)) }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// A page outside the desk (a link's button, a chair's upload page, a notice).
pub fn bare(lang: Lang, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — thidua" }
                link rel="stylesheet" href="/web/style.css";
            }
            body { main.notice { (body) } }
        }
    }
}

/// A page that only says why (a used link, no session): with its status.
pub fn notice(lang: Lang, status: StatusCode, key: &str) -> Response {
    said(lang, status, &tr(lang, key))
}

/// A page that only says `text` (an operation's refusal, in the member's language).
pub fn said(lang: Lang, status: StatusCode, text: &str) -> Response {
    let page = bare(lang, "thidua", html! { p { (text) } });
    (status, page).into_response()
}
