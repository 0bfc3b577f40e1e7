//! Choices for channels without buttons (console, Zalo): numbered answers, with
//! "0" always meaning back, as people learn from phone menus.

use super::message::{Body, Outgoing};
use super::reply::{Action, Reply};
use crate::i18n::{tr, Lang};

/// The number each choice answers to, in display order: answers 1..n, then back as 0.
pub fn numbering(reply: &Reply) -> Vec<(u32, Action)> {
    let mut next = 1;
    reply
        .choices
        .iter()
        .map(|c| {
            if c.action.is_back() {
                (0, c.action.clone())
            } else {
                let n = next;
                next += 1;
                (n, c.action.clone())
            }
        })
        .collect()
}

/// The reply as plain text with a numbered menu under it.
pub fn numbered_text(reply: &Reply, lang: Lang) -> String {
    if reply.choices.is_empty() {
        return reply.text.clone();
    }
    let numbers = numbering(reply);
    let mut lines: Vec<(u32, &str)> = numbers
        .iter()
        .zip(&reply.choices)
        .map(|((n, _), c)| (*n, c.label.as_str()))
        .collect();
    // Back goes last, whatever its place among the buttons.
    lines.sort_by_key(|(n, _)| if *n == 0 { u32::MAX } else { *n });
    let mut text = reply.text.clone();
    text.push_str("\n\n");
    for (n, label) in &lines {
        text.push_str(&format!("{n}. {label}\n"));
    }
    if lines.iter().any(|(n, _)| *n != 0) {
        text.push_str(&tr(lang, "render.numbered_hint"));
    }
    text.trim_end().to_string()
}

/// What a turn says, in as few messages as the chat's channel takes: on a channel
/// without buttons (Zalo counts every message against its monthly quota) the replies
/// to one chat are joined into one message while it stays within the channel's
/// length. Only a reply without choices is joined to the one after it, which keeps
/// its own: one menu a message, the one a number picks from. Files, and replies to
/// other chats, are left as they are, in order.
pub fn joined(outs: Vec<Outgoing>) -> Vec<Outgoing> {
    let mut joined: Vec<Outgoing> = Vec::with_capacity(outs.len());
    for out in outs {
        let caps = out.to.channel.capabilities();
        // This chat's last message so far (replies to other chats may come between:
        // their order against this chat's does not matter).
        let last = joined.iter_mut().rev().find(|o| o.to == out.to);
        if let (Some(last), Body::Reply(next)) = (last, &out.body) {
            if let Body::Reply(prev) = &mut last.body {
                if !caps.buttons && prev.choices.is_empty() {
                    let text = format!("{}\n\n{}", prev.text, next.text);
                    let whole = Reply::with_choices(text, next.choices.clone());
                    if numbered_text(&whole, out.lang).chars().count() <= caps.max_text {
                        *prev = whole;
                        continue;
                    }
                }
            }
        }
        joined.push(out);
    }
    joined
}

/// The number a person typed to pick a choice ("2", " 2.").
pub fn typed_number(typed: &str) -> Option<u32> {
    typed.trim().trim_end_matches('.').parse().ok()
}

/// A typed number that picks one of the last menu's choices.
pub fn pick(menu: &[(u32, Action)], typed: &str) -> Option<Action> {
    let n = typed_number(typed)?;
    menu.iter().find(|(k, _)| *k == n).map(|(_, a)| a.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::reply::Choice;
    use crate::domain::member::{Address, Channel};

    fn to(channel: Channel, chat: &str, reply: Reply) -> Outgoing {
        Outgoing {
            to: Address {
                channel,
                chat_id: chat.into(),
            },
            lang: Lang::Vi,
            body: Body::Reply(reply),
        }
    }

    fn texts(outs: &[Outgoing]) -> Vec<String> {
        outs.iter()
            .map(|o| match &o.body {
                Body::Reply(r) => numbered_text(r, Lang::Vi),
                Body::Document { file_name, .. } => file_name.clone(),
            })
            .collect()
    }

    #[test]
    fn a_turn_is_one_message_on_zalo_and_unchanged_on_telegram() {
        let turn = |channel| {
            vec![
                to(channel, "a", Reply::text("Đã ghi nhận ngày 15/01/2025.")),
                to(channel, "staff", Reply::text("Đăng ký mới")),
                to(channel, "a", Reply::text("Ngày kết thúc?")),
                to(channel, "a", menu()),
            ]
        };
        let zalo = joined(turn(Channel::Zalo));
        assert_eq!(zalo.len(), 2, "one message to each chat");
        assert!(texts(&zalo)[0]
            .starts_with("Đã ghi nhận ngày 15/01/2025.\n\nNgày kết thúc?\n\nChọn loại\n\n1. "));
        assert_eq!(texts(&zalo)[1], "Đăng ký mới");
        assert_eq!(joined(turn(Channel::Telegram)).len(), 4);
        // A reply with choices keeps its own message: one menu a message.
        let two_menus = vec![
            to(Channel::Zalo, "a", menu()),
            to(Channel::Zalo, "a", menu()),
        ];
        assert_eq!(joined(two_menus).len(), 2);
        // Past the channel's length, two messages rather than one cut in the middle.
        let long = "x".repeat(1500);
        let big = vec![
            to(Channel::Zalo, "a", Reply::text(long.clone())),
            to(Channel::Zalo, "a", Reply::text(long)),
        ];
        assert_eq!(joined(big).len(), 2);
    }

    fn menu() -> Reply {
        Reply::with_choices(
            "Chọn loại",
            vec![
                Choice::new("Công trình", Action::Pick("cong_trinh".into())),
                Choice::new("Quay lại", Action::Back),
                Choice::new("Mô hình", Action::Pick("mo_hinh".into())),
            ],
        )
    }

    #[test]
    fn back_is_zero_and_listed_last() {
        let text = numbered_text(&menu(), Lang::Vi);
        let body: Vec<&str> = text.lines().skip(2).take(3).collect();
        assert_eq!(body, ["1. Công trình", "2. Mô hình", "0. Quay lại"]);
    }

    #[test]
    fn typed_numbers_pick_choices() {
        let m = numbering(&menu());
        assert_eq!(pick(&m, " 2 "), Some(Action::Pick("mo_hinh".into())));
        assert_eq!(pick(&m, "0"), Some(Action::Back));
        assert_eq!(pick(&m, "1."), Some(Action::Pick("cong_trinh".into())));
        assert_eq!(pick(&m, "3"), None);
        assert_eq!(pick(&m, "mo hinh"), None);
    }

    #[test]
    fn reply_without_choices_is_unchanged() {
        assert_eq!(
            numbered_text(&Reply::text("Xin chào"), Lang::Vi),
            "Xin chào"
        );
    }
}
