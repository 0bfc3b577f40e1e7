//! What the bot says, independent of the channel: text plus, where the answer is a
//! fixed choice, the choices. Telegram shows them as buttons, text channels as numbers.

use serde::{Deserialize, Serialize};

/// What pressing a button (or typing its number) means. Encoded into Telegram's
/// callback data, which is limited to 64 bytes, so the encoding is terse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// An option of a choice field.
    Pick(String),
    Back,
    Skip,
    /// Submit the summary identified by the form's idempotency key.
    Confirm(String),
    Edit,
    EditField(String),
    Cancel,
    /// Answer the whole form in one message ("Điền nhanh").
    Quick,
    /// Back at a question already answered: keep that answer.
    Keep,
    /// Start a new registration.
    Register,
    /// From `/cuatoi`: one work and what can be done with it; back to the list.
    OpenWork(i64),
    MyWorks,
    /// From the list of one's works: change or withdraw registration `id`.
    EditWork(i64),
    Withdraw(i64),
    WithdrawConfirmed(i64),
    WithdrawKept,
    SetLang(String),
    /// Console only: try thidua on an empty database with a sample unit.
    StartDemo,
    /// "Đã nhận" under announcement `id`.
    Ack(i64),
    /// Staff composing an announcement: who receives it, then send.
    /// Staff review of submission `id`: approve, return (a reason follows), see files.
    Approve(i64),
    Return(i64),
    ShowFiles(i64),
    /// Staff: the whole status table of their units as a spreadsheet.
    StatusFile,
    /// The official form of registration `id` as a Word document.
    WordForm(i64),
    /// A work's end: done (its value follows), still going (ask later), not done
    /// (the reason follows); and asking for that question from `/cuatoi`.
    ResultDone(i64),
    ResultLater(i64),
    ResultNotDone(i64),
    AskResult(i64),
    /// Staff: propose registration `id` as "công trình tiêu biểu", or stop proposing it.
    Feature(i64),
    /// Staff: every form of their units as one .zip.
    FormsZip,
    /// From `/cuatoi`: change the full name printed on paper.
    ChangeName,
}

impl Action {
    pub fn encode(&self) -> String {
        match self {
            Action::Pick(v) => format!("p:{v}"),
            Action::Back => "b".into(),
            Action::Skip => "s".into(),
            Action::Confirm(k) => format!("c:{k}"),
            Action::Edit => "e".into(),
            Action::EditField(f) => format!("f:{f}"),
            Action::Cancel => "x".into(),
            Action::Quick => "q".into(),
            Action::Keep => "k".into(),
            Action::Register => "r".into(),
            Action::OpenWork(id) => format!("ow:{id}"),
            Action::MyWorks => "mw".into(),
            Action::EditWork(id) => format!("we:{id}"),
            Action::Withdraw(id) => format!("ww:{id}"),
            Action::WithdrawConfirmed(id) => format!("wy:{id}"),
            Action::WithdrawKept => "wn".into(),
            Action::SetLang(l) => format!("l:{l}"),
            Action::StartDemo => "d".into(),
            Action::Ack(id) => format!("ak:{id}"),
            Action::Approve(id) => format!("ap:{id}"),
            Action::Return(id) => format!("rt:{id}"),
            Action::ShowFiles(id) => format!("sf:{id}"),
            Action::StatusFile => "st".into(),
            Action::WordForm(id) => format!("wd:{id}"),
            Action::ResultDone(id) => format!("rd:{id}"),
            Action::ResultLater(id) => format!("rl:{id}"),
            Action::ResultNotDone(id) => format!("rn:{id}"),
            Action::AskResult(id) => format!("ra:{id}"),
            Action::Feature(id) => format!("ft:{id}"),
            Action::FormsZip => "fz".into(),
            Action::ChangeName => "nm".into(),
        }
    }

