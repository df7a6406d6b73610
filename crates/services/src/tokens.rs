//! Random tokens (sessions, API tokens, invitations, questionnaire links)
//! and the hashes the database stores instead of them.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new random token: 32 bytes from a cryptographically secure generator
/// (`ChaCha`, seeded from the OS, per thread: no system call per token),
/// base64url, with a prefix saying what it is for (`api_`, `inv_`, or none
/// for sessions).
#[must_use]
pub fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The SHA-256 of a token, hex: what the database stores. Tokens carry 256
/// random bits, so a fast hash is enough (no password stretching needed).
#[must_use]
pub fn hash_token(token: &str) -> String {
    use std::fmt::Write as _;
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().fold(String::with_capacity(64), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_prefixed() {
        let a = new_token("api_");
        assert!(a.starts_with("api_"));
        assert_eq!(a.len(), 4 + 43);
        assert_ne!(a, new_token("api_"));
    }

    #[test]
    fn hashes_are_stable_hex() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
