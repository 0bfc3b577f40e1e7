//! Small text helpers for matching what chairs type on their phones.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Folds text for matching: lowercase, Vietnamese diacritics removed
/// (`đ`/`Đ` become `d`), runs of whitespace collapsed to one space, trimmed.
/// Invisible characters that phone keyboards sometimes insert (zero-width
/// spaces and joiners, soft hyphens, byte-order marks, direction marks) are dropped.
///
/// `"  Tỷ  Đồng "` folds to `"ty dong"`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    // NFKD folds the compatibility forms too: a fullwidth "ＣĐＣＳ" is "CĐCS". It comes
    // before lower-casing, since a form may unfold to a capital ("𝕆" is "O").
    for c in s.nfkd().flat_map(char::to_lowercase).nfd() {
        if is_combining_mark(c) || is_invisible(c) {
            continue;
        }
        let c = latin_lookalike(c);
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(if c == 'đ' { 'd' } else { c });
    }
    out
}

/// The Latin letter a Cyrillic or Greek one is drawn like, after lower-casing (a
/// list pasted from elsewhere had "СĐCS" with a Cyrillic С, which imported as a
/// second unit beside the real one); any other character as it is.
fn latin_lookalike(c: char) -> char {
    match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'е' | 'ε' => 'e',
        'һ' | 'н' => 'h',
        'і' | 'ι' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'ո' | 'η' => 'n',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' => 'u',
        'ν' => 'v',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'ԁ' => 'd',
        c => c,
    }
}

/// Text as it may be stored and shown: control characters (C0, C1) removed except
/// line breaks and tabs, the bidi overrides and isolates removed, and Unicode's
/// non-characters (U+FFFE, U+FFFF, U+FDD0–U+FDEF...) removed. PostgreSQL refuses
/// U+0000 in text, so a NUL that got in would make every later write of that row
/// fail; an override makes a name read backwards in staff's lists; XML forbids
/// U+FFFE and U+FFFF, so one in a work's name made its Word files unopenable.
/// A control character between two words stands for a space (a NUL pasted in place
/// of one must not glue them). A lone `\r` (old Mac line end) becomes `\n`.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let c = match c {
            '\r' if chars.peek() != Some(&'\n') => '\n',
            '\r' => continue,
            '\n' | '\t' => c,
            c if c.is_control() => {
                gap = true;
                continue;
            }
            c if is_bidi_control(c) || is_noncharacter(c) => continue,
            c => c,
        };
        if std::mem::take(&mut gap)
            && !c.is_whitespace()
            && out.chars().next_back().is_some_and(|p| !p.is_whitespace())
        {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A file's name as it may be stored and sent on: `clean`, and on one line: a line
/// break in a name reached the header of a multipart upload when the file was sent
/// to staff. Quotes and path separators become spaces too; an empty name is "tep".
pub fn clean_file_name(s: &str) -> String {
    let one_line: String = clean(s)
        .chars()
        .map(|c| match c {
            '\n' | '\t' | '"' | '/' | '\\' => ' ',
            c => c,
        })
        .collect();
    let name = one_line.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        "tep".into()
    } else {
        name
    }
}

/// Unicode's 66 non-characters: never meant to be exchanged, and U+FFFE/U+FFFF are
/// not allowed in XML at all.
fn is_noncharacter(c: char) -> bool {
    matches!(c, '\u{FDD0}'..='\u{FDEF}') || (c as u32) & 0xFFFE == 0xFFFE
}

