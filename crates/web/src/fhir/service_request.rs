//! `ServiceRequest` create, read and search.

use alongside_db::referrals::QueueEntry;
use alongside_db::referrals::ReferralRecord;
use alongside_domain::FieldErrors;
use alongside_domain::person::{ConditionInput, PersonInput};
use alongside_domain::referral::{ReferralInput, ReferralStatus};
use alongside_domain::snomed::{self, SnomedCode};
use alongside_domain::validation::GivenDate;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Issue, OperationOutcome, fhir};
use crate::AppState;
use crate::api::Problem;
use crate::api::referrals::{idempotency_key, request_hash};
use crate::auth::ApiAuthorised;
use crate::auth::actions::MakeReferrals;
use crate::error::Error;
use crate::services::referrals::{self as service, Outcome};

/// The NHS number identifier system.
const NHS_NUMBER: &str = "https://fhir.nhs.uk/Id/nhs-number";
/// The extension that says a patient needs an interpreter.
const INTERPRETER: &str = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired";

/// Elements of ServiceRequest this server reads or tolerates.
const KNOWN: &[&str] = &[
    "resourceType",
    "id",
    "meta",
    "text",
    "contained",
    "extension",
    "identifier",
    "status",
    "intent",
    "category",
    "priority",
    "code",
    "subject",
    "authoredOn",
    "requester",
    "performer",
    "reasonCode",
    "reasonReference",
    "note",
    "occurrenceDateTime",
    "supportingInfo",
];

type Auth = Result<ApiAuthorised<MakeReferrals>, Problem>;

fn authorised(auth: Auth) -> Result<ApiAuthorised<MakeReferrals>, OperationOutcome> {
    auth.map_err(OperationOutcome::from)
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().trim().to_owned()
}

/// What a ServiceRequest says, read into a referral's input, with the path
/// of each field for messages.
struct Read {
    input: ReferralInput,
    nhs_path: String,
    issues: Vec<Issue>,
}

