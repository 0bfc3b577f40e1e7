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
    rust_i18n::t!(key, locale = lang.code()).into_owned()
}

/// Translate a key and fill `%{name}` placeholders.
pub fn trf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut text: Cow<str> = rust_i18n::t!(key, locale = lang.code());
    for (name, value) in args {
        text = Cow::Owned(text.replace(&format!("%{{{name}}}"), value));
    }
    text.into_owned()
}
