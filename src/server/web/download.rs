//! Files from the desk: the grid as a spreadsheet (the same operation as `/tinhtrang`'s
//! and `thidua export status`), as an attachment.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};

use super::sign_in::{failed, refused_or_failed};
use super::{member, Shared};
use crate::ops::{self, Actor};

pub async fn grid_xlsx(State(web): Shared, headers: HeaderMap) -> Response {
    let (me, _, lang) = match member(&web, &headers).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let made = async {
        let mut conn = web.db.read().await?;
        let Some(campaign) = crate::store::campaigns::current(&mut conn).await? else {
            anyhow::bail!("no campaign yet");
        };
        let actor = Actor::Staff(me);
        let (sheet, _) = ops::exports::status(&mut conn, &actor, &campaign, None, lang).await?;
        let name = format!("tinh-trang-{}.xlsx", crate::export::slug(&campaign.code));
        anyhow::Ok((name, sheet.into_bytes()?))
    };
    match made.await {
        Ok((name, bytes)) => attachment(&name, XLSX, bytes),
        Err(e) => failed(e),
    }
}

/// The registrations of the member's units: the CLI's CSV, the chat's spreadsheet
/// (`/xuat`), or the chat's zip of official forms (Word), through `ops::exports`.
#[derive(Clone, Copy)]
enum Works {
    Csv,
    Xlsx,
    Forms,
}

pub async fn registrations_csv(State(web): Shared, headers: HeaderMap) -> Response {
    works(&web, &headers, Works::Csv).await
}

pub async fn registrations_xlsx(State(web): Shared, headers: HeaderMap) -> Response {
    works(&web, &headers, Works::Xlsx).await
}

pub async fn registration_forms(State(web): Shared, headers: HeaderMap) -> Response {
    works(&web, &headers, Works::Forms).await
}

/// Forms in one zip from the desk, at most (a province's thousands are the command
/// line's job, as in the chat).
const MAX_FORMS: i64 = 500;

async fn works(web: &super::Web, headers: &HeaderMap, what: Works) -> Response {
    use crate::conversation::registration_form;
    let (me, _, lang) = match member(web, headers).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let made = async {
        let mut conn = web.db.read().await?;
        let Some(campaign) = crate::store::campaigns::current(&mut conn).await? else {
            anyhow::bail!("no campaign yet");
        };
        let day = crate::domain::dates::file_day(web.clock.now());
        let actor = Actor::Staff(me);
        let form = registration_form::for_campaign(&campaign.questions);
        Ok(match what {
            Works::Csv => {
                let mut csv = crate::export::CsvOut::new(Vec::new(), &form);
                ops::exports::registrations(&mut conn, &actor, |r| csv.push(&r)).await?;
                Some((format!("dang-ky-thi-dua-{day}.csv"), CSV, csv.finish()?))
            }
            Works::Xlsx => {
                let mut sheet = crate::export::Sheet::new(lang, true, &form)?;
                ops::exports::registrations(&mut conn, &actor, |r| sheet.push(&r)).await?;
                Some((
                    format!("dang-ky-thi-dua-{day}.xlsx"),
                    XLSX,
                    sheet.into_bytes()?,
                ))
            }
            Works::Forms => {
                let within = actor.scope(&mut conn).await?;
                let count =
                    crate::store::registrations::count_registered(&mut conn, campaign.id, within)
                        .await?;
                if count > MAX_FORMS {
                    return Ok(None);
                }
                let (_, bytes) = ops::exports::forms_zip(&mut conn, &actor, &campaign).await?;
                Some((format!("mau-dang-ky-{day}.zip"), ZIP, bytes))
            }
        })
    };
    match made.await {
        Ok(Some((name, mime, bytes))) => attachment(&name, mime, bytes),
        Ok(None) => super::page::notice(
            lang,
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "web.forms_too_many",
        ),
        Err(e) => failed(e),
    }
}

const CSV: &str = "text/csv; charset=utf-8";
const ZIP: &str = "application/zip";
/// A work's official registration form, as the chat's "📄 Bản Word" gives it.
pub async fn work_form(State(web): Shared, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    let (me, _, lang) = match member(&web, &headers).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let made = async {
        let mut conn = web.db.read().await?;
        let Some(campaign) = crate::store::campaigns::current(&mut conn).await? else {
            anyhow::bail!("no campaign yet");
        };
        ops::exports::word_form(&mut conn, &me, &campaign, id).await
    };
    match made.await {
        Ok(form) => attachment(&form.file_name, DOCX, form.bytes),
        Err(e) => refused_or_failed(lang, e),
    }
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file the browser saves rather than shows (and never sniffs for another type),
/// under its own name (RFC 6266: a plain-letters fallback, then the name in UTF-8).
pub fn attachment(name: &str, mime: &'static str, bytes: Vec<u8>) -> Response {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let plain = match ext.chars().all(|c| c.is_ascii_alphanumeric()) && !ext.is_empty() {
        true => format!("{}.{ext}", crate::export::slug(stem)),
        false => crate::export::slug(name),
    };
    let encoded = super::encode(name);
    let disposition = format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}");
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}
