use std::fmt;
use std::str::FromStr;

/// A grassroots union (CĐCS) belongs either to a state agency or to an enterprise;
/// the plan's award criteria differ between the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    Agency,
    Enterprise,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Agency => "agency",
            UnitKind::Enterprise => "enterprise",
        }
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UnitKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "agency" => Ok(UnitKind::Agency),
            "enterprise" => Ok(UnitKind::Enterprise),
            other => Err(format!("unknown unit kind '{other}' (agency|enterprise)")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: i64,
    pub name: String,
    pub kind: UnitKind,
}

/// A unit name as typed by an operator: trimmed, single-spaced, 2–200 characters.
pub fn normalize_unit_name(raw: &str) -> Result<String, String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let len = name.chars().count();
    if !(2..=200).contains(&len) {
        return Err(format!("unit name must be 2–200 characters, got {len}"));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_round_trips_and_refuses_unknown() {
        for k in [UnitKind::Agency, UnitKind::Enterprise] {
            assert_eq!(k.as_str().parse::<UnitKind>().unwrap(), k);
        }
        assert!("company".parse::<UnitKind>().is_err());
    }

    #[test]
    fn unit_name_is_trimmed_and_bounded() {
        assert_eq!(
            normalize_unit_name("  CĐCS   Trường  THCS ").unwrap(),
            "CĐCS Trường THCS"
        );
        assert!(normalize_unit_name(" a ").is_err());
    }
}