fn read_request(resource: &Value, account_name: &str) -> Read {
    let mut issues = Vec::new();
    let object = resource.as_object().cloned().unwrap_or_default();
    for key in object.keys() {
        if !KNOWN.contains(&key.as_str()) {
            issues.push(Issue::new(
                "structure",
                &format!("ServiceRequest.{key}"),
                format!("Unknown element '{key}'"),
            ));
        }
    }
    match resource["status"].as_str() {
        Some("active") => {}
        Some(other) => issues.push(Issue::new(
            "value",
            "ServiceRequest.status",
            format!("status must be 'active' for a new referral, not '{other}'"),
        )),
        None => issues.push(Issue::new(
            "required",
            "ServiceRequest.status",
            "status is required",
        )),
    }
    match resource["intent"].as_str() {
        Some("order" | "original-order" | "plan" | "proposal") => {}
        Some(other) => issues.push(Issue::new(
            "value",
            "ServiceRequest.intent",
            format!("intent '{other}' is not one this server accepts (order, original-order, plan, proposal)"),
        )),
        None => issues.push(Issue::new("required", "ServiceRequest.intent", "intent is required")),
    }

    // The patient: contained, referenced as "#id".
    let contained = resource["contained"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let patient = match resource["subject"]["reference"].as_str() {
        None => {
            issues.push(Issue::new(
                "required",
                "ServiceRequest.subject",
                "subject is required: a reference to the Patient, contained in this ServiceRequest",
            ));
            None
        }
        Some(reference) => match reference.strip_prefix('#') {
            Some(id) => {
                let found = contained
                    .iter()
                    .find(|r| r["resourceType"] == "Patient" && r["id"].as_str() == Some(id));
                if found.is_none() {
                    issues.push(Issue::new(
                        "invalid",
                        "ServiceRequest.subject.reference",
                        format!("No contained Patient has the id '{id}'"),
                    ));
                }
                found.cloned()
            }
            None => {
                issues.push(Issue::new(
                    "not-supported",
                    "ServiceRequest.subject.reference",
                    "The Patient must be contained in the ServiceRequest (subject.reference = \"#id\")",
                ));
                None
            }
        },
    };
    let patient = patient.unwrap_or(Value::Null);

    // Names: the official (or first) for given and family, a usual one for
    // the preferred name.
    let names = patient["name"].as_array().cloned().unwrap_or_default();
    let official = names
        .iter()
        .find(|n| n["use"] == "official")
        .or_else(|| names.first())
        .cloned()
        .unwrap_or(Value::Null);
    let usual = names
        .iter()
        .find(|n| n["use"] == "usual")
        .and_then(|n| n["given"][0].as_str())
        .unwrap_or_default()
        .to_owned();
    let identifiers = patient["identifier"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let nhs_index = identifiers.iter().position(|i| i["system"] == NHS_NUMBER);
    let nhs_path = format!("Patient.identifier[{}].value", nhs_index.unwrap_or(0));
    let nhs_number = nhs_index
        .map(|i| text(&identifiers[i]["value"]))
        .unwrap_or_default();
    let telecom = patient["telecom"].as_array().cloned().unwrap_or_default();
    let contact = |system: &str| {
        telecom
            .iter()
            .find(|t| t["system"] == system)
            .map(|t| text(&t["value"]))
            .unwrap_or_default()
    };
    let address = &patient["address"][0];
    let lines: Vec<String> = address["line"]
        .as_array()
        .map(|l| l.iter().map(text).collect())
        .unwrap_or_default();
    let birth_date = text(&patient["birthDate"]);
    let language = {
        let language = &patient["communication"][0]["language"];
        let shown = text(&language["text"]);
        if shown.is_empty() {
            text(&language["coding"][0]["display"])
        } else {
            shown
        }
    };
    let interpreter = patient["extension"].as_array().is_some_and(|e| {
        e.iter()
            .any(|x| x["url"] == INTERPRETER && x["valueBoolean"] == true)
    });

    // Why: coded reasons become the person's conditions; words and notes the reason.
    let mut conditions = Vec::new();
    let mut reasons: Vec<String> = Vec::new();
    for (i, reason) in resource["reasonCode"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let coding = reason["coding"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["system"] == snomed::SYSTEM))
            .cloned();
        match coding {
            Some(coding) => {
                let code = text(&coding["code"]);
                if SnomedCode::parse(&code).is_err() {
                    issues.push(Issue::new(
                        "value",
                        &format!("ServiceRequest.reasonCode[{i}].coding.code"),
                        "Not a valid SNOMED CT code",
                    ));
                }
                let display = text(&coding["display"]);
                conditions.push(ConditionInput {
                    description: if display.is_empty() {
                        text(&reason["text"])
                    } else {
                        display
                    },
                    code,
                });
            }
            None => {
                let words = text(&reason["text"]);
                if !words.is_empty() {
                    reasons.push(words);
                }
            }
        }
    }
    for note in resource["note"].as_array().cloned().unwrap_or_default() {
        let words = text(&note["text"]);
        if !words.is_empty() {
            reasons.push(words);
        }
    }
    let reason_code = resource["code"]["coding"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["system"] == snomed::SYSTEM))
        .map(|c| text(&c["code"]))
        .unwrap_or_default();
    let requester = text(&resource["requester"]["display"]);
    let organisation = contained
        .iter()
        .find(|r| r["resourceType"] == "Organization")
        .map(|o| text(&o["name"]))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Not given".to_owned());
    let phone = contact("phone");
    let email = contact("email");
    let mut consents = Vec::new();
    if !phone.is_empty() {
        consents.extend(["contact_by_phone".to_owned(), "contact_by_text".to_owned()]);
    }
    if !email.is_empty() {
        consents.push("contact_by_email".to_owned());
    }
    let input = ReferralInput {
        person: PersonInput {
            given_name: text(&official["given"][0]),
            family_name: text(&official["family"]),
            preferred_name: usual,
            date_of_birth: GivenDate::iso(&birth_date),
            nhs_number,
            address: lines.join("\n"),
            postcode: text(&address["postalCode"]),
            phone,
            email,
            language,
            interpreter,
            conditions,
            ..PersonInput::default()
        },
        source: "clinician".to_owned(),
        referrer_name: if requester.is_empty() {
            account_name.to_owned()
        } else {
            requester
        },
        referrer_organisation: organisation,
        reason: reasons.join("\n"),
        reason_code,
        risk: Some(false),
        consent_confirmed: true,
        consent_method: "verbal".to_owned(),
        consents,
        ..ReferralInput::default()
    };
    Read {
        input,
        nhs_path,
        issues,
    }
}

/// Where each domain rule's field sits in the ServiceRequest.
fn expression(field: &str, nhs_path: &str) -> String {
    match field {
        "given_name" => "Patient.name[0].given[0]".to_owned(),
        "family_name" => "Patient.name[0].family".to_owned(),
        "preferred_name" => "Patient.name.where(use='usual').given[0]".to_owned(),
        "date_of_birth" => "Patient.birthDate".to_owned(),
        "nhs_number" => nhs_path.to_owned(),
        "address" => "Patient.address[0].line".to_owned(),
        "postcode" => "Patient.address[0].postalCode".to_owned(),
        "phone" | "email" => "Patient.telecom".to_owned(),
        "language" => "Patient.communication[0].language".to_owned(),
        "conditions" => "ServiceRequest.reasonCode".to_owned(),
        "reason" => "ServiceRequest.note".to_owned(),
        "reason_code" => "ServiceRequest.code".to_owned(),
        "referrer_name" | "referrer_organisation" | "source" => {
            "ServiceRequest.requester".to_owned()
        }
        other => format!("ServiceRequest.{other}"),
    }
}

