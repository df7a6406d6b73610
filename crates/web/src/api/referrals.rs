//! Referrals through the API: a referrer's system sends a referral with an
//! `Idempotency-Key`, so a retried request never makes a second one, and
//! reads back the outcome of its own referrals (and nobody else's).

use alongside_db::referrals::{QueueEntry, ReferralRecord};
use alongside_domain::person::{ConditionInput, PersonInput};
use alongside_domain::preferences::PreferencesInput;
use alongside_domain::referral::ReferralInput;
use alongside_domain::validation::GivenDate;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Problem, ProblemBody};
use crate::AppState;
use crate::Error;
use crate::api::ProblemKind;
use crate::auth::ApiAuthorised;
use crate::auth::actions::MakeReferrals;
use crate::services::referrals::{self as service, Outcome};

/// A long-term condition.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ConditionRequest {
    /// The condition in words (may be left out when the code is one Alongside knows).
    #[schema(example = "Type 2 diabetes")]
    pub description: String,
    /// Its SNOMED CT code.
    #[schema(example = "44054006")]
    pub snomed_code: Option<String>,
}

/// The person referred.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PersonRequest {
    /// First name.
    #[schema(example = "Arjun")]
    pub given_name: String,
    /// Last name.
    #[schema(example = "Mehta")]
    pub family_name: String,
    /// What they like to be called.
    pub preferred_name: String,
    /// Pronouns.
    pub pronouns: String,
    /// Date of birth, YYYY-MM-DD.
    #[schema(example = "1961-09-04")]
    pub birth_date: String,
    /// NHS number (10 digits, modulus-11 checked).
    #[schema(example = "9434765919")]
    pub nhs_number: Option<String>,
    /// Address lines, without the postcode.
    pub address: Vec<String>,
    /// UK postcode.
    #[schema(example = "LS6 2AB")]
    pub postcode: String,
    /// Phone number.
    pub phone: String,
    /// Email address.
    pub email: String,
    /// phone, text, email or letter.
    pub contact_method: String,
    /// Good times to contact them.
    pub contact_times: String,
    /// Preferred language (English when empty).
    pub language: String,
    /// Whether they need an interpreter.
    pub interpreter_needed: bool,
    /// Accessibility needs.
    pub accessibility_needs: String,
    /// Long-term conditions.
    pub conditions: Vec<ConditionRequest>,
    /// Whether they look after someone.
    pub carer: bool,
}

/// Who refers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ReferrerRequest {
    /// Their name.
    #[schema(example = "Dr Sam Okafor")]
    pub name: String,
    /// Practice, team or organisation.
    #[schema(example = "Hyde Park Surgery")]
    pub organisation: String,
    /// Phone or email, for questions.
    pub contact: String,
}

/// The consent the person gave.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ConsentRequest {
    /// The person agreed to be referred and to their details being kept.
    pub confirmed: bool,
    /// verbal or written.
    #[schema(example = "verbal")]
    pub method: String,
    /// What else they agreed to: share_with_peer, contact_by_phone,
    /// contact_by_text, contact_by_email, contact_by_post,
    /// outcome_questionnaires, anonymised_evaluation.
    pub scopes: Vec<String>,
}

/// What the person would like from support.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PreferencesRequest {
    /// Kinds of support (programme models).
    pub models: Vec<String>,
    /// phone, video, face_to_face, group.
    pub channels: Vec<String>,
    /// none, woman or man.
    pub peer_gender: Option<String>,
    /// A peer with the same condition matters to them.
    pub shared_condition: bool,
    /// Weekly times like mon-morning.
    pub availability: Vec<String>,
    /// Miles they can travel to meet.
    pub travel_miles: Option<u8>,
    /// Interests, each up to 100 characters, at most 20.
    pub interests: Vec<String>,
}

/// A referral.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ReferralRequest {
    /// The person.
    pub person: PersonRequest,
    /// clinician, link_worker, partner_organisation or other.
    #[schema(example = "link_worker")]
    pub source: String,
    /// Who refers.
    pub referrer: ReferrerRequest,
    /// The programme asked for, if any.
    pub programme_id: Option<String>,
    /// Why the person is referred.
    #[schema(example = "Isolated since diagnosis")]
    pub reason: String,
    /// SNOMED CT code of the reason; default 871731000000106 (referral to a
    /// social prescribing service).
    pub reason_code: Option<String>,
    /// What is known about risk; null or absent for none.
    pub risk: Option<String>,
    /// The consent given.
    pub consent: ConsentRequest,
    /// What they would like.
    pub preferences: PreferencesRequest,
}

