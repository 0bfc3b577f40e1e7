//! A person's full name as it goes on paper ("Họ và tên" under the signature): what is
//! accepted, and whether the name a channel gives already is one.

use super::text::{clean, fold, visible_len};

/// Longest full name kept (the longest Vietnamese names are about 40 characters).
pub const MAX_NAME: usize = 60;

/// Words that open a nickname or a form of address, not a name: "Chị Hoa", "Thầy Bình".
const ADDRESS: &[&str] = &[
    "chi", "anh", "em", "co", "chu", "bac", "thay", "ong", "ba", "di", "cau", "mr", "ms", "mrs",
    "miss", "dr",
];

/// Why a typed name was not taken; each is a locale key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameError {
    Empty,
    /// Digits, emoji or signs: "Hoa 🌸", "Lan123".
    NotLetters,
    /// A given name alone: a paper needs the family name too.
    OneWord,
    TooLong(usize),
}

impl NameError {
    pub fn key(self) -> &'static str {
        match self {
            NameError::Empty => "name.empty",
            NameError::NotLetters => "name.not_letters",
            NameError::OneWord => "name.one_word",
            NameError::TooLong(_) => "name.too_long",
        }
    }
}

/// The name as it will be printed: single-spaced, each word capitalised when it was
/// typed in lower case ("nguyen thi hoa" → "Nguyen Thi Hoa").
pub fn full_name(raw: &str) -> Result<String, NameError> {
    let text = clean(raw);
    let words: Vec<&str> = text.split_whitespace().collect();
    if visible_len(&text) == 0 {
        return Err(NameError::Empty);
    }
    let letter = |c: char| c.is_alphabetic() || matches!(c, '-' | '.' | '\'');
    if !words.iter().all(|w| w.chars().all(letter)) {
        return Err(NameError::NotLetters);
    }
    if words.len() < 2 {
        return Err(NameError::OneWord);
    }
    let name = words
        .iter()
        .map(|w| capitalised(w))
        .collect::<Vec<_>>()
        .join(" ");
    match name.chars().count() {
        n if n > MAX_NAME => Err(NameError::TooLong(n)),
        _ => Ok(name),
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) if first.is_lowercase() => first.to_uppercase().chain(chars).collect(),
        _ => word.to_string(),
    }
}

/// Whether a channel's display name can go on paper as it is: two to six capitalised
/// words of letters, not opening with a form of address. "Trần Văn Bình" is; "Chị Hoa",
/// "Hoa 🌸", "chi_hoa" (a login) and "Khách" are not, and the person is asked.
pub fn looks_like_full_name(display_name: &str) -> bool {
    let Ok(name) = full_name(display_name) else {
        return false;
    };
    let words: Vec<&str> = display_name.split_whitespace().collect();
    let first = fold(words[0]);
    name.split_whitespace().eq(words.iter().copied())
        && words.len() <= 6
        && !ADDRESS.contains(&first.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_name_is_tidied_or_refused_with_its_reason() {
        assert_eq!(full_name("  nguyen   thi hoa ").unwrap(), "Nguyen Thi Hoa");
        assert_eq!(full_name("Lê Kim Thoa").unwrap(), "Lê Kim Thoa");
        assert_eq!(full_name("đặng văn a").unwrap(), "Đặng Văn A");
        assert_eq!(full_name("   "), Err(NameError::Empty));
        assert_eq!(full_name("\u{200B}"), Err(NameError::Empty));
        assert_eq!(full_name("Hoa"), Err(NameError::OneWord));
        assert_eq!(full_name("1"), Err(NameError::NotLetters));
        assert_eq!(full_name("Hoa 🌸"), Err(NameError::NotLetters));
        assert_eq!(full_name("chi_hoa"), Err(NameError::NotLetters));
        assert_eq!(full_name(&"Ab ".repeat(30)), Err(NameError::TooLong(89)));
    }

    #[test]
    fn a_nickname_is_told_from_a_full_name() {
        for real in [
            "Trần Văn Bình",
            "Nguyen Van A",
            "Lê Kim Thoa",
            "Nguyễn Thị Minh Khai",
        ] {
            assert!(looks_like_full_name(real), "{real}");
        }
        for nick in [
            "Chị Hoa",
            "chi_hoa",
            "Khách",
            "Người đọc",
            "Chủ tịch 5",
            "Hoa 🌸",
            "Thầy Bình",
        ] {
            assert!(!looks_like_full_name(nick), "{nick}");
        }
    }
}