/// How many characters a reader actually sees: whitespace, control characters and
/// the zero-width or formatting ones do not count. A name of only U+200B is
/// five characters long and shows as nothing.
pub fn visible_len(s: &str) -> usize {
    s.chars()
        .filter(|&c| !(c.is_whitespace() || c.is_control() || is_invisible(c)))
        .count()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no room on screen: format characters, fillers and
/// selectors (the ones seen in "blank" chat names), besides whitespace.
fn is_invisible(c: char) -> bool {
    is_bidi_control(c)
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2060}'..='\u{2064}'
                | '\u{206A}'..='\u{206F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

#[cfg(test)]
mod tests {
    use super::{clean, fold, visible_len};

    #[test]
    fn clean_removes_controls_and_bidi_overrides_but_keeps_lines() {
        let cases = [
            ("Mái ấm\u{0}", "Mái ấm"),
            (
                "a\u{0}b\u{7}c\u{1B}[0m\u{7F}d\u{85}e\u{9F}",
                "a b c [0m d e",
            ),
            ("Mái\u{0}ấm", "Mái ấm"),
            ("Mái \u{0}ấm\u{0}\u{0}", "Mái ấm"),
            ("\u{0}\u{1}đầu", "đầu"),
            // Non-characters: XML refuses the first two outright.
            (
                "Mái\u{FFFE} ấm\u{FFFF}\u{FDD0}\u{1FFFF}\u{10FFFE}",
                "Mái ấm",
            ),
            ("\u{FFFD}", "\u{FFFD}"),
            ("dòng 1\ndòng 2\tcột", "dòng 1\ndòng 2\tcột"),
            ("dòng 1\r\ndòng 2\rdòng 3", "dòng 1\ndòng 2\ndòng 3"),
            ("\u{202E}cba\u{202C} \u{2066}x\u{2069}", "cba x"),
            ("\u{202A}\u{202B}\u{202D}\u{2067}\u{2068}", ""),
            // Zero-width joiners build emoji and some scripts: they stay.
            ("👨\u{200D}👩", "👨\u{200D}👩"),
            ("Tỷ đồng", "Tỷ đồng"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "clean({input:?})");
        }
    }

    #[test]
    fn a_file_name_stays_on_one_line() {
        assert_eq!(
            super::clean_file_name("bao\r\ncao\"; x=\"y.pdf"),
            "bao cao ; x= y.pdf"
        );
        assert_eq!(
            super::clean_file_name("../../etc/passwd"),
            ".. .. etc passwd"
        );
        assert_eq!(super::clean_file_name("\n\u{0}"), "tep");
    }

    #[test]
    fn visible_len_counts_what_shows() {
        assert_eq!(visible_len("Mái ấm"), 5);
        assert_eq!(visible_len("\u{200B}\u{200B}\u{200B}\u{200B}\u{200B}"), 0);
        assert_eq!(
            visible_len("\u{202E}\u{202D}\u{2066}\u{0}\u{FEFF}\u{00AD}"),
            0
        );
        assert_eq!(
            visible_len("  \t\n\u{00A0}\u{3000}\u{200E}\u{200F}\u{2060}"),
            0
        );
        assert_eq!(visible_len("\u{3164}\u{3164}\u{2800}"), 0);
        assert_eq!(visible_len("a\u{200B}b"), 2);
    }

    #[test]
    fn folds_case_diacritics_and_spaces() {
        let cases = [
            ("  Tỷ  Đồng ", "ty dong"),
            ("", ""),
            ("   \t\n ", ""),
            ("TRIỆU", "trieu"),
            ("đ", "d"),
            ("Đ", "d"),
            ("nghìn ngàn", "nghin ngan"),
            ("Ngày 15 THÁNG 1 NĂM 2025", "ngay 15 thang 1 nam 2025"),
            ("hôm qua", "hom qua"),
            ("Ưu tiên ƠN", "uu tien on"),
            ("khoảng\t200\u{00A0}triệu", "khoang 200 trieu"),
            ("250\u{200B}tr", "250tr"),
            ("abc123", "abc123"),
            // Look-alikes: a Cyrillic С and Е, fullwidth letters, a ligature.
            ("\u{0421}ĐCS Trường \u{0415}", "cdcs truong e"),
            ("ＣĐＣＳ Ａ", "cdcs a"),
            ("ﬁ", "fi"),
            ("\u{1D546}", "o"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "fold({input:?})");
        }
    }

    #[test]
    fn precomposed_and_decomposed_input_fold_alike() {
        // "tỷ" typed as one precomposed letter and as y + hook above + dot below.
        let precomposed = "t\u{1EF7}";
        let decomposed = "ty\u{0309}";
        assert_eq!(fold(precomposed), "ty");
        assert_eq!(fold(decomposed), "ty");
        assert_eq!(fold("TRI\u{1EC6}U"), fold("trie\u{0323}\u{0302}u"));
    }
}
