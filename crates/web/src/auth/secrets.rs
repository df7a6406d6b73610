//! CSRF tokens for forms (tokens and their hashes are the services' own).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

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
    fn csrf_tokens_depend_on_key_and_seed() {
        let t = csrf_token(b"key", "seed");
        assert_eq!(t, csrf_token(b"key", "seed"));
        assert_ne!(t, csrf_token(b"key", "other"));
        assert_ne!(t, csrf_token(b"other key", "seed"));
    }
}
