//! Encryption at rest of free text that may hold sensitive details: what a
//! person says would help, risk information, triage notes, accessibility
//! needs.
//!
//! Each value is sealed with ChaCha20-Poly1305 under the deployment's data
//! key and a fresh random nonce, and stored as `v1.` followed by the base64
//! of nonce and ciphertext. The key never enters the database; a fingerprint
//! of it does, so a process started with the wrong key stops at once instead
//! of writing rows no one can read together with rows it cannot read.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

use crate::{DbError, DbResult};

const PREFIX: &str = "v1.";
const NONCE_BYTES: usize = 12;

/// The deployment's key for sealed columns.
#[derive(Clone)]
pub struct DataKey {
    cipher: ChaCha20Poly1305,
    fingerprint: String,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKey")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

/// A key file or value that is not a key.
#[derive(Debug, thiserror::Error)]
#[error("a data key must be 32 random bytes written as base64 (44 characters)")]
pub struct InvalidDataKey;

impl DataKey {
    /// A key from its 32 bytes.
    #[must_use]
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        let fingerprint = Sha256::new()
            .chain_update(b"alongside data key fingerprint\0")
            .chain_update(bytes)
            .finalize();
        Self {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&bytes)),
            fingerprint: fingerprint[..8]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        }
    }

    /// A new random key, and its base64 text to keep.
    #[must_use]
    pub fn generate() -> (Self, String) {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        (
            Self::from_bytes(bytes),
            base64::engine::general_purpose::STANDARD.encode(bytes),
        )
    }

    /// A key from its base64 text (surrounding white space ignored).
    ///
    /// # Errors
    /// [`InvalidDataKey`] for anything but 32 bytes of base64.
    pub fn from_base64(text: &str) -> Result<Self, InvalidDataKey> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| InvalidDataKey)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| InvalidDataKey)?;
        Ok(Self::from_bytes(bytes))
    }

    /// A short public fingerprint that tells keys apart without revealing them.
    #[must_use]
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Seals `plain` for storage.
    #[must_use]
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            // Encryption fails only for inputs of many gigabytes.
            .unwrap_or_default();
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Opens a stored value. Text stored before sealing began (without the
    /// `v1.` prefix) is returned as it is.
    ///
    /// # Errors
    /// [`DbError::Corrupt`] when the value was altered or sealed under
    /// another key.
    pub fn open(&self, stored: &str) -> DbResult<String> {
        let Some(body) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
        };
        let bad = || DbError::corrupt("sealed text", "cannot be opened with this data key");
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| bad())?;
        if bytes.len() < NONCE_BYTES {
            return Err(bad());
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), sealed)
            .map_err(|_| bad())?;
        String::from_utf8(plain).map_err(|_| bad())
    }

    /// [`DataKey::seal`] of an optional value.
    #[must_use]
    pub fn seal_opt(&self, plain: Option<&str>) -> Option<String> {
        plain.map(|p| self.seal(p))
    }

    /// [`DataKey::open`] of an optional value.
    ///
    /// # Errors
    /// As [`DataKey::open`].
    pub fn open_opt(&self, stored: Option<&str>) -> DbResult<Option<String>> {
        stored.map(|s| self.open(s)).transpose()
    }
}

/// Checks `key` against the fingerprint kept in the database, keeping it
/// there first if this is the first key the database sees.
///
/// # Errors
/// [`DbError::Conflict`] when the database was written with another key.
pub async fn check_key(db: &crate::Db, key: &DataKey) -> DbResult<()> {
    let kept = crate::instance_keys::get_or_create(
        db,
        "data_key_fingerprint",
        key.fingerprint(),
        chrono::Utc::now(),
    )
    .await?;
    if kept == key.fingerprint() {
        Ok(())
    } else {
        Err(DbError::Conflict(
            "the data key is not the one this database was written with",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_opens_with_its_key_only() {
        let (key, text) = DataKey::generate();
        let sealed = key.seal("Lives alone; had a fall in October");
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains("fall"));
        assert_eq!(
            key.open(&sealed).unwrap(),
            "Lives alone; had a fall in October"
        );
        // Same text, new nonce: nothing to compare between rows.
        assert_ne!(key.seal("same"), key.seal("same"));
        let again = DataKey::from_base64(&text).unwrap();
        assert_eq!(again.fingerprint(), key.fingerprint());
        assert_eq!(
            again.open(&sealed).unwrap(),
            "Lives alone; had a fall in October"
        );
        let (other, _) = DataKey::generate();
        assert!(matches!(other.open(&sealed), Err(DbError::Corrupt { .. })));
        assert_ne!(other.fingerprint(), key.fingerprint());
    }

    #[test]
    fn tampering_and_bad_keys_are_refused() {
        let (key, _) = DataKey::generate();
        let sealed = key.seal("note");
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(key.open(std::str::from_utf8(&tampered).unwrap()).is_err());
        assert!(key.open("v1.").is_err());
        assert_eq!(
            key.open("written before sealing").unwrap(),
            "written before sealing"
        );
        assert!(DataKey::from_base64("c2hvcnQ=").is_err());
        assert!(DataKey::from_base64("not base64 at all!").is_err());
    }
}
