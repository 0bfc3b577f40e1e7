/// Where a person talks to us. Ids on every channel are kept as strings because
/// Zalo's are hex strings, not integers.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Channel {
    Telegram,
    Zalo,
    Console,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What the channel can do, declared here once: the app and the adapters read
    /// this instead of asking which channel it is.
    pub fn capabilities(self) -> Capabilities {
        match self {
            Channel::Telegram => Capabilities {
                buttons: true,
                sends_files: true,
                receives: Receives::Documents,
                // Telegram refuses over 4 096; room to spare.
                max_text: 4000,
                local: false,
                // A profile's first and last name, usually the person's own.
                real_names: true,
                overall_limit: true,
            },
            Channel::Zalo => Capabilities {
                buttons: false,
                sends_files: false,
                receives: Receives::PhotosOnly,
                max_text: 2000,
                local: false,
                // One free display name, often a nickname ("Chị Hoa").
                real_names: false,
                overall_limit: false,
            },
            Channel::Console => Capabilities {
                buttons: false,
                // Written to the current folder.
                sends_files: true,
                // A file on this machine, by its path.
                receives: Receives::Documents,
                max_text: usize::MAX,
                local: true,
                // The login of whoever runs the terminal.
                real_names: false,
                overall_limit: false,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Inline buttons; without them choices are numbered answers.
    pub buttons: bool,
    /// The bot can send a file (a Word form, a spreadsheet); otherwise it says how to
    /// get one.
    pub sends_files: bool,
    pub receives: Receives,
    /// Longest message; a longer one goes in parts.
    pub max_text: usize,
    /// The operator's own terminal: a fresh install offers the demo there.
    pub local: bool,
    /// The name the channel gives is the person's name; otherwise a name that does not
    /// look like a full one is asked for at joining, for the paper.
    pub real_names: bool,
    /// The platform caps a bot's messages a second overall (Telegram, about 30): the
    /// instances on one database share one budget for it. Zalo publishes no such cap;
    /// each process keeps its own pace.
    pub overall_limit: bool,
}

/// What the bot can receive from a person on the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receives {
    Documents,
    /// Zalo bots get photos, not documents.
    PhotosOnly,
    Nothing,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum Role {
    /// Chair of a grassroots union: registers and manages the unit's works.
    Chair,
    /// District federation staff: sees everything, exports, gets notified.
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Where a reply goes: a chat on a channel.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address {
    pub channel: Channel,
    pub chat_id: String,
}

impl Address {
    /// On Zalo, which bot the chat is with: the deployment's first bot keeps Zalo's
    /// ids as they are (a one-bot deployment never changes), another bot's chats and
    /// people are "BOT:ID" (Zalo's ids are hex, never holding a colon).
    pub fn zalo_bot(&self) -> Option<ZaloBot<'_>> {
        (self.channel == Channel::Zalo).then(|| match self.chat_id.split_once(':') {
            Some((bot, chat)) => ZaloBot::Other { bot, chat },
            None => ZaloBot::First {
                chat: &self.chat_id,
            },
        })
    }
}

/// A Zalo chat id split into its bot and Zalo's own id (see `Address::zalo_bot`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZaloBot<'a> {
    First { chat: &'a str },
    Other { bot: &'a str, chat: &'a str },
}

impl<'a> ZaloBot<'a> {
    /// Zalo's id of the chat, as its API knows it.
    pub fn chat(self) -> &'a str {
        match self {
            ZaloBot::First { chat } | ZaloBot::Other { chat, .. } => chat,
        }
    }

    /// The bot's id, with `first` standing for the deployment's first bot.
    pub fn bot(self, first: &'a str) -> &'a str {
        match self {
            ZaloBot::First { .. } => first,
            ZaloBot::Other { bot, .. } => bot,
        }
    }
}

/// Our id for Zalo's `id` on `bot` (see `Address::zalo_bot`).
pub fn zalo_id(bot: &str, first: &str, id: &str) -> String {
    if bot == first {
        id.to_string()
    } else {
        format!("{bot}:{id}")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: i64,
    pub channel: Channel,
    pub user_id: String,
    pub chat_id: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub role: Role,
    pub display_name: String,
    pub active: bool,
}

impl Member {
    pub fn address(&self) -> Address {
        Address {
            channel: self.channel,
            chat_id: self.chat_id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_and_role_parse() {
        for c in [Channel::Telegram, Channel::Zalo, Channel::Console] {
            assert_eq!(c.as_str().parse::<Channel>().unwrap(), c);
        }
        assert_eq!("Staff".parse::<Role>().unwrap(), Role::Staff);
        assert!("boss".parse::<Role>().is_err());
        assert!(Channel::Telegram.capabilities().buttons);
        assert!(!Channel::Zalo.capabilities().buttons);
    }
}

/// The same person's key on every channel: their name's words folded (no case, no
/// diacritics) and sorted, since Telegram puts the given name first and Zalo last.
pub fn person_key(display_name: &str) -> String {
    let folded = crate::domain::text::fold(display_name);
    let mut words: Vec<&str> = folded.split_whitespace().collect();
    words.sort_unstable();
    words.join(" ")
}

#[cfg(test)]
mod person_tests {
    use super::person_key;

    #[test]
    fn a_name_in_either_order_is_the_same_person() {
        assert_eq!(person_key("Thoa Lê Kim"), person_key("Lê Kim Thoa"));
        assert_eq!(person_key("  LÊ kim  thoa "), person_key("Lê Kim Thoa"));
        assert_ne!(person_key("Lê Kim Thoa"), person_key("Lê Kim Thu"));
    }
}
