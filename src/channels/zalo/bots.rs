//! Several Zalo bots in one deployment (`ZALO_BOT_TOKENS`): the Basic plan serves 50
//! people a bot, a district has more. Each chat stays with the bot its person joined;
//! the deployment's first bot keeps Zalo's ids as they are and another bot's ids are
//! "BOT:ID" (`domain::member::Address::zalo_bot`), so a one-bot deployment stores what
//! it always stored.

use sha2::{Digest, Sha256};

use super::api::ZaloClient;
use super::update::ZaloUpdate;
use crate::conversation::Incoming;
use crate::domain::member::{zalo_id, Address};

/// The bot's id: the number before the token's colon (Zalo's bot id, not secret), or
/// for a token without one the start of its SHA-256.
pub fn bot_id(token: &str) -> String {
    match token.split_once(':') {
        Some((id, _)) if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()) => {
            id.to_string()
        }
        _ => {
            let digest = Sha256::digest(token.as_bytes());
            digest[..6].iter().map(|b| format!("{b:02x}")).collect()
        }
    }
}

#[derive(Clone, Debug)]
pub struct Bot {
    pub id: String,
    pub client: ZaloClient,
}

#[derive(Clone, Debug)]
pub struct Bots {
    pub all: Vec<Bot>,
    /// The bot whose chats carry no bot in their ids: the first one this deployment
    /// ever ran (kept in the database, so reordering the tokens changes nothing).
    pub first: String,
}

impl Bots {
    /// The bot a chat is with, and Zalo's id of the chat; `None` when that bot's
    /// token is no longer configured.
    pub fn route<'a>(&'a self, to: &'a Address) -> Option<(&'a Bot, &'a str)> {
        let split = to.zalo_bot()?;
        let id = split.bot(&self.first);
        let bot = self.all.iter().find(|b| b.id == id)?;
        Some((bot, split.chat()))
    }

    /// An update `bot` received, with the ids as this deployment keeps them.
    pub fn incoming(&self, bot: &Bot, u: ZaloUpdate) -> Incoming {
        let mut incoming = u.into_incoming();
        incoming.chat_id = zalo_id(&bot.id, &self.first, &incoming.chat_id);
        incoming.user_id = zalo_id(&bot.id, &self.first, &incoming.user_id);
        incoming
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::member::Channel;

    #[test]
    fn the_bot_id_is_the_tokens_public_part() {
        assert_eq!(
            bot_id("1459232241454765289:zalo-secret-part"),
            "1459232241454765289"
        );
        let hashed = bot_id("no-colon-token");
        assert_eq!(hashed.len(), 12);
        assert!(!hashed.contains("token"));
    }

    #[test]
    fn a_chat_is_routed_to_its_own_bot() {
        let bots = Bots {
            all: vec![
                Bot {
                    id: "111".into(),
                    client: ZaloClient::new("111:aaaaaaaaaa", None),
                },
                Bot {
                    id: "222".into(),
                    client: ZaloClient::new("222:bbbbbbbbbb", None),
                },
            ],
            first: "111".into(),
        };
        let at = |chat: &str| Address {
            channel: Channel::Zalo,
            chat_id: chat.into(),
        };
        let a = at("c0ffee");
        assert_eq!(
            bots.route(&a).map(|(b, c)| (b.id.as_str(), c)),
            Some(("111", "c0ffee"))
        );
        let b = at("222:c0ffee");
        assert_eq!(
            bots.route(&b).map(|(b, c)| (b.id.as_str(), c)),
            Some(("222", "c0ffee"))
        );
        assert!(
            bots.route(&at("333:c0ffee")).is_none(),
            "a bot no longer configured"
        );
        let tg = Address {
            channel: Channel::Telegram,
            chat_id: "1:2".into(),
        };
        assert!(bots.route(&tg).is_none());
    }
}
