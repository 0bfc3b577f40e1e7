//! Files from the desk: the grid as a spreadsheet (the same operation as `/tinhtrang`'s
//! and `thidua export status`), as an attachment.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};

use super::sign_in::failed;
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
