/// Who an announcement goes to: every chair, or the chairs of units still missing
/// something.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Audience {
    All,
    Unregistered,
    MissingReport,
    MissingNomination,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        self.into()
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

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn audiences_round_trip() {
        for a in Audience::VARIANTS.iter().copied() {
            assert_eq!(a.as_str().parse::<Audience>().unwrap(), a);
        }
        assert!("everyone".parse::<Audience>().is_err());
    }
}
