//! `OperationOutcome`: every problem with a request, each with its FHIRPath.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::Error;
use crate::api::Problem;

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Always `error` here.
    pub severity: &'static str,
    /// The FHIR issue type: invalid, structure, required, value,
    /// not-supported, security, forbidden, not-found, conflict, exception.
    pub code: &'static str,
    /// What is wrong, for a person.
    pub diagnostics: String,
    /// Where, as FHIRPath.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expression: Vec<String>,
}

impl Issue {
    /// An error of type `code` at `expression` (empty for the whole request).
    #[must_use]
    pub fn new(code: &'static str, expression: &str, diagnostics: impl Into<String>) -> Self {
        Self {
            severity: "error",
            code,
            diagnostics: diagnostics.into(),
            expression: if expression.is_empty() {
                Vec::new()
            } else {
                vec![expression.to_owned()]
            },
        }
    }
}

/// An `OperationOutcome` with its HTTP status.
#[derive(Debug, Clone)]
pub struct OperationOutcome {
    /// The HTTP status to answer with.
    pub status: StatusCode,
    /// The problems.
    pub issues: Vec<Issue>,
}

impl OperationOutcome {
    /// One issue.
    #[must_use]
    pub fn one(status: StatusCode, issue: Issue) -> Self {
        Self {
            status,
            issues: vec![issue],
        }
    }

    /// A resource that breaks the rules: 422 with every issue found.
    #[must_use]
    pub fn invalid(issues: Vec<Issue>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            issues,
        }
    }
}

/// The FHIR issue type for each kind of error: an illegal status change
/// breaks a business rule, the database being away is transient.
fn issue_type(error: &Error) -> &'static str {
    match error {
        Error::Invalid(_) | Error::BadRequest(_) => "invalid",
        Error::Unauthenticated => "security",
        Error::Forbidden => "forbidden",
        Error::NotFound => "not-found",
        Error::Conflict(_) => "conflict",
        Error::IllegalTransition(_) => "business-rule",
        Error::TooManyRequests => "throttled",
        Error::Unavailable(_) => "transient",
        Error::Internal(_) => "exception",
    }
}

impl From<Error> for OperationOutcome {
    fn from(error: Error) -> Self {
        let code = issue_type(&error);
        let problem = Problem::from(error);
        let body = problem.body();
        let status = StatusCode::from_u16(body.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self::one(status, Issue::new(code, "", body.detail.clone()))
    }
}

impl From<alongside_services::Error> for OperationOutcome {
    fn from(error: alongside_services::Error) -> Self {
        Self::from(Error::from(error))
    }
}

/// A refusal before the handler ran (no token, a role that may not): the
/// authorisation extractors answer with a problem, turned into an outcome.
impl From<Problem> for OperationOutcome {
    fn from(problem: Problem) -> Self {
        let body = problem.body();
        let status = StatusCode::from_u16(body.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let code = match status {
            StatusCode::UNAUTHORIZED => "security",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::NOT_FOUND => "not-found",
            StatusCode::CONFLICT => "conflict",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid",
            s if s.is_server_error() => "exception",
            _ => "invalid",
        };
        Self::one(status, Issue::new(code, "", body.detail.clone()))
    }
}

impl IntoResponse for OperationOutcome {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "resourceType": "OperationOutcome",
            "issue": self.issues,
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(super::FHIR_JSON),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<alongside_evaluation::fhir_questionnaire::Issue> for Issue {
    fn from(issue: alongside_evaluation::fhir_questionnaire::Issue) -> Self {
        Issue::new(issue.code, &issue.at, issue.message)
    }
}
