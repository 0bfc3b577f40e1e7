use std::fmt;
use std::str::FromStr;

/// Who an announcement goes to: every chair, or the chairs of units still missing
/// something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    All,
    Unregistered,
    MissingReport,
    MissingNomination,
}

impl Audience {
    pub const ALL: [Audience; 4] = [
        Audience::All,
        Audience::Unregistered,
        Audience::MissingReport,
        Audience::MissingNomination,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::All => "all",
            Audience::Unregistered => "unregistered",
            Audience::MissingReport => "missing-report",
            Audience::MissingNomination => "missing-nomination",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Audience::All => "audience.all",
            Audience::Unregistered => "audience.unregistered",
            Audience::MissingReport => "audience.missing_report",
            Audience::MissingNomination => "audience.missing_nomination",
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
        Audience::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown audience '{s}' (all|unregistered|missing-report|missing-nomination)"
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_round_trip() {
        for a in Audience::ALL {
            assert_eq!(a.as_str().parse::<Audience>().unwrap(), a);
        }
        assert!("everyone".parse::<Audience>().is_err());
    }
}
