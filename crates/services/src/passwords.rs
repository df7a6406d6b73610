//! Password hashing (argon2, through `password-auth`) off the async runtime:
//! a hash takes tens of milliseconds of CPU, which would stall other requests.

use std::sync::OnceLock;

use alongside_domain::FieldErrors;
use alongside_domain::account::NewPassword;

use crate::Error;

/// Hashes a password on a blocking thread.
///
/// # Errors
/// [`Error::Internal`] if the blocking pool fails.
pub async fn hash(password: String) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|e| Error::Internal(Box::new(e)))
}

/// Whether `password` matches `hash`, checked on a blocking thread. With no
/// hash (no such account), a dummy hash is checked so that the answer takes
/// as long as for a real account.
///
/// # Errors
/// [`Error::Internal`] if the blocking pool fails.
pub async fn verify(password: String, hash: Option<String>) -> Result<bool, Error> {
    tokio::task::spawn_blocking(move || {
        if let Some(hash) = hash {
            password_auth::verify_password(password, &hash).is_ok()
        } else {
            static DUMMY: OnceLock<String> = OnceLock::new();
            let dummy = DUMMY.get_or_init(|| password_auth::generate_hash("not a real password"));
            let _ = password_auth::verify_password(password, dummy);
            false
        }
    })
    .await
    .map_err(|e| Error::Internal(Box::new(e)))
}

/// A new password and its confirmation as typed (`new_password`,
/// `confirm_password`), checked after whatever `errors` holds already: the
/// password when it is strong enough, matches, and nothing else is wrong.
///
/// # Errors
/// [`Error::Invalid`] with every problem, these and those before.
pub(crate) fn chosen(
    new: &str,
    confirm: &str,
    mut errors: FieldErrors,
) -> Result<NewPassword, Error> {
    let new = errors.check("new_password", NewPassword::parse(new));
    if new.is_some() && confirm != new.as_ref().map_or("", NewPassword::expose) {
        errors.add("confirm_password", "The passwords do not match");
    }
    match new {
        Some(new) if errors.is_empty() => Ok(new),
        _ => Err(Error::Invalid(errors)),
    }
}
