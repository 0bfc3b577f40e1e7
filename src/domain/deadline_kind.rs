//! What a deadline asks the grassroots unions to hand in, declared once: each kind's
//! name in the campaign file and the database, the chat command that hands it in,
//! its line in the help and the Telegram menu, and the announcement audience of the
//! chairs still missing it. Every match here is exhaustive: a new kind is one variant,
//! and the compiler points at each thing it must say.

use serde::{Deserialize, Serialize};

#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum AsksFor {
    /// Đăng ký thi đua: the registration form, no documents.
    Registration,
    /// Báo cáo: a report with its documents.
    Report,
    /// Đề nghị khen thưởng: the award nomination dossier.
    Nomination,
}

impl AsksFor {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether a deadline of this kind lists the documents to send.
    pub fn needs_documents(self) -> bool {
        !matches!(self, AsksFor::Registration)
    }

    /// The chat command that hands it in, under each of its names (folded: no
    /// diacritics); the first is the one shown.
    pub const fn command_names(self) -> &'static [&'static str] {
        match self {
            AsksFor::Registration => &["dangky", "register"],
            AsksFor::Report => &["baocao", "report"],
            AsksFor::Nomination => &["hoso", "dossier"],
        }
    }

    /// The command as messages name it: "/baocao", its first name.
    pub fn command(self) -> String {
        format!("/{}", self.command_names()[0])
    }

    /// Locale keys of its line in Telegram's command menu and in the help.
    pub const fn menu_key(self) -> &'static str {
        match self {
            AsksFor::Registration => "menu.dangky",
            AsksFor::Report => "menu.baocao",
            AsksFor::Nomination => "menu.hoso",
        }
    }

    pub const fn help_key(self) -> &'static str {
        match self {
            AsksFor::Registration => "help.dangky",
            AsksFor::Report => "help.baocao",
            AsksFor::Nomination => "help.hoso",
        }
    }

    /// The announcement audience of the chairs whose unit has not handed it in: its
    /// name (on the command line, in stored announcements) and its label's key.
    pub fn missing_audience(self) -> &'static str {
        match self {
            AsksFor::Registration => "unregistered",
            AsksFor::Report => "missing-report",
            AsksFor::Nomination => "missing-nomination",
        }
    }

    pub fn missing_label_key(self) -> &'static str {
        match self {
            AsksFor::Registration => "audience.unregistered",
            AsksFor::Report => "audience.missing_report",
            AsksFor::Nomination => "audience.missing_nomination",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_command_people_type() {
        assert_eq!(AsksFor::Report.command(), "/baocao");
        assert_eq!(AsksFor::Nomination.command(), "/hoso");
        assert_eq!(AsksFor::Registration.command(), "/dangky");
    }
}
