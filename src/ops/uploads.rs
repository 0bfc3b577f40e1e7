//! One-time links for chairs where a chat cannot carry a file: an upload page bound
//! to one chair, their unit and one deadline (24 hours), and a download link for a
//! file the chat could not send. The page keeps the files chosen so far in its
//! session and hands them in as the chat's checklist does (`hand_in`).

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use chrono::{DateTime, TimeDelta, Utc};
use sqlx::AnyConnection;

use super::hand_in::hand_in;
use super::web::new_link;
use super::Refused;
use crate::conversation::Reply;
use crate::data_dir::DataDir;
use crate::domain::answers::StoredFile;
use crate::domain::member::{Member, Role};
use crate::domain::web_token::{hash, well_formed};
use crate::i18n::trf;
use crate::store::deadlines::{self, Deadline};
use crate::store::outbox::{self, NewItem, Purpose as Sent};
use crate::store::web::{self, Purpose};
use crate::store::web_activity::{self, Action};
use crate::store::{campaigns, chats, members};

/// An upload link, and the page it opens, last this long; so does a download link.
pub const UPLOAD_LIFE: TimeDelta = TimeDelta::hours(24);
pub const DOWNLOAD_LIFE: TimeDelta = TimeDelta::hours(24);

/// A new upload link's token for chair `me` and deadline `deadline_id`.
pub async fn upload_link(
    tx: &mut AnyConnection,
    me: &Member,
    deadline_id: i64,
    now: DateTime<Utc>,
) -> Result<String> {
    if me.role != Role::Chair || !me.active {
        return Err(Refused::new("web.chairs_only").into());
    }
    let expires = now + UPLOAD_LIFE;
    new_link(
        tx,
        (me.id, Purpose::Upload),
        Some(deadline_id),
        None,
        expires,
        now,
    )
    .await
}

/// A download's file is kept as a draft under this slot: `drafts/KEY/file-NAME`.
pub const DOWNLOAD_SLOT: &str = "file";

/// The name a download is saved under, from its kept path.
pub fn download_name(path: &str) -> &str {
    let last = path.rsplit('/').next().unwrap_or(path);
    last.strip_prefix("file-").unwrap_or(last)
}

/// A new download link's token for `me` to fetch `file` (relative to the data folder).
pub async fn download_link(
    tx: &mut AnyConnection,
    me: &Member,
    file: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let expires = now + DOWNLOAD_LIFE;
    new_link(
        tx,
        (me.id, Purpose::Download),
        None,
        Some(file),
        expires,
        now,
    )
    .await
}

/// The files chosen so far on an upload page, by document key, and the note.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    pub files: BTreeMap<String, StoredFile>,
    pub note: Option<String>,
}

/// An upload page's session: whose, for which deadline, its CSRF token, its files.
pub struct Uploading {
    id_hash: String,
    pub member: Member,
    pub deadline: Deadline,
    pub csrf: String,
    pub draft: Draft,
    pub ends_at: DateTime<Utc>,
}

impl Uploading {
    /// Where its draft files are kept in the data folder.
    pub fn draft_key(&self) -> String {
        format!("web-{}", &self.id_hash[..16])
    }

    /// The documents the deadline asks for that have no file yet.
    pub fn missing(&self) -> Vec<&str> {
        let docs = &self.deadline.spec.documents;
        docs.iter()
            .filter(|d| !self.draft.files.contains_key(&d.key))
            .map(|d| d.title.as_str())
            .collect()
    }
}

/// The upload page a cookie opens: `None` once it ended (24 hours, handed in) or its
/// chair left.
pub async fn uploading(
    conn: &mut AnyConnection,
    cookie: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uploading>> {
    if !well_formed(cookie) {
        return Ok(None);
    }
    let id_hash = hash(cookie);
    let Some(s) = web::session(&mut *conn, &id_hash).await? else {
        return Ok(None);
    };
    let (Some(deadline_id), Some(ends_at)) = (s.deadline_id, s.ends_at) else {
        return Ok(None);
    };
    let member = members::by_id(&mut *conn, s.member_id).await?;
    let Some(member) = member.filter(|m| m.active && m.role == Role::Chair) else {
        return Ok(None);
    };
    let Some(deadline) = deadlines::get_one(&mut *conn, deadline_id).await? else {
        return Ok(None);
    };
    if now >= ends_at {
        return Ok(None);
    }
    let draft = match &s.draft {
        Some(json) => serde_json::from_str(json).context("an upload page's draft")?,
        None => Draft::default(),
    };
    Ok(Some(Uploading {
        id_hash,
        member,
        deadline,
        csrf: s.csrf,
        draft,
        ends_at,
    }))
}

/// Keeps the page's files and note.
pub async fn keep(tx: &mut AnyConnection, up: &Uploading) -> Result<()> {
    web::set_draft(tx, &up.id_hash, &serde_json::to_string(&up.draft)?).await
}

/// What "Nộp" did.
pub enum Submitted {
    Done {
        late: bool,
        files: usize,
    },
    /// These documents have no file yet.
    Missing(Vec<String>),
    /// A draft file is gone from the data folder: choose it again.
    Gone(String),
    /// The page was handed in (another tab was first) or has ended.
    Ended,
}

/// Hands in the page's files as the unit's submission (the chair's chat and the staff
/// are told, by the outbox); the page then ends.
pub async fn submit(
    tx: &mut AnyConnection,
    data: &DataDir,
    up: &mut Uploading,
    now: DateTime<Utc>,
) -> Result<Submitted> {
    // Claimed in this transaction: two tabs pressing Nộp hand in once (the second
    // waits for the first, then finds the page ended).
    if !web::claim(&mut *tx, &up.id_hash).await? {
        return Ok(Submitted::Ended);
    }
    let missing = up.missing();
    if !missing.is_empty() {
        return Ok(Submitted::Missing(
            missing.into_iter().map(String::from).collect(),
        ));
    }
    let d = &up.deadline;
    let mut accepted = Vec::with_capacity(d.spec.documents.len());
    for doc in &d.spec.documents {
        let mut f = up.draft.files[&doc.key].clone();
        match data.accept(&f.path, d.id, up.member.unit_id, &f.sha256, &f.name)? {
            Some(path) => f.path = path,
            None => {
                up.draft.files.remove(&doc.key);
                keep(&mut *tx, up).await?;
                return Ok(Submitted::Gone(f.name));
            }
        }
        accepted.push(f);
    }
    let tz = campaigns::current(&mut *tx)
        .await?
        .map_or(chrono_tz::Asia::Ho_Chi_Minh, |c| c.tz());
    let due_at = d.spec.due_at(tz);
    let me = &up.member;
    let files = (accepted.as_slice(), up.draft.note.as_deref());
    let done = hand_in(&mut *tx, d, me, files, due_at, now).await?;
    let lang = chats::lang_of(&mut *tx, &me.address()).await?;
    let key = match done.late {
        true => "submission.done_web_late",
        false => "submission.done_web",
    };
    let n = accepted.len().to_string();
    let text = trf(lang, key, &[("title", &d.spec.title), ("n", &n)]);
    let reply = Reply::text(text);
    outbox::enqueue(
        &mut *tx,
        &NewItem::for_member(me, lang, &reply, Sent::Notice),
        now,
    )
    .await?;
    let unit = Some(me.unit_id);
    web_activity::add(&mut *tx, now, me.id, unit, Action::HandedIn, &d.spec.title).await?;
    web::end(&mut *tx, &up.id_hash).await?;
    data.discard_drafts(&up.draft_key());
    Ok(Submitted::Done {
        late: done.late,
        files: accepted.len(),
    })
}
