//! One-time invite codes that bind a chat to a unit and a role.

use rand::Rng;

/// No 0/O, 1/I/L: codes are read aloud over the phone and typed on small keyboards.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const CODE_LEN: usize = 8;

pub fn generate() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Codes are case-insensitive and survive the spaces or dashes people add when copying.
pub fn normalize(raw: &str) -> Option<String> {
    let code: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b)) {
        Some(code)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_normalize_to_themselves() {
        for _ in 0..100 {
            let c = generate();
            assert_eq!(normalize(&c).as_deref(), Some(c.as_str()));
        }
    }

    #[test]
    fn normalize_is_case_insensitive_and_strict() {
        assert_eq!(normalize(" abcd-efgh ").as_deref(), Some("ABCDEFGH"));
        assert_eq!(normalize("abcd efgh").as_deref(), Some("ABCDEFGH"));
        assert_eq!(normalize("ABCDEFG"), None);
        assert_eq!(normalize("ABCDEFG0"), None);
        assert_eq!(normalize("dang ky!"), None);
    }
}
