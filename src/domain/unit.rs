use super::text::visible_len;

/// The units a staff member acts on. A federation at the top of the tree (no unit
/// above it: the district of a district-only deployment, a province over its
/// districts) sees every unit; any other federation sees the units below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everything,
    Below(i64),
}

/// A grassroots union (CĐCS) belongs either to a state agency or to an enterprise;
/// the plan's award criteria differ between the two.
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
pub enum UnitKind {
    Agency,
    Enterprise,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: i64,
    pub name: String,
    pub kind: UnitKind,
}

/// Why a unit name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitNameError {
    /// Nothing a reader could see: only zero-width, control or direction characters.
    Invisible,
    /// Not 2–200 characters; the length is that of what shows.
    Length(usize),
}

impl UnitNameError {
    /// The locale key saying why, with `value` (the name as typed) and `len`: one
    /// wording wherever a name is given (add, import, rename).
    pub fn key(self) -> &'static str {
        match self {
            UnitNameError::Invisible => "cli.unit_name_invisible",
            UnitNameError::Length(_) => "cli.unit_name_length",
        }
    }

    pub fn length(self) -> usize {
        match self {
            UnitNameError::Invisible => 0,
            UnitNameError::Length(n) => n,
        }
    }
}

/// The short name a unit signs its papers' numbers with: the abbreviation its name opens
/// with ("CĐCS Trường THCS A" → "CĐCS"), or the initials of its words ("Công đoàn
/// Trường A" → "CĐTA").
pub fn short_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let abbreviation = |w: &str| w.chars().count() >= 2 && !w.chars().any(char::is_lowercase);
    match words.first() {
        Some(first) if abbreviation(first) => first.to_string(),
        _ => words
            .iter()
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect(),
    }
}

/// A unit name as typed by an operator: trimmed, single-spaced, 2–200 characters,
/// at least 2 of them visible (a name of zero-width spaces would look blank in
/// every list, and `--unit ''` would find it).
pub fn normalize_unit_name(raw: &str) -> Result<String, UnitNameError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let visible = visible_len(&name);
    if visible == 0 {
        return Err(UnitNameError::Invisible);
    }
    let len = name.chars().count();
    if len > 200 {
        return Err(UnitNameError::Length(len));
    }
    if visible < 2 {
        return Err(UnitNameError::Length(visible));
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
    fn a_short_name_is_the_opening_abbreviation_or_the_initials() {
        assert_eq!(short_name("CĐCS Trường THCS Vĩnh Thuận"), "CĐCS");
        assert_eq!(short_name("Công đoàn Trường A"), "CĐTA");
        assert_eq!(short_name("LĐLĐ huyện Vĩnh Thuận"), "LĐLĐ");
    }

    #[test]
    fn unit_name_is_trimmed_and_bounded() {
        assert_eq!(
            normalize_unit_name("  CĐCS   Trường  THCS ").unwrap(),
            "CĐCS Trường THCS"
        );
        assert_eq!(normalize_unit_name(" a "), Err(UnitNameError::Length(1)));
        assert_eq!(
            normalize_unit_name(&"x".repeat(201)),
            Err(UnitNameError::Length(201))
        );
    }

    #[test]
    fn a_unit_name_with_nothing_visible_is_refused() {
        for raw in [
            "\u{200B}\u{200B}\u{200B}",
            "\u{202E}\u{202E}",
            "\u{0}\u{0}",
            "\u{FEFF}\u{2060}\u{00AD}",
            "",
        ] {
            assert_eq!(
                normalize_unit_name(raw),
                Err(UnitNameError::Invisible),
                "{raw:?}"
            );
        }
        assert_eq!(
            normalize_unit_name("A\u{200B}\u{200B}"),
            Err(UnitNameError::Length(1))
        );
    }
}
