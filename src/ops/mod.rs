//! Operations: every action staff or an operator takes, one function each, taking the
//! caller's transaction and an `Actor`. Scope and rules are checked here, once; the
//! chat (`app`), the command line (`cli`) and the web call these and only render
//! what they return.

pub mod announcements;
pub mod exports;
pub mod featured;
pub mod hand_in;
pub mod invites;
pub mod review;
pub mod said;
pub mod units;
pub mod uploads;
pub mod web;
pub mod zalo_seats;

use anyhow::Result;
use sqlx::AnyConnection;

use crate::domain::member::Member;
use crate::domain::unit::Scope;
use crate::i18n::{trf, Lang};
use crate::store::scope;

/// Who acts.
#[derive(Debug, Clone)]
pub enum Actor {
    /// The operator at the command line: every unit.
    Operator,
    /// A staff member: the units below their federation (every unit for a federation
    /// at the top of the tree).
    Staff(Member),
}

impl Actor {
    /// The units this actor acts on.
    pub async fn scope(&self, conn: &mut AnyConnection) -> Result<Scope> {
        match self {
            Actor::Operator => Ok(Scope::Everything),
            Actor::Staff(m) => scope::of_staff(conn, m.unit_id).await,
        }
    }

    pub fn member(&self) -> Option<&Member> {
        match self {
            Actor::Operator => None,
            Actor::Staff(m) => Some(m),
        }
    }

    /// Refused, for the reason `why` gives, unless unit `unit_id` is within this
    /// actor's scope.
    pub async fn check_unit(
        &self,
        conn: &mut AnyConnection,
        unit_id: i64,
        why: impl FnOnce() -> Refused,
    ) -> Result<()> {
        let within = self.scope(&mut *conn).await?;
        if scope::contains(&mut *conn, within, unit_id).await? {
            return Ok(());
        }
        if let Actor::Staff(m) = self {
            tracing::warn!(
                member = m.id,
                unit = unit_id,
                "an action outside the staff's units"
            );
        }
        Err(why().into())
    }
}

/// An operation refused for a reason the person is told: a locale key and its
/// arguments, so each front door says it in its own language (`Refused::text`).
/// Operations return it inside `anyhow::Error`; `refusal` finds it again. Shown
/// as is (a log line), it says the English text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.text(Lang::En))]
pub struct Refused {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Refused {
    pub fn new(key: &'static str) -> Refused {
        Refused { key, args: vec![] }
    }

    pub fn with(key: &'static str, args: &[(&'static str, &str)]) -> Refused {
        Refused {
            key,
            args: args.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        }
    }

    pub fn text(&self, lang: Lang) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        trf(lang, self.key, &args)
    }
}

/// The refusal inside an operation's error, if that is what it is.
pub fn refusal(e: &anyhow::Error) -> Option<&Refused> {
    e.downcast_ref::<Refused>()
}
