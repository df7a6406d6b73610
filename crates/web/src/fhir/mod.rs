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
mod outcome;
mod questionnaire;
mod service_request;

use axum::Router;
use axum::routing::get;

pub use outcome::{Issue, OperationOutcome};

use crate::AppState;

/// The FHIR media type.
pub const FHIR_JSON: &str = "application/fhir+json";

/// The routes under `/fhir`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/metadata", get(capability::metadata))
        .route(
            "/ServiceRequest",
            get(service_request::search).post(service_request::create),
        )
        .route("/ServiceRequest/{id}", get(service_request::read))
        .route("/Questionnaire", get(questionnaire::search))
        .route("/Questionnaire/{id}", get(questionnaire::read))
        .route(
            "/QuestionnaireResponse",
            get(questionnaire::search_responses).post(questionnaire::create),
        )
}
