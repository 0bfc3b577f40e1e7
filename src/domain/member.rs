use std::fmt;
use std::str::FromStr;

/// Where a person talks to us. Ids on every channel are kept as strings because
/// Zalo's are hex strings, not integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Telegram,
    Zalo,
    Console,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Telegram => "telegram",
            Channel::Zalo => "zalo",
            Channel::Console => "console",
        }
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
            },
            Channel::Zalo => Capabilities {
                buttons: false,
                sends_files: false,
                receives: Receives::PhotosOnly,
                max_text: 2000,
                local: false,
            },
            Channel::Console => Capabilities {
                buttons: false,
                // Written to the current folder.
                sends_files: true,
                receives: Receives::Nothing,
                max_text: usize::MAX,
                local: true,
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
}

/// What the bot can receive from a person on the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receives {
    Documents,
    /// Zalo bots get photos, not documents.
    PhotosOnly,
    Nothing,
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Channel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "telegram" => Ok(Channel::Telegram),
            "zalo" => Ok(Channel::Zalo),
            "console" => Ok(Channel::Console),
            other => Err(format!("unknown channel '{other}'")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Chair of a grassroots union: registers and manages the unit's works.
    Chair,
    /// District federation staff: sees everything, exports, gets notified.
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Chair => "chair",
            Role::Staff => "staff",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "chair" => Ok(Role::Chair),
            "staff" => Ok(Role::Staff),
            other => Err(format!("unknown role '{other}' (chair|staff)")),
        }
    }
}

/// Where a reply goes: a chat on a channel.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address {
    pub channel: Channel,
    pub chat_id: String,
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
