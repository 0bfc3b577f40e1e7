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

    /// Channels without inline buttons get numbered answers instead.
    pub fn has_buttons(self) -> bool {
        matches!(self, Channel::Telegram)
    }
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
        assert!(Channel::Telegram.has_buttons());
        assert!(!Channel::Zalo.has_buttons());
    }
}
