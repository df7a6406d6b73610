//! `Questionnaire`: the outcome instruments whose text ships with Alongside,
//! and the organisation's own (see [`super::questionnaire_response`] for
//! the answers).

use alongside_evaluation::instruments::{self, Instrument, Scoring};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::{Issue, OperationOutcome, custom, fhir};
use crate::AppState;
use crate::api::Problem;
use crate::auth::ApiAuthorised;
use crate::auth::actions::{ManageProgrammes, ViewProgrammes};
use crate::services::questionnaires::{self as own};

pub(super) fn base(state: &AppState) -> String {
    state.settings().public_url.trim_end_matches('/').to_owned()
}

pub(super) fn answer_system(base: &str, instrument: &Instrument) -> String {
    format!("{base}/fhir/CodeSystem/{}-answers", instrument.code)
}

/// Whether an item must be answered for the instrument to be scored.
fn required(instrument: &Instrument) -> bool {
    matches!(
        instrument.scoring,
        Scoring::SwemwbsMetric | Scoring::Sum { prorate_missing: 0 }
    )
}

/// An instrument as a FHIR Questionnaire.
fn to_questionnaire(instrument: &Instrument, base: &str) -> Value {
    let system = answer_system(base, instrument);
    let options: Vec<Value> = instrument
        .options
        .iter()
        .map(|(value, label)| {
            json!({"valueCoding": {"system": system, "code": value.to_string(), "display": label}})
        })
        .collect();
    let items: Vec<Value> = instrument
        .items
        .iter()
        .enumerate()
        .map(|(i, text)| {
            json!({
                "linkId": format!("{}-{}", instrument.code, i + 1),
                "text": text,
                "type": "choice",
                "required": required(instrument),
                "repeats": false,
                "answerOption": options,
            })
        })
        .collect();
    json!({
        "resourceType": "Questionnaire",
        "id": instrument.code,
        "url": format!("{base}/fhir/Questionnaire/{}", instrument.code),
        "name": instrument.code.to_uppercase(),
        "title": instrument.title,
        "status": "active",
        "subjectType": ["Patient"],
        "copyright": format!("{} {}", instrument.source, instrument.licence),
        "item": [{
            "linkId": instrument.code,
            "type": "group",
            "text": instrument.stem,
            "item": items,
        }],
    })
}

pub(super) fn shipped(code: &str) -> Option<&'static Instrument> {
    instruments::by_code(code).filter(|i| i.has_text())
}

/// `GET /fhir/Questionnaire`: every instrument whose text ships, and the
/// organisation's own questionnaires.
pub async fn search(
    State(state): State<AppState>,
    auth: Result<ApiAuthorised<ViewProgrammes>, Problem>,
) -> Result<Response, OperationOutcome> {
    let auth = auth.map_err(OperationOutcome::from)?;
    let base = base(&state);
    let own = own::list(state.services(), auth.permit.actor().organisation_id)
        .await
        .map_err(OperationOutcome::from)?;
    let entry = |id: &str, resource: Value| {
        json!({
            "fullUrl": format!("{base}/fhir/Questionnaire/{id}"),
            "resource": resource,
            "search": {"mode": "match"},
        })
    };
    let entries: Vec<Value> = instruments::ALL
        .iter()
        .filter(|i| i.has_text())
        .map(|i| entry(i.code, to_questionnaire(i, &base)))
        .chain(own.iter().map(|q| {
            let id = q.id.to_string();
            entry(&id, custom::to_fhir(&id, &q.custom, q.active, &base))
        }))
        .collect();
    Ok(fhir(
        StatusCode::OK,
        json!({"resourceType": "Bundle", "type": "searchset", "total": entries.len(), "entry": entries}),
    ))
}

/// `GET /fhir/Questionnaire/{id}`.
pub async fn read(
    State(state): State<AppState>,
    auth: Result<ApiAuthorised<ViewProgrammes>, Problem>,
    Path(id): Path<String>,
) -> Result<Response, OperationOutcome> {
    let auth = auth.map_err(OperationOutcome::from)?;
    if let Some(uuid) = super::uuid_of(&id) {
        return match own::find(state.services(), auth.permit.actor().organisation_id, uuid).await {
            Ok(q) => Ok(fhir(
                StatusCode::OK,
                custom::to_fhir(&id, &q.custom, q.active, &base(&state)),
            )),
            Err(crate::services::Error::NotFound) => Err(OperationOutcome::one(
                StatusCode::NOT_FOUND,
                Issue::new("not-found", "", "There is no Questionnaire with this id"),
            )),
            Err(e) => Err(OperationOutcome::from(e)),
        };
    }
    match shipped(&id) {
        Some(instrument) => Ok(fhir(
            StatusCode::OK,
            to_questionnaire(instrument, &base(&state)),
        )),
        None => Err(OperationOutcome::one(
            StatusCode::NOT_FOUND,
            Issue::new(
                "not-found",
                "",
                match instruments::by_code(&id) {
                    Some(_) => "This questionnaire is licensed: its text is not published here",
                    None => "There is no Questionnaire with this id",
                },
            ),
        )),
    }
}

/// `POST /fhir/Questionnaire`: adds one of the organisation's own
/// questionnaires, checked item by item.
pub async fn create_questionnaire(
    State(state): State<AppState>,
    auth: Result<ApiAuthorised<ManageProgrammes>, Problem>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OperationOutcome> {
    let auth = auth.map_err(OperationOutcome::from)?;
    let resource = super::read_body(&headers, &body)?;
    if resource["resourceType"] != "Questionnaire" {
        return Err(OperationOutcome::one(
            StatusCode::BAD_REQUEST,
            Issue::new("structure", "", "resourceType must be Questionnaire"),
        ));
    }
    let questionnaire = custom::parse(&resource).map_err(|issues| {
        OperationOutcome::invalid(issues.into_iter().map(Issue::from).collect())
    })?;
    let id = own::import(state.services(), &auth.permit, &questionnaire)
        .await
        .map_err(|e| match e {
            crate::services::Error::Invalid(errors) => OperationOutcome {
                status: StatusCode::CONFLICT,
                issues: errors
                    .as_slice()
                    .iter()
                    .map(|e| Issue::new("duplicate", "Questionnaire.title", e.message.clone()))
                    .collect(),
            },
            other => OperationOutcome::from(other),
        })?;
    let id = id.to_string();
    let base = base(&state);
    let mut response = fhir(
        StatusCode::CREATED,
        custom::to_fhir(&id, &questionnaire, true, &base),
    );
    if let Ok(location) = format!("{base}/fhir/Questionnaire/{id}").parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}
