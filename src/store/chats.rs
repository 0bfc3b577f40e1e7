use anyhow::{Context, Result};
use chrono::Utc;
use sqlx::AnyConnection;

use super::{get, ts, Db};
use crate::conversation::{Action, Dialogue};
use crate::domain::member::Address;
use crate::i18n::Lang;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chat {
    pub locale: Option<Lang>,
    pub dialogue: Dialogue,
    /// The numbered choices last shown on a text-only channel.
    pub menu: Vec<(u32, Action)>,
    pub last_update_id: Option<i64>,
    pub last_message_id: Option<String>,
}

pub async fn load(db: &Db, at: &Address) -> Result<Chat> {
    let row = sqlx::query(
        "SELECT locale, state, menu, last_update_id, last_message_id FROM chats \
         WHERE channel = $1 AND chat_id = $2",
    )
    .bind(at.channel.as_str())
    .bind(&at.chat_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else {
        return Ok(Chat::default());
    };
    let state: String = get(&r, "state")?;
    let menu: String = get(&r, "menu")?;
    let menu: Vec<(u32, String)> = serde_json::from_str(&menu).context("stored menu")?;
    Ok(Chat {
        locale: get::<Option<String>>(&r, "locale")?
            .as_deref()
            .and_then(Lang::from_code),
        // A state written by an older version that no longer parses must not lock
        // the chat out: it starts over.
        dialogue: serde_json::from_str(&state).unwrap_or_default(),
        menu: menu
            .into_iter()
            .filter_map(|(n, data)| Action::decode(&data).map(|a| (n, a)))
            .collect(),
        last_update_id: get(&r, "last_update_id")?,
        last_message_id: get(&r, "last_message_id")?,
    })
}

/// The language a chat chose (Vietnamese until it chose), without loading its state.
pub async fn lang_of(db: &Db, at: &Address) -> Result<Lang> {
    let row = sqlx::query("SELECT locale FROM chats WHERE channel = $1 AND chat_id = $2")
        .bind(at.channel.as_str())
        .bind(&at.chat_id)
        .fetch_optional(&db.pool)
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
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (channel, chat_id) DO UPDATE \
         SET locale = excluded.locale, state = excluded.state, menu = excluded.menu, \
         last_update_id = excluded.last_update_id, last_message_id = excluded.last_message_id, \
         updated_at = excluded.updated_at",
    )
    .bind(at.channel.as_str())
    .bind(&at.chat_id)
    .bind(chat.locale.map(Lang::code))
    .bind(serde_json::to_string(&chat.dialogue)?)
    .bind(serde_json::to_string(&menu)?)
    .bind(chat.last_update_id)
    .bind(&chat.last_message_id)
    .bind(ts(Utc::now()))
    .execute(conn)
    .await?;
    Ok(())
}
