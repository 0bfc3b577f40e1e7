//! Who an announcement goes to: every chair, or the chairs of units still missing
//! what a kind of deadline asks for (the kinds are declared in `deadline_kind`).

use std::fmt;
use std::str::FromStr;

use strum::VariantArray;

use super::deadline_kind::AsksFor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    All,
    /// The chairs of units that have not handed in what this kind asks for.
    Missing(AsksFor),
}

impl Audience {
    /// Every audience, in the order they are offered: everyone, then one per kind.
    pub fn every() -> impl Iterator<Item = Audience> {
        std::iter::once(Audience::All)
            .chain(AsksFor::VARIANTS.iter().map(|k| Audience::Missing(*k)))
    }

    /// Every audience's name, for the command line's choices.
    pub fn names() -> Vec<&'static str> {
        Audience::every().map(Audience::as_str).collect()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::All => "all",
            Audience::Missing(k) => k.missing_audience(),
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Audience::All => "audience.all",
            Audience::Missing(k) => k.missing_label_key(),
        }
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Audience {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Audience::every()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("unknown audience '{s}' ({})", Audience::names().join("|")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_round_trip() {
        for a in Audience::every() {
            assert_eq!(a.as_str().parse::<Audience>().unwrap(), a);
        }
        assert_eq!(
            Audience::names(),
            [
                "all",
                "unregistered",
                "missing-report",
                "missing-nomination"
            ]
        );
        assert!("everyone".parse::<Audience>().is_err());
    }
}