    /// Unknown data (an old bot version's button, a forged callback) is `None`,
    /// never a panic.
    pub fn decode(data: &str) -> Option<Action> {
        let (tag, arg) = match data.split_once(':') {
            Some((t, a)) => (t, Some(a)),
            None => (data, None),
        };
        let id = || arg.and_then(|a| a.parse::<i64>().ok());
        let text = || arg.filter(|a| !a.is_empty()).map(str::to_owned);
        Some(match (tag, arg) {
            ("p", _) => Action::Pick(text()?),
            ("b", None) => Action::Back,
            ("s", None) => Action::Skip,
            ("c", _) => Action::Confirm(text()?),
            ("e", None) => Action::Edit,
            ("f", _) => Action::EditField(text()?),
            ("x", None) => Action::Cancel,
            ("q", None) => Action::Quick,
            ("k", None) => Action::Keep,
            ("r", None) => Action::Register,
            ("ow", _) => Action::OpenWork(id()?),
            ("mw", None) => Action::MyWorks,
            ("we", _) => Action::EditWork(id()?),
            ("ww", _) => Action::Withdraw(id()?),
            ("wy", _) => Action::WithdrawConfirmed(id()?),
            ("wn", None) => Action::WithdrawKept,
            ("l", _) => Action::SetLang(text()?),
            ("d", None) => Action::StartDemo,
            ("ak", _) => Action::Ack(id()?),
            ("ap", _) => Action::Approve(id()?),
            ("rt", _) => Action::Return(id()?),
            ("sf", _) => Action::ShowFiles(id()?),
            ("st", None) => Action::StatusFile,
            ("wd", _) => Action::WordForm(id()?),
            ("rd", _) => Action::ResultDone(id()?),
            ("rl", _) => Action::ResultLater(id()?),
            ("rn", _) => Action::ResultNotDone(id()?),
            ("ra", _) => Action::AskResult(id()?),
            ("ft", _) => Action::Feature(id()?),
            ("fz", None) => Action::FormsZip,
            ("nm", None) => Action::ChangeName,
            _ => return None,
        })
    }

    /// Where a button belongs, declared once for every button: a new one must be
    /// placed here before it compiles.
    pub fn place(&self) -> Place {
        match self {
            Action::Pick(_)
            | Action::Back
            | Action::Skip
            | Action::Confirm(_)
            | Action::Edit
            | Action::EditField(_)
            | Action::Cancel
            | Action::Quick
            | Action::Keep => Place::Step,
            Action::Register
            | Action::OpenWork(_)
            | Action::MyWorks
            | Action::EditWork(_)
            | Action::Withdraw(_)
            | Action::WithdrawConfirmed(_)
            | Action::WithdrawKept
            | Action::SetLang(_)
            | Action::StartDemo
            | Action::Ack(_)
            | Action::WordForm(_)
            | Action::ResultDone(_)
            | Action::ResultLater(_)
            | Action::ResultNotDone(_)
            | Action::AskResult(_)
            | Action::ChangeName => Place::Alone,
            Action::Approve(_)
            | Action::Return(_)
            | Action::ShowFiles(_)
            | Action::StatusFile
            | Action::FormsZip
            | Action::Feature(_) => Place::StaffAlone,
        }
    }

    /// A button that means the same whatever the chat is doing now (an old
    /// announcement's "Đã nhận", a work's "Sửa").
    pub fn stands_alone(&self) -> bool {
        self.place() != Place::Step
    }

    /// A button only staff may press.
    pub fn staff_only(&self) -> bool {
        self.place() == Place::StaffAlone
    }

    /// Navigation sits apart from the answers: on text channels it is always "0".
    pub fn is_back(&self) -> bool {
        matches!(self, Action::Back)
    }
}

/// Where a button belongs (`Action::place`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// It answers the dialogue's current step: navigation, a form's choices.
    Step,
    /// It means the same whatever the chat is doing now.
    Alone,
    /// As `Alone`, and only staff may press it.
    StaffAlone,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub label: String,
    pub action: Action,
}

impl Choice {
    pub fn new(label: impl Into<String>, action: Action) -> Self {
        Choice {
            label: label.into(),
            action,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub text: String,
    pub choices: Vec<Choice>,
}

impl Reply {
    pub fn text(text: impl Into<String>) -> Self {
        Reply {
            text: text.into(),
            choices: Vec::new(),
        }
    }

    pub fn with_choices(text: impl Into<String>, choices: Vec<Choice>) -> Self {
        Reply {
            text: text.into(),
            choices,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_within_telegram_limit() {
        let all = [
            Action::Pick("chuong_trinh".into()),
            Action::Back,
            Action::Skip,
            Action::Confirm("ABCDEFGHJKMN".into()),
            Action::Edit,
            Action::EditField("benefit_economic".into()),
            Action::Cancel,
            Action::Register,
            Action::EditWork(i64::MAX),
            Action::Withdraw(7),
            Action::WithdrawConfirmed(7),
            Action::WithdrawKept,
            Action::SetLang("en".into()),
            Action::StartDemo,
            Action::Ack(12),
            Action::Approve(3),
            Action::Return(3),
            Action::ShowFiles(3),
            Action::StatusFile,
            Action::WordForm(i64::MAX),
            Action::ResultDone(i64::MAX),
            Action::ResultLater(1),
            Action::ResultNotDone(2),
            Action::AskResult(3),
            Action::Feature(4),
            Action::FormsZip,
        ];
        for a in all {
            let data = a.encode();
            assert!(data.len() <= 64, "{data}");
            assert_eq!(Action::decode(&data), Some(a));
        }
    }

    #[test]
    fn garbage_callback_data_is_refused() {
        for bad in ["", "zz", "we:abc", "p:", "c:", "b:1", "ww:"] {
            assert_eq!(Action::decode(bad), None, "{bad}");
        }
    }
}
