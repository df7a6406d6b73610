//! RFC 9457 problem details.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{Error, ProblemKind};

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
        let kind = error.kind();
        match error {
            Error::Invalid(errors) => {
                let n = errors.as_slice().len();
                let mut problem = Problem::new(
                    kind,
                    format!(
                        "{n} field{} not valid",
                        if n == 1 { " is" } else { "s are" }
                    ),
                );
                problem.body.errors = errors
                    .as_slice()
                    .iter()
                    .map(|e| FieldProblem {
                        pointer: format!("/{}", e.field),
                        detail: e.message.clone(),
                    })
                    .collect();
                problem
            }
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
