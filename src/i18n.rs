//! The user's language. rust-i18n's global locale is process-wide, so every
//! translation names its locale explicitly.

use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Telegram's `language_code` ("en-US", "vi"...). Vietnamese unless the user's
    /// app speaks English: this is a Vietnamese product first.
    pub fn from_client(code: Option<&str>) -> Lang {
        match code {
            Some(c) if c.to_ascii_lowercase().starts_with("en") => Lang::En,
            _ => Lang::Vi,
        }
    }
}

/// An amount of money as this language writes it ("250.000.000 đồng", "250,000,000 VND").
pub fn money(lang: Lang, v: crate::domain::money::Vnd) -> String {
    let sep = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    trf(lang, "money.amount", &[("amount", &v.grouped(sep))])
}

/// Translate a key with no arguments.
pub fn tr(lang: Lang, key: &str) -> String {
    trf(lang, key, &[])
}

/// `trf` for a count: `{key}_one` when `n` is 1 ("1 file is needed"), `key` otherwise
/// ("3 files are needed"); both exist in every locale.
pub fn trn(lang: Lang, key: &str, n: usize, args: &[(&str, &str)]) -> String {
    let n_text = n.to_string();
    let mut all: Vec<(&str, &str)> = args.to_vec();
    all.push(("n", &n_text));
    match n {
        1 => trf(lang, &format!("{key}_one"), &all),
        _ => trf(lang, key, &all),
    }
}

/// Translate a key and fill `%{name}` placeholders. A placeholder left unfilled is a
/// bug at the call site ("Đã nộp %{at}" reached a person once): tests fail on it, and
/// a release build logs it.
pub fn trf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let template: Cow<str> = rust_i18n::t!(key, locale = lang.code());
    if let Some(name) = unfilled(&template, args) {
        debug_assert!(false, "placeholder %{{{name}}} of {key} left unfilled");
        tracing::error!(key, name, "placeholder left unfilled");
    }
    let mut text = template;
    for (name, value) in args {
        text = Cow::Owned(text.replace(&format!("%{{{name}}}"), value));
    }
    text.into_owned()
}

/// The first placeholder of `template` that `args` does not fill.
fn unfilled<'t>(template: &'t str, args: &[(&str, &str)]) -> Option<&'t str> {
    template
        .split("%{")
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .find(|name| !args.iter().any(|(given, _)| given == name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfilled_placeholders_are_found() {
        assert_eq!(unfilled("Đã nộp %{at}", &[]), Some("at"));
        assert_eq!(unfilled("Đã nộp %{at}", &[("at", "1/5")]), None);
        assert_eq!(unfilled("%{a} và %{b}", &[("a", "x")]), Some("b"));
        assert_eq!(unfilled("Không có", &[]), None);
    }

    #[test]
    #[should_panic(expected = "left unfilled")]
    fn a_key_with_placeholders_cannot_be_used_bare() {
        tr(Lang::Vi, "status.submitted");
    }
}
