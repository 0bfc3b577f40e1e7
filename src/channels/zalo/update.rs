//! Zalo updates as they really arrive. The same event has been seen wrapped in the
//! API envelope (`{ok, result: {event_name, message}}`) and bare (`{event_name,
//! message}`), ids are hex strings, and the sender's name sits in `display_name`,
//! `first_name` or `name`. Anything not understood is skipped, never a crash.

use serde_json::Value;

use crate::conversation::{Incoming, RawInput};
use crate::domain::member::Channel;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZaloUpdate {
    pub message_id: Option<String>,
    pub chat_id: String,
    pub is_private: bool,
    pub user_id: String,
    pub display_name: String,
    pub content: Content,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Text(String),
    /// A picture, given as the URL Zalo serves it from.
    Photo(String),
    /// An image, sticker or anything else that is not text.
    Other,
}

/// Every update a getUpdates answer or a webhook body holds (zero, one or several).
pub fn parse(body: &Value) -> Vec<ZaloUpdate> {
    let inner = match body.get("result") {
        Some(r) if body.get("ok").is_some() => r,
        _ => body,
    };
    match inner {
        Value::Array(items) => items.iter().filter_map(parse_one).collect(),
        other => parse_one(other).into_iter().collect(),
    }
}

fn parse_one(update: &Value) -> Option<ZaloUpdate> {
    let message = update.get("message")?;
    let chat = message.get("chat")?;
    let from = message.get("from").unwrap_or(chat);
    // Another bot's message (Zalo marks them) is never a person's turn.
    if from.get("is_bot").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    let chat_id = id(chat.get("id")?)?;
    let user_id = from
        .get("id")
        .and_then(id)
        .unwrap_or_else(|| chat_id.clone());
    let display_name = ["display_name", "first_name", "name"]
        .iter()
        .find_map(|k| from.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("Zalo")
        .to_string();
    let is_private = chat
        .get("chat_type")
        .and_then(Value::as_str)
        .is_none_or(|t| t.eq_ignore_ascii_case("PRIVATE"));
    let event = update
        .get("event_name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let text = message.get("text").and_then(Value::as_str);
    let photo = ["photo", "photo_url", "url"]
        .iter()
        .find_map(|k| message.get(*k).and_then(Value::as_str))
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let content = match (text, photo) {
        (Some(t), _) if event.is_empty() || event == "message.text.received" => {
            Content::Text(t.to_string())
        }
        (_, Some(url)) if event.is_empty() || event == "message.image.received" => {
            Content::Photo(url.to_string())
        }
        _ => Content::Other,
    };
    Some(ZaloUpdate {
        message_id: message.get("message_id").and_then(id),
        chat_id,
        is_private,
        user_id,
        display_name,
        content,
    })
}

/// Ids are strings on Zalo; accept numbers too rather than drop a message.
fn id(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl ZaloUpdate {
    pub fn into_incoming(self) -> Incoming {
        let photo_name = format!("anh-zalo-{}.jpg", self.message_id.as_deref().unwrap_or("0"));
        Incoming {
            channel: Channel::Zalo,
            user_id: self.user_id,
            chat_id: self.chat_id,
            display_name: self.display_name,
            // Zalo does not say the user's language: Vietnamese until /ngonngu.
            language_code: None,
            update_id: None,
            message_id: self.message_id,
            input: match self.content {
                Content::Text(t) => RawInput::Text(t),
                Content::Photo(url) => RawInput::File(crate::conversation::IncomingFile {
                    file_id: url,
                    name: photo_name,
                    mime: Some("image/jpeg".into()),
                    size: None,
                }),
                Content::Other => RawInput::Unsupported,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text_message() -> Value {
        json!({
            "chat": { "id": "e4ea2cd5189df1c3a88c", "chat_type": "PRIVATE" },
            "text": "Xin chào",
            "message_id": "16f6366b3f02645a3d15",
            "date": 1766619597466_i64,
            "from": { "id": "e4ea2cd5189df1c3a88c", "first_name": "Nguyen Van A" }
        })
    }

    #[test]
    fn wrapped_and_bare_bodies_give_the_same_update() {
        let wrapped = json!({ "ok": true, "result": { "message": text_message() } });
        let bare = json!({ "event_name": "message.text.received", "message": text_message() });
        let a = parse(&wrapped);
        assert_eq!(a.len(), 1);
        assert_eq!(a, parse(&bare));
        let u = &a[0];
        assert_eq!(u.chat_id, "e4ea2cd5189df1c3a88c");
        assert_eq!(u.message_id.as_deref(), Some("16f6366b3f02645a3d15"));
        assert_eq!(u.display_name, "Nguyen Van A");
        assert!(u.is_private);
        assert_eq!(u.content, Content::Text("Xin chào".into()));
    }

    #[test]
    fn display_name_wins_over_first_name() {
        let mut m = text_message();
        m["from"]["display_name"] = json!("Chị Lan");
        assert_eq!(parse(&json!({ "message": m }))[0].display_name, "Chị Lan");
    }

    #[test]
    fn stickers_and_unknown_events_are_not_text() {
        for (event, extra) in [
            ("message.sticker.received", json!({ "sticker": "abc" })),
            ("message.unsupported.received", json!({})),
        ] {
            let mut m = text_message();
            m.as_object_mut().unwrap().remove("text");
            for (k, v) in extra.as_object().unwrap() {
                m[k] = v.clone();
            }
            let u = parse(&json!({ "event_name": event, "message": m }));
            assert_eq!(u[0].content, Content::Other, "{event}");
        }
    }

    #[test]
    fn an_image_is_a_photo_to_download() {
        let mut m = text_message();
        m.as_object_mut().unwrap().remove("text");
        m["photo"] = json!("https://zalo.example/scan.jpg");
        let u = parse(&json!({ "event_name": "message.image.received", "message": m }));
        assert_eq!(
            u[0].content,
            Content::Photo("https://zalo.example/scan.jpg".into())
        );
        m["photo"] = json!("not a url");
        let u = parse(&json!({ "event_name": "message.image.received", "message": m }));
        assert_eq!(u[0].content, Content::Other);
    }

    #[test]
    fn groups_are_marked_and_garbage_is_skipped() {
        let mut m = text_message();
        m["chat"]["chat_type"] = json!("GROUP");
        assert!(!parse(&json!({ "message": m }))[0].is_private);
        for junk in [
            json!(null),
            json!({}),
            json!({ "ok": true, "result": {} }),
            json!({ "ok": false, "error_code": 408, "description": "timeout" }),
            json!({ "message": { "text": "no chat" } }),
            json!({ "ok": true, "result": [1, "x", { "message": { "chat": { "id": "" } } }] }),
        ] {
            assert!(parse(&junk).is_empty(), "{junk}");
        }
    }

    #[test]
    fn several_updates_in_an_array_are_all_kept() {
        let body = json!({ "ok": true, "result": [ { "message": text_message() }, { "message": text_message() } ] });
        assert_eq!(parse(&body).len(), 2);
    }

    #[test]
    fn a_bots_message_is_not_a_turn() {
        let mut message = text_message();
        message["from"]["is_bot"] = json!(true);
        let body = json!({ "event_name": "message.text.received", "message": message });
        assert!(parse(&body).is_empty());
        message["from"]["is_bot"] = json!(false);
        let body = json!({ "event_name": "message.text.received", "message": message });
        assert_eq!(parse(&body).len(), 1);
    }
}
