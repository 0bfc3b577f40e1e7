//! A chair hands in a deadline's documents — from the chat's checklist or from the
//! upload page — through these: each file checked and kept as a draft, then the
//! submission stored with its files and the staff above the unit told, in the
//! caller's transaction.

use anyhow::Result;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::conversation::Reply;
use crate::data_dir::DataDir;
use crate::domain::answers::StoredFile;
use crate::domain::document_file::{self, FileRejection};
use crate::domain::member::Member;
use crate::i18n::trf;
use crate::store::deadlines::Deadline;
use crate::store::outbox::{self, NewItem, Purpose};
use crate::store::{members, submissions};

/// A file as it came (from a chat, or a browser), before it is kept.
pub struct Arrived<'a> {
    pub name: &'a str,
    pub mime: Option<&'a str>,
    pub bytes: &'a [u8],
    /// Where it came from ("telegram", "web") and the platform's id for it.
    pub channel: &'a str,
    pub file_id: &'a str,
}

/// Checks a document's size and content and keeps it among draft `key`'s files, as
/// the answer to question `index`; refused with the reason a person is told.
pub fn keep_draft(
    data: &DataDir,
    key: &str,
    index: usize,
    file: &Arrived<'_>,
    photo: bool,
) -> Result<Result<StoredFile, FileRejection>> {
    let size = Some(file.bytes.len() as u64);
    let checked = match photo {
        true => document_file::check_photo(file.name, file.mime, size),
        false => document_file::check(file.name, file.mime, size),
    }
    .and_then(|()| document_file::check_content(file.name, file.mime, file.bytes));
    if let Err(why) = checked {
        return Ok(Err(why));
    }
    let sha256 = format!("{:x}", Sha256::digest(file.bytes));
    let slot = format!("{index}-{}", &sha256[..8]);
    let path = data.save_draft(key, &slot, file.name, file.bytes)?;
    Ok(Ok(StoredFile {
        name: file.name.to_string(),
        size: file.bytes.len() as u64,
        sha256,
        path,
        channel: file.channel.into(),
        file_id: file.file_id.into(),
    }))
}

/// What was stored.
pub struct HandedIn {
    pub submission_id: i64,
    pub late: bool,
}

/// Stores `me`'s unit's submission for `d` with its accepted files and note (a
/// returned or earlier one is replaced), and tells the staff above the unit.
pub async fn hand_in(
    tx: &mut AnyConnection,
    d: &Deadline,
    me: &Member,
    (files, note): (&[StoredFile], Option<&str>),
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<HandedIn> {
    let id = submissions::submit(&mut *tx, d, me.unit_id, Some(me.id), note, due_at, now).await?;
    submissions::replace_files(&mut *tx, id, d, files, now).await?;
    let late = now > due_at;
    let args = [
        ("unit", me.unit_name.as_str()),
        ("title", d.spec.title.as_str()),
        ("member", me.display_name.as_str()),
        ("late", if late { "⚠️" } else { "" }),
    ];
    tell_staff(tx, me, "notify.submitted", &args, now).await?;
    Ok(HandedIn {
        submission_id: id,
        late,
    })
}

/// Tells every staff member above `me`'s unit (not `me`), each in their language, by
/// the outbox; how many were told.
pub async fn tell_staff(
    tx: &mut AnyConnection,
    me: &Member,
    key: &str,
    args: &[(&str, &str)],
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut told = 0;
    for (staff, lang) in members::staff_over(&mut *tx, me.unit_id).await? {
        if staff.id == me.id {
            continue;
        }
        let reply = Reply::text(trf(lang, key, args));
        let item = NewItem::for_member(&staff, lang, &reply, Purpose::Notice);
        outbox::enqueue(&mut *tx, &item, now).await?;
        told += 1;
    }
    Ok(told)
}
