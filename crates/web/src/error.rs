//! What a request can fail with: every use-case error
//! (`alongside_services::Error`, mapped here once) plus what only a request
//! can get wrong (it is malformed, or carries no credentials).
//!
//! Each face renders it in one place: pages with `html::error_page` (a
//! friendly page, or the form again with an error summary, which the form
//! handler does itself), the API as RFC 9457 problem+json
//! (`api::ProblemKind`), FHIR as an `OperationOutcome`
//! (`fhir::OperationOutcome`). An internal error shows only a request id;
//! its cause goes to the log.

use alongside_db::DbError;
use alongside_domain::{FieldErrors, IllegalTransition};

/// Everything a request can fail with.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// What was sent breaks validation rules, field by field.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// The request as a whole is malformed (a bad id, bad JSON).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// No such record in the actor's organisation (or no such page).
    #[error("not found")]
    NotFound,
    /// Not signed in, or a bad API token.
    #[error("not signed in")]
    Unauthenticated,
    /// The policy refused.
    #[error("forbidden")]
    Forbidden,
    /// The change clashes with the current state (a duplicate, a used link).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The state machine does not allow the change.
    #[error(transparent)]
    IllegalTransition(#[from] IllegalTransition),
    /// Too many attempts; try again later.
    #[error("too many requests")]
    TooManyRequests,
    /// The database cannot be reached.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected failure; details go to the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<alongside_services::Error> for Error {
    fn from(err: alongside_services::Error) -> Self {
        use alongside_services::Error as E;
        match err {
            E::Invalid(errors) => Error::Invalid(errors),
            E::NotFound => Error::NotFound,
            E::Forbidden => Error::Forbidden,
            E::Conflict(what) => Error::Conflict(what),
            E::IllegalTransition(t) => Error::IllegalTransition(t),
            E::TooManyRequests => Error::TooManyRequests,
            E::Unavailable(why) => Error::Unavailable(why),
            internal @ E::Internal(_) => Error::Internal(internal.chain()),
        }
    }
}

impl From<&alongside_services::Error> for Error {
    fn from(err: &alongside_services::Error) -> Self {
        use alongside_services::Error as E;
        match err {
            E::Invalid(errors) => Error::Invalid(errors.clone()),
            E::NotFound => Error::NotFound,
            E::Forbidden => Error::Forbidden,
            E::Conflict(what) => Error::Conflict(what.clone()),
            E::IllegalTransition(t) => Error::IllegalTransition(t.clone()),
            E::TooManyRequests => Error::TooManyRequests,
            E::Unavailable(why) => Error::Unavailable(why.clone()),
            E::Internal(_) => Error::Internal(err.chain()),
        }
    }
}

impl From<&Error> for Error {
    fn from(err: &Error) -> Self {
        err.clone()
    }
}

impl From<DbError> for Error {
    fn from(err: DbError) -> Self {
        alongside_services::Error::from(err).into()
    }
}

impl From<FieldErrors> for Error {
    fn from(errors: FieldErrors) -> Self {
        Error::Invalid(errors)
    }
}

impl Error {
    /// Logs server-side failures; client errors are not worth a log line.
    pub(crate) fn log(&self) {
        match self {
            Error::Internal(cause) => tracing::error!(%cause, "internal error"),
            Error::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            _ => {}
        }
    }
}

/// Each kind of error on each face: the page's status, the problem's status
/// and `type`, the `OperationOutcome`'s status and issue type.
#[cfg(test)]
mod faces {
    use alongside_domain::{FieldErrors, IllegalTransition};
    use axum::http::StatusCode;

    use super::Error;
    use crate::api::Problem;
    use crate::fhir::OperationOutcome;

    fn every_kind() -> Vec<(Error, StatusCode, &'static str, &'static str)> {
        let transition = IllegalTransition {
            thing: "programme",
            from: "archived",
            to: "archived",
        };
        vec![
            (
                Error::Invalid(FieldErrors::one("name", "Enter a name")),
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation-failed",
                "invalid",
            ),
            (
                Error::BadRequest("no".into()),
                StatusCode::BAD_REQUEST,
                "bad-request",
                "invalid",
            ),
            (
                Error::NotFound,
                StatusCode::NOT_FOUND,
                "not-found",
                "not-found",
            ),
            (
                Error::Unauthenticated,
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "security",
            ),
            (
                Error::Forbidden,
                StatusCode::FORBIDDEN,
                "forbidden",
                "forbidden",
            ),
            (
                Error::Conflict("taken".into()),
                StatusCode::CONFLICT,
                "conflict",
                "conflict",
            ),
            (
                Error::IllegalTransition(transition),
                StatusCode::CONFLICT,
                "illegal-transition",
                "business-rule",
            ),
            (
                Error::TooManyRequests,
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-requests",
                "throttled",
            ),
            (
                Error::Unavailable("down".into()),
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "transient",
            ),
            (
                Error::Internal("bug".into()),
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "exception",
            ),
        ]
    }

    #[test]
    fn every_face_answers_each_kind_with_the_same_status() {
        for (error, status, slug, issue) in every_kind() {
            let page = crate::html::error_page(error.clone(), None);
            assert_eq!(page.status(), status, "page for {error:?}");
            let problem = Problem::from(error.clone());
            assert_eq!(
                problem.body().status,
                status.as_u16(),
                "problem for {error:?}"
            );
            assert_eq!(problem.body().kind, format!("/problems/{slug}"));
            let outcome = OperationOutcome::from(error.clone());
            assert_eq!(outcome.status, status, "outcome for {error:?}");
            assert_eq!(outcome.issues[0].code, issue, "outcome for {error:?}");
        }
    }

    #[test]
    fn a_use_case_error_keeps_its_kind_on_the_faces() {
        let internal = alongside_services::Error::internal("stored data no longer reads");
        let mapped = Error::from(internal);
        assert!(
            matches!(&mapped, Error::Internal(cause) if cause.contains("stored data no longer reads")),
            "the cause chain is kept for the log: {mapped:?}"
        );
        let unavailable = Error::from(alongside_services::Error::Unavailable("gone".into()));
        assert_eq!(
            crate::html::error_page(unavailable, None).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
}
