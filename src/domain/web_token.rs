//! The secrets of the web pages: a one-time link's token and a session's cookie are
//! 128 random bits written as 32 hex digits; the database keeps only their SHA-256, so
//! a copy of it opens nothing.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new secret: 16 random bytes from the operating system's generator, in hex.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What the database keeps of a secret.
pub fn hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Whether `s` can be a secret at all: checked before the database is asked.
pub fn well_formed(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_128_bits_and_kept_as_their_hash() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert!(well_formed(&a) && well_formed(&b), "{a}");
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), a);
        assert!(!well_formed("ABCDEF") && !well_formed(&"g".repeat(32)));
    }
}
