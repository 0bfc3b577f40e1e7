//! Choices for channels without buttons (console, Zalo): numbered answers, with
//! "0" always meaning back, as people learn from phone menus.

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

/// A typed number that picks one of the last menu's choices.
pub fn pick(menu: &[(u32, Action)], typed: &str) -> Option<Action> {
    let n: u32 = typed.trim().trim_end_matches('.').parse().ok()?;
    menu.iter().find(|(k, _)| *k == n).map(|(_, a)| a.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::reply::Choice;

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
