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

/// What a typed command asks for, whatever name it was typed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Start,
    Help,
    Register,
    MyWorks,
    Report,
    Dossier,
    Status,
    Review,
    Cancel,
    Back,
    Skip,
    Export,
    Candidates,
    Announce,
    AnnounceReport,
    Language,
}

/// Who may use a command; the refusal is the key said to anyone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Anyone,
    Staff(&'static str),
    Chair(&'static str),
}

/// One declaration per command: its names (the first is the one Telegram's menu
/// shows), its menu text, and who may use it.
pub struct CommandSpec {
    pub command: Command,
    pub names: &'static [&'static str],
    pub menu: Option<&'static str>,
    pub gate: Gate,
}

const fn spec(
    command: Command,
    names: &'static [&'static str],
    menu: Option<&'static str>,
    gate: Gate,
) -> CommandSpec {
    CommandSpec {
        command,
        names,
        menu,
        gate,
    }
}

/// In the order of Telegram's menu.
pub const COMMANDS: &[CommandSpec] = &[
    spec(Command::Start, &["start"], None, Gate::Anyone),
    spec(
        Command::Register,
        &["dangky", "register"],
        Some("menu.dangky"),
        Gate::Anyone,
    ),
    spec(
        Command::MyWorks,
        &["cuatoi", "my"],
        Some("menu.cuatoi"),
        Gate::Anyone,
    ),
    spec(
        Command::Report,
        &["baocao", "report"],
        Some("menu.baocao"),
        Gate::Chair("submission.staff_use_status"),
    ),
    spec(
        Command::Dossier,
        &["hoso", "dossier"],
        Some("menu.hoso"),
        Gate::Chair("submission.staff_use_status"),
    ),
    spec(
        Command::Status,
        &["tinhtrang", "status"],
        Some("menu.tinhtrang"),
        Gate::Anyone,
    ),
    spec(
        Command::Review,
        &["duyet", "review"],
        Some("menu.duyet"),
        Gate::Staff("review.staff_only"),
    ),
    spec(
        Command::Cancel,
        &["huy", "cancel"],
        Some("menu.huy"),
        Gate::Anyone,
    ),
    spec(
        Command::Back,
        &["quaylai", "back"],
        Some("menu.quaylai"),
        Gate::Anyone,
    ),
    spec(
        Command::Skip,
        &["boqua", "skip"],
        Some("menu.boqua"),
        Gate::Anyone,
    ),
    spec(
        Command::Export,
        &["xuat", "export"],
        Some("menu.xuat"),
        Gate::Staff("export.staff_only"),
    ),
    spec(
        Command::Candidates,
        &["ungvien", "candidates"],
        Some("menu.ungvien"),
        Gate::Staff("awards.staff_only"),
    ),
    spec(
        Command::Announce,
        &["thongbao", "announce"],
        Some("menu.thongbao"),
        Gate::Staff("broadcast.staff_only"),
    ),
    spec(
        Command::AnnounceReport,
        &["thongbao_ketqua", "announce_report"],
        Some("menu.thongbao_ketqua"),
        Gate::Staff("broadcast.staff_only"),
    ),
    spec(
        Command::Language,
        &["ngonngu", "language", "lang"],
        Some("menu.ngonngu"),
        Gate::Anyone,
    ),
    spec(
        Command::Help,
        &["help", "trogiup", "huongdan"],
        Some("menu.help"),
        Gate::Anyone,
    ),
];

/// A command by any of its names (already folded by `parse_text`).
pub fn lookup(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.names.contains(&name))
}

/// The commands Telegram's menu lists, with their locale keys.
pub fn menu() -> impl Iterator<Item = (&'static str, &'static str)> {
    COMMANDS
        .iter()
        .filter_map(|c| c.menu.map(|key| (c.names[0], key)))
}

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

    #[test]
    fn every_name_is_declared_once() {
        let mut names: Vec<&str> = COMMANDS
            .iter()
            .flat_map(|c| c.names.iter().copied())
            .collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all, "a command name is declared twice");
        assert_eq!(
            lookup("register").map(|c| c.command),
            Some(Command::Register)
        );
        assert_eq!(menu().next(), Some(("dangky", "menu.dangky")));
        assert_eq!(menu().count(), 15);
    }
}
