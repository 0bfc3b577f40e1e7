use anyhow::{Context, Result};
use chrono::Utc;
use sqlx::AnyConnection;

use super::{get, ts};
use crate::conversation::{Action, Dialogue};
use crate::domain::member::Address;
use crate::i18n::Lang;

/// How many message ids a chat remembers for spotting a repeat.
pub const RECENT_IDS: usize = 50;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chat {
    /// The language chosen with /lang.
    pub locale: Option<Lang>,
    /// The language the person's app reports, when it reports one.
    pub client_locale: Option<Lang>,
    pub dialogue: Dialogue,
    /// The numbered choices last shown on a text-only channel.
    pub menu: Vec<(u32, Action)>,
    pub last_update_id: Option<i64>,
    /// The latest message ids seen (Zalo's are not ordered): a repeat among them,
    /// however late, is ignored. Newest last.
    pub recent_message_ids: Vec<String>,
    /// The last update served and the replies it got (`app::turn` says them again
    /// when that update comes again).
    pub last_turn: Option<LastTurn>,
    /// Wrong invite codes in a row, and until when no code is tried at all.
    pub join_failures: i64,
    pub join_blocked_until: Option<chrono::DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastTurn {
    pub id: String,
    pub replies: Vec<crate::conversation::Reply>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredTurn {
    id: String,
    replies: Vec<String>,
}

fn last_turn_json(t: &LastTurn) -> Result<String> {
    let replies = t
        .replies
        .iter()
        .map(super::outbox::body)
        .collect::<Result<Vec<_>>>()?;
    Ok(serde_json::to_string(&StoredTurn {
        id: t.id.clone(),
        replies,
    })?)
}

fn last_turn_from(json: &str) -> Option<LastTurn> {
    let stored: StoredTurn = serde_json::from_str(json).ok()?;
    let replies = stored
        .replies
        .iter()
        .map(|b| super::outbox::reply_from_body(b))
        .collect::<Result<Vec<_>>>()
        .ok()?;
    Some(LastTurn {
        id: stored.id,
        replies,
    })
}

/// The chat's row, locked for the rest of the caller's transaction: a chat's turns
/// run one after another even when two processes receive its updates. A chat seen for
/// the first time gets its row here, so the lock holds for it too.
pub async fn lock(conn: &mut AnyConnection, at: &Address) -> Result<Chat> {
    let r = sqlx::query(
        "INSERT INTO chats (channel, chat_id, state, menu, updated_at) VALUES ($1, $2, $3, '[]', $4) \
         ON CONFLICT (channel, chat_id) DO UPDATE SET updated_at = chats.updated_at \
         RETURNING locale, client_locale, state, menu, last_update_id, last_message_id, join_failures, \
         join_blocked_until, last_turn",
    )
    .bind(at.channel.as_str())
    .bind(&at.chat_id)
    .bind(serde_json::to_string(&Dialogue::Idle)?)
    .bind(ts(Utc::now()))
    .fetch_one(&mut *conn)
    .await?;
    from_row(&r)
}

/// The chat's state without locking it (a look before a turn, e.g. whether a file is
/// wanted at all before downloading it).
pub async fn peek(conn: &mut AnyConnection, at: &Address) -> Result<Chat> {
    let row = sqlx::query(
        "SELECT locale, client_locale, state, menu, last_update_id, last_message_id, join_failures, \
         join_blocked_until, last_turn FROM chats \
         WHERE channel = $1 AND chat_id = $2",
    )
    .bind(at.channel.as_str())
    .bind(&at.chat_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref()
        .map(from_row)
        .transpose()
        .map(Option::unwrap_or_default)
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Chat> {
    let state: String = get(r, "state")?;
    let menu: String = get(r, "menu")?;
    let menu: Vec<(u32, String)> = serde_json::from_str(&menu).context("stored menu")?;
    Ok(Chat {
        locale: get::<Option<String>>(r, "locale")?
            .as_deref()
            .and_then(Lang::from_code),
        client_locale: get::<Option<String>>(r, "client_locale")?
            .as_deref()
            .and_then(Lang::from_code),
        // A state written by an older version that no longer parses must not lock
        // the chat out: it starts over.
        dialogue: serde_json::from_str(&state).unwrap_or_default(),
        menu: menu
            .into_iter()
            .filter_map(|(n, data)| Action::decode(&data).map(|a| (n, a)))
            .collect(),
        last_update_id: get(r, "last_update_id")?,
        recent_message_ids: get::<Option<String>>(r, "last_message_id")?
            .map(|ids| ids.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default(),
        last_turn: get::<Option<String>>(r, "last_turn")?
            .as_deref()
            .and_then(last_turn_from),
        join_failures: get(r, "join_failures")?,
        join_blocked_until: get::<Option<String>>(r, "join_blocked_until")?
            .as_deref()
            .map(super::parse_ts)
            .transpose()?,
    })
}

/// The language a chat reads its replies in (the one it chose, else its app's, else
/// Vietnamese), without loading its state.
pub async fn lang_of(conn: &mut AnyConnection, at: &Address) -> Result<Lang> {
    let row = sqlx::query(
        "SELECT COALESCE(locale, client_locale) AS locale FROM chats \
         WHERE channel = $1 AND chat_id = $2",
    )
    .bind(at.channel.as_str())
    .bind(&at.chat_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some(r) => get::<Option<String>>(&r, "locale")?
            .as_deref()
            .and_then(Lang::from_code)
            .unwrap_or_default(),
        None => Lang::default(),
    })
}

pub async fn save(conn: &mut AnyConnection, at: &Address, chat: &Chat) -> Result<()> {
    let menu: Vec<(u32, String)> = chat.menu.iter().map(|(n, a)| (*n, a.encode())).collect();
    sqlx::query(
        "INSERT INTO chats (channel, chat_id, locale, state, menu, last_update_id, last_message_id, \
         updated_at, join_failures, join_blocked_until, last_turn, client_locale) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (channel, chat_id) DO UPDATE \
         SET locale = excluded.locale, client_locale = excluded.client_locale, state = excluded.state, menu = excluded.menu, \
         last_update_id = excluded.last_update_id, last_message_id = excluded.last_message_id, \
         updated_at = excluded.updated_at, join_failures = excluded.join_failures, \
         join_blocked_until = excluded.join_blocked_until, last_turn = excluded.last_turn",
    )
    .bind(at.channel.as_str())
    .bind(&at.chat_id)
    .bind(chat.locale.map(Lang::code))
    .bind(serde_json::to_string(&chat.dialogue)?)
    .bind(serde_json::to_string(&menu)?)
    .bind(chat.last_update_id)
    .bind(Some(chat.recent_message_ids.join(" ")).filter(|ids| !ids.is_empty()))
    .bind(ts(Utc::now()))
    .bind(chat.join_failures)
    .bind(chat.join_blocked_until.map(ts))
    .bind(chat.last_turn.as_ref().map(last_turn_json).transpose()?)
    .bind(chat.client_locale.map(Lang::code))
    .execute(conn)
    .await?;
    Ok(())
}