impl ReferralRequest {
    fn into_input(self) -> ReferralInput {
        let p = self.person;
        ReferralInput {
            person: PersonInput {
                given_name: p.given_name,
                family_name: p.family_name,
                preferred_name: p.preferred_name,
                pronouns: p.pronouns,
                date_of_birth: GivenDate::iso(&p.birth_date),
                nhs_number: p.nhs_number.unwrap_or_default(),
                address: p.address.join("\n"),
                postcode: p.postcode,
                phone: p.phone,
                email: p.email,
                contact_method: p.contact_method,
                contact_times: p.contact_times,
                language: p.language,
                interpreter: p.interpreter_needed,
                accessibility_needs: p.accessibility_needs,
                conditions: p
                    .conditions
                    .into_iter()
                    .map(|c| ConditionInput {
                        description: c.description,
                        code: c.snomed_code.unwrap_or_default(),
                    })
                    .collect(),
                carer: p.carer,
            },
            source: self.source,
            referrer_name: self.referrer.name,
            referrer_organisation: self.referrer.organisation,
            referrer_contact: self.referrer.contact,
            programme: self.programme_id.unwrap_or_default(),
            reason: self.reason,
            reason_code: self.reason_code.unwrap_or_default(),
            risk: Some(self.risk.is_some()),
            risk_details: self.risk.unwrap_or_default(),
            consent_confirmed: self.consent.confirmed,
            consent_method: self.consent.method,
            consents: self.consent.scopes,
            preferences: PreferencesInput {
                models: self.preferences.models,
                channels: self.preferences.channels,
                peer_gender: self.preferences.peer_gender.unwrap_or_default(),
                shared_condition: self.preferences.shared_condition,
                availability: self.preferences.availability,
                travel_miles: self
                    .preferences
                    .travel_miles
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
                interests: self.preferences.interests.join("\n"),
            },
        }
    }
}

/// Where each validation rule's field sits in the request body.
fn pointer(field: &str) -> String {
    match field {
        "date_of_birth" => "/person/birth_date".to_owned(),
        "interpreter" => "/person/interpreter_needed".to_owned(),
        "referrer_name" => "/referrer/name".to_owned(),
        "referrer_organisation" => "/referrer/organisation".to_owned(),
        "referrer_contact" => "/referrer/contact".to_owned(),
        "programme" => "/programme_id".to_owned(),
        "risk" | "risk_details" => "/risk".to_owned(),
        "consent_confirmed" => "/consent/confirmed".to_owned(),
        "consent_method" => "/consent/method".to_owned(),
        "consents" => "/consent/scopes".to_owned(),
        "models" | "channels" | "peer_gender" | "shared_condition" | "availability"
        | "travel_miles" | "interests" => format!("/preferences/{field}"),
        "source" | "reason" | "reason_code" => format!("/{field}"),
        person => format!("/person/{person}"),
    }
}

/// A referral as its referrer sees it: where it stands, not the coordinator's notes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReferralView {
    /// Its id.
    pub id: String,
    /// The reference to quote.
    #[schema(example = "R-7K2M-Q9XD")]
    pub reference: String,
    /// received, in_triage, accepted, signposted, declined, placed or closed.
    #[schema(example = "received")]
    pub status: String,
    /// The status in words.
    #[schema(example = "Received")]
    pub outcome: String,
    /// The programme asked for or accepted onto.
    pub programme: Option<String>,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
}

impl From<&QueueEntry> for ReferralView {
    fn from(e: &QueueEntry) -> Self {
        Self {
            id: e.id.to_string(),
            reference: e.reference.clone(),
            status: e.status.as_str().to_owned(),
            outcome: e.status.label().to_owned(),
            programme: e.programme_name.clone(),
            received_at: e.received_at,
        }
    }
}

impl From<&ReferralRecord> for ReferralView {
    fn from(r: &ReferralRecord) -> Self {
        let mut view = Self::from(&r.summary);
        if let Some(reason) = r.decline_reason {
            view.outcome = format!("{} ({})", view.outcome, reason.label());
        }
        view
    }
}

