//! RFC 9457 problem details.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use axum::http::StatusCode;

use crate::error::Error;

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
    /// The kind the API reports for `error`.
    #[must_use]
    pub fn of(error: &Error) -> Self {
        match error {
            Error::Invalid(_) => Self::ValidationFailed,
            Error::BadRequest(_) => Self::BadRequest,
            Error::NotFound => Self::NotFound,
            Error::Unauthenticated => Self::Unauthenticated,
            Error::Forbidden => Self::Forbidden,
            Error::Conflict(_) => Self::Conflict,
            Error::IllegalTransition(_) => Self::IllegalTransition,
            Error::TooManyRequests => Self::TooManyRequests,
            Error::Unavailable(_) => Self::Unavailable,
            Error::Internal(_) => Self::Internal,
        }
    }

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

/// One field's problem, pointing into the request body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// JSON pointer to the field in the request body.
    #[schema(example = "/name")]
    pub pointer: String,
    /// What is wrong and how to put it right.
    #[schema(example = "Enter a programme name")]
    pub detail: String,
}

/// A problem details body (RFC 9457), served as `application/problem+json`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemBody {
    /// Stable URI of the kind of problem; a page documents each.
    #[serde(rename = "type")]
    #[schema(example = "/problems/validation-failed")]
    pub kind: String,
    /// Short summary of the kind; the same for every occurrence.
    #[schema(example = "Some fields are not valid")]
    pub title: String,
    /// The HTTP status.
    #[schema(example = 422)]
    pub status: u16,
    /// What went wrong this time.
    #[schema(example = "1 field is not valid")]
    pub detail: String,
    /// Field-level problems, for validation failures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

/// An error as the API answers it.
#[derive(Debug)]
pub struct Problem {
    body: ProblemBody,
}

impl Problem {
    /// A problem of `kind` with a detail message.
    #[must_use]
    pub fn new(kind: ProblemKind, detail: impl Into<String>) -> Self {
        Self {
            body: ProblemBody {
                kind: format!("/problems/{}", kind.slug()),
                title: kind.title().to_owned(),
                status: kind.status().as_u16(),
                detail: detail.into(),
                errors: Vec::new(),
            },
        }
    }

    /// A validation failure whose field names are mapped to JSON pointers
    /// by `pointer` (`dob_day` → `/person/birth_date`).
    #[must_use]
    pub fn invalid(
        errors: &alongside_domain::FieldErrors,
        pointer: impl Fn(&str) -> String,
    ) -> Self {
        let n = errors.as_slice().len();
        let mut problem = Problem::new(
            ProblemKind::ValidationFailed,
            format!(
                "{n} field{} not valid",
                if n == 1 { " is" } else { "s are" }
            ),
        );
        problem.body.errors = errors
            .as_slice()
            .iter()
            .map(|e| FieldProblem {
                pointer: pointer(e.field),
                detail: e.message.clone(),
            })
            .collect();
        problem
    }

    /// The body, for tests and logs.
    #[must_use]
    pub fn body(&self) -> &ProblemBody {
        &self.body
    }
}

impl From<Error> for Problem {
    fn from(error: Error) -> Self {
        error.log();
        let kind = ProblemKind::of(&error);
        match error {
            Error::Invalid(errors) => Problem::invalid(&errors, |field| format!("/{field}")),
            Error::BadRequest(detail) | Error::Conflict(detail) => Problem::new(kind, detail),
            Error::IllegalTransition(t) => Problem::new(
                kind,
                alongside_domain::validation::capitalise(&t.to_string()),
            ),
            Error::NotFound => {
                Problem::new(kind, "There is no such resource in your organisation.")
            }
            Error::Unauthenticated => Problem::new(
                kind,
                "Send a valid personal API token as Authorization: Bearer TOKEN.",
            ),
            Error::Forbidden => Problem::new(kind, "Your role does not allow this action."),
            Error::TooManyRequests => Problem::new(kind, "Wait a minute, then try again."),
            Error::Unavailable(_) => {
                Problem::new(kind, "The database is unavailable. Try again shortly.")
            }
            Error::Internal(_) => Problem::new(
                kind,
                "Something went wrong on our side. Quote the X-Request-Id response header when you report it.",
            ),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = axum::http::StatusCode::from_u16(self.body.status)
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(self.body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == axum::http::StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<alongside_services::Error> for Problem {
    fn from(error: alongside_services::Error) -> Self {
        Problem::from(Error::from(error))
    }
}