/// Whether the field a rule names was left out, which FHIR calls
/// `required` rather than a bad `value`.
fn missing(field: &str, input: &ReferralInput) -> bool {
    let p = &input.person;
    let empty = |v: &str| v.trim().is_empty();
    match field {
        "given_name" => empty(&p.given_name),
        "family_name" => empty(&p.family_name),
        "date_of_birth" => p.date_of_birth == GivenDate::Missing,
        "postcode" => empty(&p.postcode),
        "phone" => empty(&p.phone) && empty(&p.email) && empty(&p.address),
        "reason" => empty(&input.reason),
        "referrer_name" => empty(&input.referrer_name),
        _ => false,
    }
}

fn issues_of(errors: &FieldErrors, read: &Read) -> Vec<Issue> {
    errors
        .as_slice()
        .iter()
        .map(|e| {
            let code = if missing(e.field, &read.input) {
                "required"
            } else {
                "value"
            };
            Issue::new(
                code,
                &expression(e.field, &read.nhs_path),
                e.message.clone(),
            )
        })
        .collect()
}

/// `POST /fhir/ServiceRequest`: a referral.
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OperationOutcome> {
    let auth = authorised(auth)?;
    let resource = super::read_body(&headers, &body)?;
    match resource["resourceType"].as_str() {
        Some("ServiceRequest") => {}
        Some("Bundle") => {
            return Err(OperationOutcome::one(
                StatusCode::BAD_REQUEST,
                Issue::new(
                    "not-supported",
                    "Bundle",
                    "Send one ServiceRequest, not a Bundle: this server does not process transactions or batches",
                ),
            ));
        }
        other => {
            return Err(OperationOutcome::one(
                StatusCode::BAD_REQUEST,
                Issue::new(
                    "invalid",
                    "resourceType",
                    format!(
                        "resourceType must be ServiceRequest, not {}",
                        other.map_or_else(|| "missing".to_owned(), |o| format!("'{o}'"))
                    ),
                ),
            ));
        }
    }
    let read = read_request(&resource, &auth.permit.signed_in.display_name);
    let mut issues = read.issues.clone();
    // Every problem at once: the structure's, then the domain's rules.
    let validated = alongside_domain::referral::NewReferral::from_professional(
        &read.input,
        state.services().now().date_naive(),
    );
    if let Err(errors) = &validated {
        issues.extend(issues_of(errors, &read));
    }
    if !issues.is_empty() {
        let status = if issues.iter().any(|i| i.code == "structure") {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return Err(OperationOutcome { status, issues });
    }
    let referred = match headers.get("idempotency-key") {
        Some(_) => {
            let key = idempotency_key(&headers).map_err(OperationOutcome::from)?;
            match service::refer_once(
                state.services(),
                &auth.permit,
                &key,
                &request_hash(&body),
                &read.input,
            )
            .await
            {
                Ok(Outcome::Created(r)) => (r.id, StatusCode::CREATED),
                Ok(Outcome::Replayed(id)) => (id, StatusCode::OK),
                Err(e) => return Err(error_outcome(e.into(), &read)),
            }
        }
        None => match service::refer(state.services(), &auth.permit, &read.input).await {
            Ok(r) => (r.id, StatusCode::CREATED),
            Err(e) => return Err(error_outcome(e.into(), &read)),
        },
    };
    let record = service::one_of_mine(state.services(), &auth.permit, referred.0)
        .await
        .map_err(OperationOutcome::from)?;
    let base = state.settings().public_url.trim_end_matches('/').to_owned();
    let mut response = fhir(
        referred.1,
        to_resource(&record.summary, Some(&record), &base),
    );
    if let Ok(location) = format!("{base}/fhir/ServiceRequest/{}", record.summary.id).parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

fn error_outcome(error: Error, read: &Read) -> OperationOutcome {
    match error {
        Error::Invalid(errors) => OperationOutcome::invalid(issues_of(&errors, read)),
        other => OperationOutcome::from(other),
    }
}

/// The FHIR status of a referral's status.
fn fhir_status(summary: &QueueEntry) -> &'static str {
    match summary.status {
        ReferralStatus::Received
        | ReferralStatus::InTriage
        | ReferralStatus::Accepted
        | ReferralStatus::Placed => "active",
        ReferralStatus::Closed if summary.placed_at.is_some() => "completed",
        ReferralStatus::Signposted | ReferralStatus::Declined | ReferralStatus::Closed => "revoked",
    }
}

/// A referral as a ServiceRequest: from the queue's summary, with the
/// patient's identity and the coded reason when the full record is at hand.
fn to_resource(summary: &QueueEntry, record: Option<&ReferralRecord>, base: &str) -> Value {
    let mut outcome = summary.status.label().to_owned();
    if let Some(p) = &summary.programme_name {
        outcome = format!("{outcome}: {p}");
    }
    let mut resource = json!({
        "resourceType": "ServiceRequest",
        "id": summary.id.to_string(),
        "identifier": [{"system": format!("{base}/referral-reference"), "value": summary.reference}],
        "status": fhir_status(summary),
        "intent": "order",
        "subject": {"reference": "#patient", "display": summary.name},
        "authoredOn": summary.received_at.to_rfc3339(),
    });
    if let Some(record) = record {
        if let Some(reason) = record.decline_reason {
            outcome = format!("{outcome} ({})", reason.label());
        }
        let person = &record.person;
        let identifiers: Vec<Value> = person
            .nhs_number
            .iter()
            .map(|n| json!({"system": NHS_NUMBER, "value": n}))
            .collect();
        let code = SnomedCode::parse(&record.reason_code).ok();
        resource["code"] = json!({"coding": [{
            "system": snomed::SYSTEM,
            "code": record.reason_code,
            "display": code.as_ref().and_then(SnomedCode::known_label).unwrap_or_default(),
        }]});
        resource["contained"] = json!([{
            "resourceType": "Patient",
            "id": "patient",
            "identifier": identifiers,
            "name": [{"use": "official", "family": person.family_name, "given": [person.given_name]}],
            "birthDate": person.date_of_birth.to_string(),
        }]);
        resource["requester"] =
            json!({"display": record.referrer.as_ref().map(|r| r.0.clone()).unwrap_or_default()});
    }
    resource["note"] = json!([{"text": format!("Outcome: {outcome}")}]);
    resource
}

/// `GET /fhir/ServiceRequest/{id}`: one of the caller's referrals.
pub async fn read(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, OperationOutcome> {
    let auth = authorised(auth)?;
    let not_found = || {
        OperationOutcome::one(
            StatusCode::NOT_FOUND,
            Issue::new(
                "not-found",
                "",
                "There is no ServiceRequest with this id among your referrals",
            ),
        )
    };
    let id: Uuid = super::uuid_of(&id).ok_or_else(not_found)?;
    let record = service::one_of_mine(state.services(), &auth.permit, id)
        .await
        .map_err(|e| match e {
            crate::services::Error::NotFound => not_found(),
            other => OperationOutcome::from(other),
        })?;
    let base = state.settings().public_url.trim_end_matches('/').to_owned();
    Ok(fhir(
        StatusCode::OK,
        to_resource(&record.summary, Some(&record), &base),
    ))
}

/// `GET /fhir/ServiceRequest`: the caller's referrals as a searchset.
pub async fn search(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Response, OperationOutcome> {
    let auth = authorised(auth)?;
    let base = state.settings().public_url.trim_end_matches('/').to_owned();
    let mine = service::mine(state.services(), &auth.permit)
        .await
        .map_err(OperationOutcome::from)?;
    // From the list alone: one query, whatever the number of referrals.
    let entries: Vec<Value> = mine
        .iter()
        .map(|entry| {
            json!({
                "fullUrl": format!("{base}/fhir/ServiceRequest/{}", entry.id),
                "resource": to_resource(entry, None, &base),
                "search": {"mode": "match"},
            })
        })
        .collect();
    Ok(fhir(
        StatusCode::OK,
        json!({"resourceType": "Bundle", "type": "searchset", "total": entries.len(), "entry": entries}),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    use alongside_domain::person::NhsNumber;

    #[test]
    fn nhs_numbers_are_only_read_from_their_system() {
        let resource = json!({
            "resourceType": "ServiceRequest", "status": "active", "intent": "order",
            "subject": {"reference": "#p"},
            "contained": [{"resourceType": "Patient", "id": "p",
                "identifier": [{"system": "urn:other", "value": "123"}, {"system": NHS_NUMBER, "value": "9434765919"}]}]
        });
        let read = read_request(&resource, "Sam");
        assert_eq!(read.input.person.nhs_number, "9434765919");
        assert_eq!(read.nhs_path, "Patient.identifier[1].value");
        assert!(NhsNumber::parse(&read.input.person.nhs_number).is_ok());
        assert_eq!(read.input.referrer_name, "Sam");
    }
}
