//! Accounts: email addresses, passwords and the sign-in lockout rule.

use std::fmt;

use chrono::{DateTime, Duration, Utc};

/// An email address, trimmed and lower-cased, with one `@` and a dotted domain.
///
/// This is a shape check only; an invitation link proves the address works.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

/// Why an email address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidEmail {
    /// Nothing was entered.
    #[error("Enter an email address")]
    Empty,
    /// Longer than the 254 characters SMTP allows.
    #[error("Email address must be 254 characters or fewer")]
    TooLong,
    /// Not of the form name@example.org.
    #[error("Enter an email address in the correct format, like name@example.org")]
    Format,
}

impl EmailAddress {
    /// Parses and normalises an address.
    ///
    /// # Errors
    /// [`InvalidEmail`] when empty, too long or not shaped like an address.
    pub fn parse(value: &str) -> Result<Self, InvalidEmail> {
        let value = value.trim().to_lowercase();
        if value.is_empty() {
            return Err(InvalidEmail::Empty);
        }
        if value.len() > 254 {
            return Err(InvalidEmail::TooLong);
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err(InvalidEmail::Format);
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c == '@' || c.is_control());
        if domain_ok && local_ok {
            Ok(Self(value))
        } else {
            Err(InvalidEmail::Format)
        }
    }

    /// The normalised address.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password that meets the policy: 10 to 128 characters, not one
/// character repeated, and not one of the passwords everyone tries first.
///
/// Length over composition rules, as the NCSC advises.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

/// Why a new password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    /// Fewer than [`NewPassword::MIN_CHARS`] characters.
    #[error("Password must be at least 10 characters")]
    TooShort,
    /// More than [`NewPassword::MAX_CHARS`] characters.
    #[error("Password must be 128 characters or fewer")]
    TooLong,
    /// Guessable: a common password, or one character repeated.
    #[error("Choose a password that is harder to guess")]
    Guessable,
}

/// Passwords that appear at the top of every breach list, long enough to pass
/// the length rule.
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "12345678910",
    "0123456789",
    "qwertyuiop",
    "password12",
    "password123",
    "password1234",
    "iloveyou123",
    "qwerty1234",
    "1q2w3e4r5t",
    "abcdefghij",
    "letmein123",
    "welcome123",
    "changeme123",
    "passw0rd123",
];

impl NewPassword {
    /// Fewest characters accepted.
    pub const MIN_CHARS: usize = 10;
    /// Most characters accepted (argon2 would take more, but nobody types them).
    pub const MAX_CHARS: usize = 128;

    /// Checks a password against the policy.
    ///
    /// # Errors
    /// [`WeakPassword`] saying which rule failed.
    pub fn parse(value: &str) -> Result<Self, WeakPassword> {
        let count = value.chars().count();
        if count < Self::MIN_CHARS {
            return Err(WeakPassword::TooShort);
        }
        if count > Self::MAX_CHARS {
            return Err(WeakPassword::TooLong);
        }
        let lower = value.to_lowercase();
        let first = value.chars().next();
        if COMMON_PASSWORDS.contains(&lower.as_str()) || value.chars().all(|c| Some(c) == first) {
            return Err(WeakPassword::Guessable);
        }
        Ok(Self(value.to_owned()))
    }

    /// The password, to be hashed; never stored or logged as it is.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// The lockout rule: after [`Lockout::MAX_FAILURES`] wrong passwords in a row
/// an account is locked for [`Lockout::DURATION_MINUTES`] minutes, whatever is
/// typed next. A right password resets the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    /// Wrong passwords since the last right one.
    pub failures: u32,
    /// Until when the account refuses every password, if locked.
    pub locked_until: Option<DateTime<Utc>>,
}

impl Lockout {
    /// Wrong passwords in a row that lock an account.
    pub const MAX_FAILURES: u32 = 5;
    /// How long a lock lasts.
    pub const DURATION_MINUTES: i64 = 15;

    /// Whether the account refuses sign-in at `now`.
    #[must_use]
    pub fn is_locked(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }

    /// The state after one more wrong password at `now`.
    #[must_use]
    pub fn after_failure(self, now: DateTime<Utc>) -> Self {
        // A lock that has run out starts a fresh count.
        let failures = if self.locked_until.is_some_and(|until| until <= now) {
            1
        } else {
            self.failures + 1
        };
        let locked_until = if failures >= Self::MAX_FAILURES {
            Some(now + Duration::minutes(Self::DURATION_MINUTES))
        } else {
            None
        };
        Self {
            failures: if locked_until.is_some() { 0 } else { failures },
            locked_until,
        }
    }

    /// The state after a right password.
    #[must_use]
    pub fn after_success() -> Self {
        Self {
            failures: 0,
            locked_until: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_are_normalised() {
        assert_eq!(
            EmailAddress::parse("  Sam.Jones@Example.ORG ")
                .unwrap()
                .as_str(),
            "sam.jones@example.org"
        );
    }

    #[test]
    fn malformed_email_addresses_are_rejected() {
        assert_eq!(EmailAddress::parse(" "), Err(InvalidEmail::Empty));
        for bad in [
            "sam",
            "sam@",
            "@example.org",
            "sam@example",
            "sam@@example.org",
            "sam jones@example.org",
            "sam@.example.org",
            "sam@example..org",
        ] {
            assert_eq!(EmailAddress::parse(bad), Err(InvalidEmail::Format), "{bad}");
        }
        assert_eq!(
            EmailAddress::parse(&format!("{}@example.org", "a".repeat(250))),
            Err(InvalidEmail::TooLong)
        );
    }

    #[test]
    fn password_length_is_bounded_on_both_sides() {
        assert_eq!(NewPassword::parse("short-pw9"), Err(WeakPassword::TooShort));
        assert!(NewPassword::parse("ten chars!").is_ok());
        assert!(NewPassword::parse(&"ab".repeat(64)).is_ok());
        assert_eq!(
            NewPassword::parse(&"ab".repeat(64).add_one()),
            Err(WeakPassword::TooLong)
        );
    }

    trait AddOne {
        fn add_one(self) -> String;
    }
    impl AddOne for String {
        fn add_one(mut self) -> String {
            self.push('x');
            self
        }
    }

    #[test]
    fn guessable_passwords_are_rejected() {
        assert_eq!(
            NewPassword::parse("Password123"),
            Err(WeakPassword::Guessable)
        );
        assert_eq!(
            NewPassword::parse("aaaaaaaaaaaa"),
            Err(WeakPassword::Guessable)
        );
        assert_eq!(
            format!("{:?}", NewPassword::parse("correct horse").unwrap()),
            "NewPassword(***)"
        );
    }

    #[test]
    fn five_failures_lock_an_account_for_fifteen_minutes() {
        let now = Utc::now();
        let mut state = Lockout {
            failures: 0,
            locked_until: None,
        };
        for _ in 0..4 {
            state = state.after_failure(now);
            assert!(!state.is_locked(now));
        }
        state = state.after_failure(now);
        assert!(state.is_locked(now));
        assert!(state.is_locked(now + Duration::minutes(14)));
        assert!(!state.is_locked(now + Duration::minutes(15)));
        // After the lock runs out, one more failure does not lock again at once.
        let later = now + Duration::minutes(16);
        assert!(!state.after_failure(later).is_locked(later));
    }
}
