//! The CapabilityStatement: what this server supports.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::json;

use crate::AppState;

/// `GET /fhir/metadata`: no sign-in needed, as FHIR clients expect.
pub async fn metadata(State(state): State<AppState>) -> impl IntoResponse {
    let base = state.settings().public_url.trim_end_matches('/');
    let body = json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-24",
        "kind": "instance",
        "software": {"name": "Alongside", "version": env!("CARGO_PKG_VERSION")},
        "implementation": {"description": "Alongside peer support referrals", "url": format!("{base}/fhir")},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [{
            "mode": "server",
            "documentation": "Referrals in as ServiceRequest with the patient contained (subject.reference = \"#id\"). The submission of an authenticated professional confirms the person agreed to the referral (recorded as verbal consent to store their details and to be contacted by the phone and email given). code defaults to SNOMED CT 871731000000106 (referral to social prescribing service). status on read: active while received, in triage, on a waiting list or placed; completed once closed after a place; revoked when signposted, declined or closed otherwise. A referrer reads only their own referrals. Send an Idempotency-Key header to make a retried create safe.",
            "security": {
                "description": "Personal API token of an Alongside account whose role may refer, as Authorization: Bearer TOKEN."
            },
            "resource": [{
                "type": "ServiceRequest",
                "profile": "http://hl7.org/fhir/StructureDefinition/ServiceRequest",
                "interaction": [
                    {"code": "create"},
                    {"code": "read"},
                    {"code": "search-type"}
                ],
                "searchParam": []
            }, {
                "type": "Questionnaire",
                "profile": "http://hl7.org/fhir/StructureDefinition/Questionnaire",
                "documentation": format!("The outcome instruments whose text Alongside may publish (PHQ-9, GAD-7, SEMCD-6, GSE-10, ONS4, UCLA-3), and the organisation's own questionnaires; any signed-in role may read them. Coordinators and admins create their own: item types group, display, boolean, integer, decimal, string, text and choice (answerOption as valueCoding, valueString or valueInteger, with the ordinalValue extension for scores), required and repeats. To score one, add an extension with url {base}/fhir/StructureDefinition/scoring and valueCode sum or mean, and one with url {base}/fhir/StructureDefinition/higher-is-better and valueBoolean."),
                "interaction": [{"code": "read"}, {"code": "search-type"}, {"code": "create"}],
                "searchParam": []
            }, {
                "type": "QuestionnaireResponse",
                "profile": "http://hl7.org/fhir/StructureDefinition/QuestionnaireResponse",
                "documentation": format!("Answers for a referral, by coordinators' and admins' tokens. basedOn[0] names the referral (ServiceRequest/{{id}}); the timepoint is an extension with url {base}/fhir/StructureDefinition/timepoint and valueString, a timepoint of the programme's schedule (Baseline, End of support, Two months after the end or Five months after the end unless the programme set its own); authored is the day the person answered. Answers are valueCoding codes of the item's answerOption. status completed submits (it must be scorable; a later one for the same timepoint is kept as a new version), in-progress keeps a draft. Search with based-on=ServiceRequest/{{id}}."),
                "interaction": [{"code": "create"}, {"code": "search-type"}],
                "searchParam": [{"name": "based-on", "type": "reference"}]
            }]
        }]
    });
    ([(header::CONTENT_TYPE, super::FHIR_JSON)], axum::Json(body))
}
