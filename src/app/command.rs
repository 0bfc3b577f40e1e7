//! What one incoming message means, before any state is consulted.

use crate::conversation::Action;
use crate::domain::deadline_kind::AsksFor;
use crate::domain::member::Role;
use crate::domain::text::fold;
use crate::i18n::{tr, Lang};

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
    /// Hand in what a kind of deadline asks for: register a work, submit a report or
    /// a dossier. Its names come from the kind (`AsksFor::command_names`).
    HandIn(AsksFor),
    MyWorks,
    Status,
    Review,
    Cancel,
    Back,
    Skip,
    /// The registration in one message ("Điền nhanh").
    Quick,
    /// The achievement report's draft, from the campaign's `[report]`.
    AchievementReport,
    /// Staff: a one-time link to the web pages.
    Web,
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

impl Gate {
    pub fn lets(self, role: Role) -> bool {
        match self {
            Gate::Anyone => true,
            Gate::Staff(_) => role == Role::Staff,
            Gate::Chair(_) => role == Role::Chair,
        }
    }
}

/// One declaration per command: its names (the first is the one Telegram's menu and
/// the help show), its menu text, its help line, and who may use it.
pub struct CommandSpec {
    pub command: Command,
    pub names: &'static [&'static str],
    pub menu: Option<&'static str>,
    pub help: Option<&'static str>,
    pub gate: Gate,
}

const fn spec(
    command: Command,
    names: &'static [&'static str],
    (menu, help): (&'static str, &'static str),
    gate: Gate,
) -> CommandSpec {
    CommandSpec {
        command,
        names,
        menu: Some(menu),
        help: Some(help),
        gate,
    }
}

/// A deadline kind's command, from the kind's own declaration.
const fn hand_in(kind: AsksFor, gate: Gate) -> CommandSpec {
    spec(
        Command::HandIn(kind),
        kind.command_names(),
        (kind.menu_key(), kind.help_key()),
        gate,
    )
}

const STAFF_SUBMITS_NOTHING: Gate = Gate::Chair("submission.staff_use_status");

/// In the order of Telegram's menu and of the help.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        command: Command::Start,
        names: &["start"],
        menu: None,
        help: None,
        gate: Gate::Anyone,
    },
    hand_in(AsksFor::Registration, Gate::Anyone),
    spec(
        Command::MyWorks,
        &["cuatoi", "my"],
        ("menu.cuatoi", "help.cuatoi"),
        Gate::Anyone,
    ),
    hand_in(AsksFor::Report, STAFF_SUBMITS_NOTHING),
    hand_in(AsksFor::Nomination, STAFF_SUBMITS_NOTHING),
    spec(
        Command::AchievementReport,
        &["baocaothanhtich", "thanhtich", "achievements"],
        ("menu.baocaothanhtich", "help.baocaothanhtich"),
        Gate::Chair("achievement.chairs_only"),
    ),
    spec(
        Command::Status,
        &["tinhtrang", "status"],
        ("menu.tinhtrang", "help.tinhtrang"),
        Gate::Anyone,
    ),
    spec(
        Command::Review,
        &["duyet", "review"],
        ("menu.duyet", "help.duyet"),
        Gate::Staff("review.staff_only"),
    ),
    spec(
        Command::Cancel,
        &["huy", "cancel"],
        ("menu.huy", "help.huy"),
        Gate::Anyone,
    ),
    spec(
        Command::Back,
        &["quaylai", "back"],
        ("menu.quaylai", "help.quaylai"),
        Gate::Anyone,
    ),
    spec(
        Command::Skip,
        &["boqua", "skip"],
        ("menu.boqua", "help.boqua"),
        Gate::Anyone,
    ),
    CommandSpec {
        command: Command::Quick,
        names: &["nhanh", "diennhanh", "quick"],
        menu: None,
        help: Some("help.nhanh"),
        gate: Gate::Anyone,
    },
    spec(
        Command::Export,
        &["xuat", "export"],
        ("menu.xuat", "help.xuat"),
        Gate::Staff("export.staff_only"),
    ),
    spec(
        Command::Candidates,
        &["ungvien", "candidates"],
        ("menu.ungvien", "help.ungvien"),
        Gate::Staff("awards.staff_only"),
    ),
    spec(
        Command::Web,
        &["web", "trangweb"],
        ("menu.web", "help.web"),
        Gate::Staff("web.staff_only"),
    ),
    spec(
        Command::Announce,
        &["thongbao", "announce"],
        ("menu.thongbao", "help.thongbao"),
        Gate::Staff("broadcast.staff_only"),
    ),
    spec(
        Command::AnnounceReport,
        &["thongbao_ketqua", "announce_report"],
        ("menu.thongbao_ketqua", "help.thongbao_ketqua"),
        Gate::Staff("broadcast.staff_only"),
    ),
    spec(
        Command::Language,
        &["ngonngu", "language", "lang"],
        ("menu.ngonngu", "help.ngonngu"),
        Gate::Anyone,
    ),
    CommandSpec {
        command: Command::Help,
        names: &["help", "trogiup", "huongdan"],
        menu: Some("menu.help"),
        help: None,
        gate: Gate::Anyone,
    },
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

/// "/dangky — đăng ký công trình thi đua", one line per command `role` may use:
/// everyone's first, then staff's own.
pub fn help_lines(role: Role, lang: Lang) -> String {
    let mine = COMMANDS.iter().filter(|c| c.gate.lets(role));
    let (staff, everyone): (Vec<_>, Vec<_>) = mine.partition(|c| matches!(c.gate, Gate::Staff(_)));
    everyone
        .into_iter()
        .chain(staff)
        .filter_map(|c| {
            c.help
                .map(|key| format!("/{} — {}", c.names[0], tr(lang, key)))
        })
        .collect::<Vec<_>>()
        .join("\n")
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
            Some(Command::HandIn(AsksFor::Registration))
        );
        assert_eq!(menu().next(), Some(("dangky", "menu.dangky")));
        assert_eq!(menu().count(), 17);
    }

    /// A new kind of deadline that nobody can hand in is caught here.
    #[test]
    fn every_deadline_kind_has_its_command() {
        use strum::VariantArray;
        for kind in AsksFor::VARIANTS {
            let specs: Vec<_> = COMMANDS
                .iter()
                .filter(|c| c.command == Command::HandIn(*kind))
                .collect();
            assert_eq!(specs.len(), 1, "{kind:?}");
            assert_eq!(
                lookup(specs[0].names[0]).map(|c| c.command),
                Some(specs[0].command)
            );
        }
    }

    #[test]
    fn the_help_lists_what_the_role_may_use() {
        let chair = help_lines(Role::Chair, Lang::Vi);
        assert!(chair.starts_with("/dangky — "), "{chair}");
        assert!(
            chair.contains("/baocao") && !chair.contains("/duyet"),
            "{chair}"
        );
        let staff = help_lines(Role::Staff, Lang::Vi);
        assert!(
            staff.contains("/duyet") && !staff.contains("/baocao"),
            "{staff}"
        );
        assert!(staff.find("/ngonngu") < staff.find("/xuat"), "{staff}");
    }
}
