//! FHIR R4 for referrers' systems: `ServiceRequest` in (a referral with its
//! patient contained), `ServiceRequest` out (where the referral stands),
//! `Questionnaire` (the outcome instruments) and `QuestionnaireResponse`
//! (answers recorded for a referral), and a `CapabilityStatement` at
//! `metadata`. Errors are `OperationOutcome`s
//! whose issues name each problem by FHIRPath.
//!
//! Mapping of a referral's status to `ServiceRequest.status`: received, in
//! triage, on a waiting list and placed are `active`; closed after being
//! placed is `completed`; signposted, declined, or closed without a place is
//! `revoked`. A note says the outcome in words.

mod capability;
pub(crate) use alongside_evaluation::fhir_questionnaire as custom;
mod outcome;
mod questionnaire;
mod questionnaire_response;
mod service_request;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

pub use outcome::{Issue, OperationOutcome};

use crate::AppState;

/// The FHIR media type.
pub const FHIR_JSON: &str = "application/fhir+json";

/// A FHIR JSON response.
pub(crate) fn fhir(status: StatusCode, body: Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(FHIR_JSON),
    );
    response
}

/// The id in a FHIR id or reference segment, when it is a whole UUID in
/// its usual 36-character form.
pub(crate) fn uuid_of(text: &str) -> Option<uuid::Uuid> {
    uuid::Uuid::try_parse(text)
        .ok()
        .filter(|_| text.len() == 36)
}

/// The JSON body of a create, or why it cannot be read: the wrong media
/// type, or not JSON at all.
pub(crate) fn read_body(headers: &HeaderMap, body: &Bytes) -> Result<Value, OperationOutcome> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(FHIR_JSON) || v.starts_with("application/json"));
    if !json {
        return Err(OperationOutcome::one(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Issue::new(
                "not-supported",
                "",
                "Send the resource as application/fhir+json",
            ),
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        OperationOutcome::one(
            StatusCode::BAD_REQUEST,
            Issue::new("structure", "", format!("The body is not valid JSON: {e}")),
        )
    })
}

/// The routes under `/fhir`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/metadata", get(capability::metadata))
        .route(
            "/ServiceRequest",
            get(service_request::search).post(service_request::create),
        )
        .route("/ServiceRequest/{id}", get(service_request::read))
        .route(
            "/Questionnaire",
            get(questionnaire::search).post(questionnaire::create_questionnaire),
        )
        .route("/Questionnaire/{id}", get(questionnaire::read))
        .route(
            "/QuestionnaireResponse",
            get(questionnaire_response::search).post(questionnaire_response::create),
        )
}
