//! What one incoming message means, before any state is consulted.

use crate::conversation::Action;
use crate::domain::text::fold;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    /// `/name arg`; the name lower-case, without diacritics or `@botname`.
    Command {
        name: String,
        arg: Option<String>,
    },
    Text(String),
    Action(Action),
    /// Data of a button this version does not know (an old message).
    UnknownButton,
    File(super::IncomingFile),
    Unsupported,
}

pub fn parse_text(text: &str) -> Msg {
    let trimmed = text.trim();
    let Some(rest) = trimmed.strip_prefix('/') else {
        return Msg::Text(text.to_string());
    };
    let (head, arg) = match rest.split_once(char::is_whitespace) {
        Some((h, a)) => (h, Some(a.trim().to_string()).filter(|a| !a.is_empty())),
        None => (rest, None),
    };
    let name = head.split('@').next().unwrap_or_default();
    Msg::Command {
        name: fold(name).replace(' ', ""),
        arg,
    }
}

/// The commands Telegram's menu lists, with their locale keys.
pub const MENU: &[(&str, &str)] = &[
    ("dangky", "menu.dangky"),
    ("cuatoi", "menu.cuatoi"),
    ("baocao", "menu.baocao"),
    ("hoso", "menu.hoso"),
    ("tinhtrang", "menu.tinhtrang"),
    ("duyet", "menu.duyet"),
    ("huy", "menu.huy"),
    ("quaylai", "menu.quaylai"),
    ("boqua", "menu.boqua"),
    ("xuat", "menu.xuat"),
    ("thongbao", "menu.thongbao"),
    ("thongbao_ketqua", "menu.thongbao_ketqua"),
    ("ngonngu", "menu.ngonngu"),
    ("help", "menu.help"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(name: &str, arg: Option<&str>) -> Msg {
        Msg::Command {
            name: name.into(),
            arg: arg.map(Into::into),
        }
    }

    #[test]
    fn commands_are_recognised() {
        assert_eq!(
            parse_text("/start ABCD2345"),
            cmd("start", Some("ABCD2345"))
        );
        assert_eq!(parse_text("/dangky@thidua_bot"), cmd("dangky", None));
        assert_eq!(parse_text("  /HUY  "), cmd("huy", None));
        assert_eq!(parse_text("/đăngký"), cmd("dangky", None));
        assert_eq!(parse_text("250 triệu"), Msg::Text("250 triệu".into()));
    }
}
