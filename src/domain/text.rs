//! Small text helpers for matching what chairs type on their phones.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Folds text for matching: lowercase, Vietnamese diacritics removed
/// (`đ`/`Đ` become `d`), runs of whitespace collapsed to one space, trimmed.
/// Invisible characters that phone keyboards sometimes insert (zero-width
/// spaces and joiners, soft hyphens, byte-order marks) are dropped.
///
/// `"  Tỷ  Đồng "` folds to `"ty dong"`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars().flat_map(char::to_lowercase).nfd() {
        if is_combining_mark(c) || is_invisible(c) {
            continue;
        }
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

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::fold;

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
