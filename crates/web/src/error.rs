//! One closed error type, three renderers.
//!
//! Services return [`Error`]. Pages render it with [`crate::html::error_page`]
//! (a friendly page, or the form again with an error summary, which the form
//! handler does itself); the API renders it as RFC 9457 problem+json with a
//! stable `type` per kind ([`ProblemKind`]). An internal error shows only a
//! request id; its cause goes to the log.

use alongside_db::DbError;
use alongside_domain::{FieldErrors, IllegalTransition};
use axum::http::StatusCode;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
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

impl From<DbError> for Error {
    fn from(err: DbError) -> Self {
        match err {
            DbError::NotFound => Error::NotFound,
            DbError::Conflict(what) => Error::Conflict(what.to_owned()),
            DbError::Unavailable(why) => Error::Unavailable(why),
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<FieldErrors> for Error {
    fn from(errors: FieldErrors) -> Self {
        Error::Invalid(errors)
    }
}

/// The stable kinds of problem the API reports; each is a `type` URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// 422: fields break validation rules; `errors` lists them.
    ValidationFailed,
    /// 400: malformed request (JSON syntax, bad id, wrong content type).
    BadRequest,
    /// 401: no or bad credentials.
    Unauthenticated,
    /// 403: the role may not do this.
    Forbidden,
    /// 404: no such resource here.
    NotFound,
    /// 409: clashes with current state.
    Conflict,
    /// 409: the status change is not allowed from the current status.
    IllegalTransition,
    /// 413: the body is too large.
    PayloadTooLarge,
    /// 415: the body is not JSON.
    UnsupportedMediaType,
    /// 429: too many requests.
    TooManyRequests,
    /// 503: the database is unavailable.
    Unavailable,
    /// 500: something went wrong on our side.
    Internal,
}

impl ProblemKind {
    /// Every kind, for documentation and tests.
    pub const ALL: [ProblemKind; 12] = [
        Self::ValidationFailed,
        Self::BadRequest,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::NotFound,
        Self::Conflict,
        Self::IllegalTransition,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::TooManyRequests,
        Self::Unavailable,
        Self::Internal,
    ];

    /// The slug of the `type` URI, `/problems/{slug}`.
    #[must_use]
    pub const fn slug(self) -> &'static str {
        match self {
            Self::ValidationFailed => "validation-failed",
            Self::BadRequest => "bad-request",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not-found",
            Self::Conflict => "conflict",
            Self::IllegalTransition => "illegal-transition",
            Self::PayloadTooLarge => "payload-too-large",
            Self::UnsupportedMediaType => "unsupported-media-type",
            Self::TooManyRequests => "too-many-requests",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }

    /// The HTTP status.
    #[must_use]
    pub const fn status(self) -> StatusCode {
        match self {
            Self::ValidationFailed => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict | Self::IllegalTransition => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The short, fixed title.
    #[must_use]
    pub const fn title(self) -> &'static str {
        match self {
            Self::ValidationFailed => "Some fields are not valid",
            Self::BadRequest => "The request is malformed",
            Self::Unauthenticated => "Authentication is needed",
            Self::Forbidden => "This is not allowed for your role",
            Self::NotFound => "Not found",
            Self::Conflict => "This clashes with the current state",
            Self::IllegalTransition => "This status change is not allowed",
            Self::PayloadTooLarge => "The request body is too large",
            Self::UnsupportedMediaType => "The request body must be JSON",
            Self::TooManyRequests => "Too many requests",
            Self::Unavailable => "The service is unavailable",
            Self::Internal => "Something went wrong",
        }
    }

    /// The kind with this slug.
    #[must_use]
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }
}

impl Error {
    /// Which problem kind the API reports for this error.
    #[must_use]
    pub fn kind(&self) -> ProblemKind {
        match self {
            Error::Invalid(_) => ProblemKind::ValidationFailed,
            Error::BadRequest(_) => ProblemKind::BadRequest,
            Error::NotFound => ProblemKind::NotFound,
            Error::Unauthenticated => ProblemKind::Unauthenticated,
            Error::Forbidden => ProblemKind::Forbidden,
            Error::Conflict(_) => ProblemKind::Conflict,
            Error::IllegalTransition(_) => ProblemKind::IllegalTransition,
            Error::TooManyRequests => ProblemKind::TooManyRequests,
            Error::Unavailable(_) => ProblemKind::Unavailable,
            Error::Internal(_) => ProblemKind::Internal,
        }
    }

    /// Logs server-side failures; client errors are not worth a log line.
    pub(crate) fn log(&self) {
        match self {
            Error::Internal(cause) => tracing::error!(%cause, "internal error"),
            Error::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            _ => {}
        }
    }
}

/// The fallback for unknown paths: problem+json under `/api/`, a page elsewhere.
pub async fn fallback(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        crate::api::Problem::from(Error::NotFound).into_response()
    } else {
        crate::html::error_page(&Error::NotFound, None).into_response()
    }
}

/// What a panic in a handler turns into: a plain 500, the cause logged.
pub fn panic_response(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let cause = cause
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| cause.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default();
    tracing::error!(%cause, "handler panicked");
    crate::html::error_page(&Error::Internal(cause), None).into_response()
}