/// Reads a JSON body, with a problem that names what is wrong.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Problem> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.starts_with("application/json") || v.starts_with("application/fhir+json")
        });
    if !json {
        return Err(Problem::new(
            ProblemKind::UnsupportedMediaType,
            "Send the body as JSON with the header Content-Type: application/json.",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        let detail = if e.is_data() {
            format!("The JSON does not fit: {e}")
        } else {
            format!("The body is not valid JSON: {e}")
        };
        Problem::new(ProblemKind::BadRequest, detail)
    })
}

/// The key a client sends so that a retry makes no second referral.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<String, Problem> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    if key.is_empty() || key.len() > 200 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(Problem::new(
            ProblemKind::BadRequest,
            "Send an Idempotency-Key header (1 to 200 printable characters, such as a UUID) so a retried request makes no second referral.",
        ));
    }
    Ok(key.to_owned())
}

/// A hash of the body's meaning: the same JSON with keys in another order
/// or other spacing hashes the same.
pub(crate) fn request_hash(body: &[u8]) -> String {
    let canonical = serde_json::from_slice::<serde_json::Value>(body)
        .map(|v| v.to_string())
        .unwrap_or_default();
    Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Sends a referral.
#[utoipa::path(post, path = "/referrals", tag = "referrals", request_body = ReferralRequest,
    params(("Idempotency-Key" = String, Header, description = "A key of the client's choosing, unique per referral: a retry with the same key and body answers with the first referral")),
    responses(
        (status = 201, description = "Received; Location names it", body = ReferralView),
        (status = 200, description = "The same request came before: its referral, with Idempotent-Replayed: true", body = ReferralView),
        (status = 400, description = "Malformed JSON, unknown field or no Idempotency-Key", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Role may not refer", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The key was used for a different request", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Fields break validation rules", body = ProblemBody, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    auth: ApiAuthorised<MakeReferrals>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let key = idempotency_key(&headers)?;
    let request: ReferralRequest = parse_json(&headers, &body)?;
    let hash = request_hash(&body);
    let outcome = service::refer_once(
        state.services(),
        &auth.permit,
        &key,
        &hash,
        &request.into_input(),
    )
    .await
    .map_err(|e| match e {
        crate::services::Error::Invalid(errors) => Problem::invalid(&errors, pointer),
        other => Problem::from(other),
    })?;
    let (id, status, replayed) = match outcome {
        Outcome::Created(referred) => (referred.id, StatusCode::CREATED, false),
        Outcome::Replayed(id) => (id, StatusCode::OK, true),
    };
    let record = service::one_of_mine(state.services(), &auth.permit, id).await?;
    let mut response = (
        status,
        [(header::LOCATION, format!("/api/v1/referrals/{id}"))],
        Json(ReferralView::from(&record)),
    )
        .into_response();
    if replayed {
        response.headers_mut().insert(
            "idempotent-replayed",
            header::HeaderValue::from_static("true"),
        );
    }
    Ok(response)
}

/// The referrals the token's owner made, newest first.
#[utoipa::path(get, path = "/referrals", tag = "referrals",
    responses(
        (status = 200, description = "Their referrals and where each stands", body = Vec<ReferralView>),
        (status = 403, description = "Role may not refer", body = ProblemBody, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    auth: ApiAuthorised<MakeReferrals>,
) -> Result<Json<Vec<ReferralView>>, Problem> {
    let mine = service::mine(state.services(), &auth.permit).await?;
    Ok(Json(mine.iter().map(ReferralView::from).collect()))
}

/// One referral the token's owner made, with its outcome.
#[utoipa::path(get, path = "/referrals/{id}", tag = "referrals", params(("id" = String, Path, description = "Referral id")),
    responses(
        (status = 200, description = "Where it stands", body = ReferralView),
        (status = 404, description = "No such referral of yours", body = ProblemBody, content_type = "application/problem+json"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    auth: ApiAuthorised<MakeReferrals>,
    Path(id): Path<String>,
) -> Result<Json<ReferralView>, Problem> {
    let id: Uuid = id
        .parse()
        .ok()
        .filter(|_| id.len() == 36)
        .ok_or_else(|| Problem::from(Error::BadRequest("Malformed referral id".into())))?;
    let record = service::one_of_mine(state.services(), &auth.permit, id).await?;
    Ok(Json(ReferralView::from(&record)))
}
