//! What can go wrong in a use case: one closed enum. It says nothing of
//! HTTP; each face (pages, the JSON API, FHIR) maps it once.

use alongside_db::DbError;
use alongside_domain::{FieldErrors, IllegalTransition};

/// The cause behind an internal error, kept for the log only.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// What was given breaks validation rules, field by field.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// No such record in the actor's organisation.
    #[error("not found")]
    NotFound,
    /// The policy refused.
    #[error("forbidden")]
    Forbidden,
    /// The change clashes with the current state (a duplicate, a used link).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The state machine does not allow the change.
    #[error(transparent)]
    IllegalTransition(#[from] IllegalTransition),
    /// Too many attempts from one address; try again later.
    #[error("too many attempts")]
    TooManyRequests,
    /// The database cannot be reached.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected failure; the cause chain goes to the log only.
    #[error("internal error")]
    Internal(#[source] Cause),
}

impl Error {
    /// An internal error described in words, for failures with no error
    /// value of their own (stored data that no longer reads).
    #[must_use]
    pub fn internal(message: impl Into<String>) -> Self {
        Error::Internal(message.into().into())
    }

    /// The whole cause chain in one line, for the log.
    #[must_use]
    pub fn chain(&self) -> String {
        let mut out = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            out.push_str(": ");
            out.push_str(&cause.to_string());
            source = cause.source();
        }
        out
    }
}

impl From<DbError> for Error {
    fn from(err: DbError) -> Self {
        match err {
            DbError::NotFound => Error::NotFound,
            DbError::Conflict(what) => Error::Conflict(what.to_owned()),
            DbError::Unavailable(why) => Error::Unavailable(why),
            other => Error::Internal(Box::new(other)),
        }
    }
}

impl From<FieldErrors> for Error {
    fn from(errors: FieldErrors) -> Self {
        Error::Invalid(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cause_chain_is_kept_for_the_log() {
        let error = Error::from(DbError::Corrupt {
            entity: "referral",
            reason: "bad status".into(),
        });
        assert!(matches!(error, Error::Internal(_)));
        assert_eq!(
            error.chain(),
            "internal error: stored referral is invalid: bad status"
        );
        assert_eq!(Error::internal("odd").chain(), "internal error: odd");
    }

    #[test]
    fn database_failures_keep_their_meaning() {
        assert!(matches!(Error::from(DbError::NotFound), Error::NotFound));
        assert!(matches!(
            Error::from(DbError::Conflict("taken")),
            Error::Conflict(m) if m == "taken"
        ));
        assert!(matches!(
            Error::from(DbError::Unavailable("down".into())),
            Error::Unavailable(_)
        ));
    }
}
