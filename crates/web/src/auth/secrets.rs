//! Random tokens, their stored hashes and CSRF tokens.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new random token: 32 bytes from a cryptographically secure generator
/// (ChaCha, seeded from the OS, per thread: no system call per token),
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
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The CSRF token for forms of the browser holding `seed` (its session or
/// visitor cookie): an HMAC, so nothing needs storing and another browser
/// cannot produce it.
#[must_use]
pub fn csrf_token(key: &[u8], seed: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(b"alongside-csrf:");
    mac.update(seed.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
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

    #[test]
    fn csrf_tokens_depend_on_key_and_seed() {
        let t = csrf_token(b"key", "seed");
        assert_eq!(t, csrf_token(b"key", "seed"));
        assert_ne!(t, csrf_token(b"key", "other"));
        assert_ne!(t, csrf_token(b"other key", "seed"));
    }
}
