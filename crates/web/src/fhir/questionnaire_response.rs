//! `QuestionnaireResponse`: answers a professional's system records for a
//! referral, validated against its questionnaire, and the responses
//! recorded for a referral.
//!
//! A response names its referral in `basedOn` (`ServiceRequest/{id}`) and
//! its timepoint in an extension whose url ends in
//! `/StructureDefinition/timepoint` (valueString: a timepoint of the
//! programme's schedule). Each answer is a `valueCoding` whose code is the
//! option's value. `status` completed submits (scored; a later one for the
//! same timepoint is a new version); in-progress keeps a draft.
use alongside_db::outcomes::Response as Stored;
use alongside_evaluation::instruments::{self, Instrument};
use alongside_evaluation::questionnaire::{Answer as OwnAnswer, Answers as OwnAnswers};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::questionnaire::{answer_system, base, shipped};
use super::{Issue, OperationOutcome, fhir};
use crate::api::Problem;
use crate::auth::ApiAuthorised;
use crate::auth::actions::EnterOutcomes;
use crate::services::outcomes as service;
use crate::services::questionnaires::{self as own, Own};
use crate::{AppState, Error};

/// Every answer item of `items`, with its FHIRPath, groups walked through.
fn answers_of<'a>(items: &'a Value, path: &str, out: &mut Vec<(String, &'a Value)>) {
    for (i, item) in items.as_array().into_iter().flatten().enumerate() {
        let here = format!("{path}.item[{i}]");
        if item.get("answer").is_some() || item.get("item").is_none() {
            out.push((here.clone(), item));
        }
        if let Some(children) = item.get("item") {
            answers_of(children, &here, out);
        }
    }
}

/// What a QuestionnaireResponse answers.
enum Given {
    /// A shipped instrument, one answer per item.
    Items(&'static Instrument, Vec<Option<i32>>),
    /// One of the organisation's own questionnaires.
    Own(Box<Own>, OwnAnswers),
}

/// What a QuestionnaireResponse says, checked against its questionnaire.
struct Read {
    given: Given,
    referral: Uuid,
    timepoint: String,
    submit: bool,
    authored: Option<chrono::NaiveDate>,
}

const KNOWN: [&str; 9] = [
    "resourceType",
    "id",
    "meta",
    "questionnaire",
    "status",
    "basedOn",
    "extension",
    "item",
    "authored",
];

/// The referral a response is based on, when named well.
fn based_on(resource: &Value) -> Option<Uuid> {
    resource["basedOn"][0]["reference"]
        .as_str()
        .and_then(|r| r.strip_prefix("ServiceRequest/"))
        .and_then(super::uuid_of)
}

/// Reads a response; `timepoints` are those of the referral's programme
/// schedule, when the referral was found; `mine` is the organisation's own
/// questionnaire it names, if it names one.
fn read_response(
    resource: &Value,
    timepoints: Option<&[String]>,
    mine: Option<Own>,
) -> Result<Read, OperationOutcome> {
    let mut issues = Vec::new();
    for key in resource.as_object().into_iter().flat_map(|o| o.keys()) {
        if !KNOWN.contains(&key.as_str()) {
            issues.push(Issue::new(
                "structure",
                &format!("QuestionnaireResponse.{key}"),
                format!("Unknown or unsupported element '{key}'"),
            ));
        }
    }
    let instrument = resource["questionnaire"]
        .as_str()
        .and_then(|q| q.rsplit('/').next())
        .and_then(shipped);
    if instrument.is_none() && mine.is_none() {
        issues.push(Issue::new(
            "required",
            "QuestionnaireResponse.questionnaire",
            "Name a Questionnaire of this server, as Questionnaire/{id} or its url",
        ));
    }
    let submit = match resource["status"].as_str() {
        Some("completed") => true,
        Some("in-progress") => false,
        _ => {
            issues.push(Issue::new(
                "value",
                "QuestionnaireResponse.status",
                "status must be completed (to submit) or in-progress (to keep a draft)",
            ));
            false
        }
    };
    let referral = based_on(resource);
    if referral.is_none() {
        issues.push(Issue::new(
            "required",
            "QuestionnaireResponse.basedOn[0].reference",
            "Name the referral as ServiceRequest/{id}",
        ));
    }
    let timepoint = resource["extension"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| {
            e["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("/StructureDefinition/timepoint"))
        })
        .and_then(|e| e["valueString"].as_str())
        .map(str::to_owned);
    // Which timepoints exist is the schedule of the person's programme.
    let known = match (timepoint.as_deref(), timepoints) {
        (Some(t), Some(names)) => names.iter().any(|n| n == t),
        (Some(t), None) => !t.trim().is_empty(),
        (None, _) => false,
    };
    if !known {
        issues.push(Issue::new(
            "required",
            "QuestionnaireResponse.extension",
            format!(
                "Give the timepoint in an extension whose url ends in /StructureDefinition/timepoint, as valueString: {}",
                timepoints.map_or_else(
                    || "a timepoint of the programme's schedule".to_owned(),
                    |names| format!("one of {}", names.join(", "))
                )
            ),
        ));
    }
    // authored is when the answers were given: it decides which window
    // they fall in.
    let authored = match resource.get("authored") {
        None => None,
        Some(value) => {
            let day = value
                .as_str()
                .and_then(|a| a.get(..10))
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            match day {
                Some(d) if d <= chrono::Utc::now().date_naive() => Some(d),
                Some(_) => {
                    issues.push(Issue::new(
                        "value",
                        "QuestionnaireResponse.authored",
                        "authored cannot be in the future",
                    ));
                    None
                }
                None => {
                    issues.push(Issue::new(
                        "value",
                        "QuestionnaireResponse.authored",
                        "authored must be a dateTime, like 2026-03-31T10:00:00Z",
                    ));
                    None
                }
            }
        }
    };
    let mut answers = Vec::new();
    if let Some(instrument) = instrument {
        answers = vec![None; instrument.item_count];
        let mut found = Vec::new();
        answers_of(&resource["item"], "QuestionnaireResponse", &mut found);
        for (path, item) in found {
            let link = item["linkId"].as_str().unwrap_or_default();
            let Some(n) = link
                .strip_prefix(&format!("{}-", instrument.code))
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| (1..=instrument.item_count).contains(n))
            else {
                if link != instrument.code {
                    issues.push(Issue::new(
                        "value",
                        &format!("{path}.linkId"),
                        format!("'{link}' is not an item of {}", instrument.code),
                    ));
                }
                continue;
            };
            let given = item["answer"].as_array().map_or(0, Vec::len);
            if given > 1 {
                issues.push(Issue::new(
                    "value",
                    &format!("{path}.answer"),
                    "This item takes one answer (repeats is false)",
                ));
                continue;
            }
            let Some(code) = item["answer"][0]["valueCoding"]["code"].as_str() else {
                if given == 1 {
                    issues.push(Issue::new(
                        "value",
                        &format!("{path}.answer[0]"),
                        "Answer with a valueCoding from the item's answerOption",
                    ));
                }
                continue;
            };
            match code
                .parse::<i32>()
                .ok()
                .filter(|v| instrument.options.iter().any(|(o, _)| o == v))
            {
                Some(v) => answers[n - 1] = Some(v),
                None => issues.push(Issue::new(
                    "value",
                    &format!("{path}.answer[0].valueCoding.code"),
                    format!("'{code}' is not one of the item's answerOption codes"),
                )),
            }
        }
        if submit
            && issues.is_empty()
            && let Err(why) = instrument.score(&answers)
        {
            issues.push(Issue::new(
                "required",
                "QuestionnaireResponse.item",
                format!("A completed response must be scorable: {why}"),
            ));
        }
    }
    let given = match (mine, instrument) {
        (Some(o), _) => {
            let answers = own_answers(resource, &o, submit, &mut issues);
            Some(Given::Own(Box::new(o), answers))
        }
        (None, Some(instrument)) => Some(Given::Items(instrument, answers)),
        (None, None) => None,
    };
    match (given, referral, timepoint) {
        (Some(given), Some(referral), Some(timepoint)) if issues.is_empty() => Ok(Read {
            given,
            referral,
            timepoint,
            submit,
            authored,
        }),
        _ => Err(OperationOutcome::invalid(issues)),
    }
}

/// The answers of a response to an own questionnaire, each typed as its
/// item asks, then checked against the questionnaire.
fn own_answers(resource: &Value, own: &Own, submit: bool, issues: &mut Vec<Issue>) -> OwnAnswers {
    let mut answers = OwnAnswers::new();
    let mut found = Vec::new();
    answers_of(&resource["item"], "QuestionnaireResponse", &mut found);
    for (path, item) in found {
        let Some(link) = item["linkId"].as_str() else {
            issues.push(Issue::new(
                "required",
                &format!("{path}.linkId"),
                "Give each item its linkId",
            ));
            continue;
        };
        for (j, answer) in item["answer"].as_array().into_iter().flatten().enumerate() {
            let value = if let Some(b) = answer["valueBoolean"].as_bool() {
                OwnAnswer::Boolean(b)
            } else if let Some(n) = answer["valueInteger"].as_i64() {
                OwnAnswer::Integer(n)
            } else if let Some(d) = answer["valueDecimal"].as_f64() {
                OwnAnswer::Decimal(d)
            } else if let Some(t) = answer["valueString"].as_str() {
                // A choice answered with its code as a string is the same choice.
                let choice = own.custom.all_items().iter().any(|i| {
                    i.link_id == link
                        && i.kind == alongside_evaluation::questionnaire::ItemType::Choice
                });
                if choice {
                    OwnAnswer::Choice(t.to_owned())
                } else {
                    OwnAnswer::Text(t.to_owned())
                }
            } else if let Some(code) = answer["valueCoding"]["code"].as_str() {
                OwnAnswer::Choice(code.to_owned())
            } else {
                issues.push(Issue::new(
                    "not-supported",
                    &format!("{path}.answer[{j}]"),
                    "Answer with valueBoolean, valueInteger, valueDecimal, valueString or valueCoding",
                ));
                continue;
            };
            answers.entry(link.to_owned()).or_default().push(value);
        }
    }
    if let Err(problems) = own.custom.check_answers(&answers, submit) {
        issues.extend(problems.into_iter().map(|p| {
            Issue::new(
                "value",
                "QuestionnaireResponse.item",
                format!("{}: {}", p.at, p.message),
            )
        }));
    }
    answers
}

/// An own questionnaire's answers as QuestionnaireResponse items.
fn own_items(answers: &OwnAnswers) -> Value {
    answers
        .iter()
        .map(|(link, given)| {
            let values: Vec<Value> = given
                .iter()
                .map(|a| match a {
                    OwnAnswer::Boolean(b) => json!({"valueBoolean": b}),
                    OwnAnswer::Integer(n) => json!({"valueInteger": n}),
                    OwnAnswer::Decimal(d) => json!({"valueDecimal": d}),
                    OwnAnswer::Text(t) => json!({"valueString": t}),
                    OwnAnswer::Choice(c) => json!({"valueCoding": {"code": c}}),
                })
                .collect();
            json!({"linkId": link, "answer": values})
        })
        .collect()
}

fn to_response(stored: &Stored, referral: Uuid, base: &str) -> Value {
    let instrument = instruments::by_code(&stored.instrument);
    let system = instrument
        .map(|i| answer_system(base, i))
        .unwrap_or_default();
    let items: Vec<Value> = stored
        .answers
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let value = (*a)?;
            let display = instrument
                .and_then(|ins| ins.options.iter().find(|(o, _)| *o == value))
                .map_or("", |(_, l)| *l);
            Some(json!({
                "linkId": format!("{}-{}", stored.instrument, i + 1),
                "answer": [{"valueCoding": {"system": system, "code": value.to_string(), "display": display}}],
            }))
        })
        .collect();
    let mut body = json!({
        "resourceType": "QuestionnaireResponse",
        "id": stored.id.to_string(),
        "questionnaire": format!("{base}/fhir/Questionnaire/{}", stored.instrument),
        "status": if stored.submitted { "completed" } else { "in-progress" },
        "basedOn": [{"reference": format!("ServiceRequest/{referral}")}],
        "extension": [{"url": format!("{base}/fhir/StructureDefinition/timepoint"), "valueString": stored.timepoint}],
        "item": items,
    });
    if let Some(day) = stored.answered_on {
        body["authored"] = json!(day.to_string());
    } else if let Some(at) = stored.submitted_at {
        body["authored"] = json!(at.to_rfc3339());
    }
    body
}

/// `POST /fhir/QuestionnaireResponse`: answers entered in another system.
pub async fn create(
    State(state): State<AppState>,
    auth: Result<ApiAuthorised<EnterOutcomes>, Problem>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OperationOutcome> {
    let auth = auth.map_err(OperationOutcome::from)?;
    let resource = super::read_body(&headers, &body)?;
    if resource["resourceType"] != "QuestionnaireResponse" {
        return Err(OperationOutcome::one(
            StatusCode::BAD_REQUEST,
            Issue::new(
                "structure",
                "",
                "resourceType must be QuestionnaireResponse",
            ),
        ));
    }
    let timepoints = match based_on(&resource) {
        Some(referral) => service::timepoint_names(state.services(), &auth.permit, referral).await,
        None => None,
    };
    // A questionnaire named by a UUID is one of the organisation's own.
    let named = resource["questionnaire"]
        .as_str()
        .and_then(|q| q.rsplit('/').next())
        .and_then(super::uuid_of);
    let mine = match named {
        Some(id) => {
            match own::find(state.services(), auth.permit.actor().organisation_id, id).await {
                Ok(o) => Some(o),
                Err(crate::services::Error::NotFound) => None,
                Err(e) => return Err(OperationOutcome::from(e)),
            }
        }
        None => None,
    };
    let read = read_response(&resource, timepoints.as_deref(), mine)?;
    let answering = match &read.given {
        Given::Items(instrument, answers) => service::Answering::Instrument(instrument, answers),
        Given::Own(o, answers) => service::Answering::Own(o, answers),
    };
    let id = service::record(
        state.services(),
        &auth.permit,
        &service::Received {
            referral: read.referral,
            timepoint: &read.timepoint,
            answering,
            submit: read.submit,
            answered_on: read.authored,
        },
    )
    .await
    .map_err(|e| match e {
        crate::services::Error::NotFound => OperationOutcome::one(
            StatusCode::NOT_FOUND,
            Issue::new(
                "not-found",
                "QuestionnaireResponse.basedOn[0].reference",
                "There is no such referral in your organisation",
            ),
        ),
        crate::services::Error::Invalid(errors) => OperationOutcome::invalid(
            errors
                .as_slice()
                .iter()
                .map(|e| Issue::new("invalid", "QuestionnaireResponse", e.message.clone()))
                .collect(),
        ),
        other => OperationOutcome::from(other),
    })?;
    let base = base(&state);
    let (code, answers) = match &read.given {
        Given::Items(instrument, answers) => (instrument.code.to_owned(), answers.clone()),
        Given::Own(o, _) => (o.code(), Vec::new()),
    };
    let stored = Stored {
        id: id.unwrap_or_else(Uuid::nil),
        instrument: code,
        timepoint: read.timepoint,
        submitted: read.submit,
        answers,
        sealed: None,
        score: None,
        entered_by: None,
        amends: None,
        submitted_at: read.submit.then(chrono::Utc::now),
        answered_on: read.submit.then(|| {
            read.authored
                .unwrap_or_else(|| chrono::Utc::now().date_naive())
        }),
    };
    let mut resource = to_response(&stored, read.referral, &base);
    if let Given::Own(o, answers) = &read.given {
        resource["questionnaire"] = json!(format!("{base}/fhir/Questionnaire/{}", o.id));
        resource["item"] = own_items(answers);
    }
    let mut response = match id {
        Some(id) => {
            let mut r = fhir(StatusCode::CREATED, resource);
            if let Ok(location) = format!(
                "{base}/fhir/QuestionnaireResponse?based-on=ServiceRequest/{}&_id={id}",
                read.referral
            )
            .parse()
            {
                r.headers_mut().insert(header::LOCATION, location);
            }
            r
        }
        None => {
            // A draft has no lasting id of its own: it is replaced by the next.
            resource.as_object_mut().map(|o| o.remove("id"));
            fhir(StatusCode::OK, resource)
        }
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(rename = "based-on", default)]
    based_on: String,
}

/// `GET /fhir/QuestionnaireResponse?based-on=ServiceRequest/{id}`: the
/// current responses of a referral.
pub async fn search(
    State(state): State<AppState>,
    auth: Result<ApiAuthorised<EnterOutcomes>, Problem>,
    Query(params): Query<SearchParams>,
) -> Result<Response, OperationOutcome> {
    let auth = auth.map_err(OperationOutcome::from)?;
    let Some(referral) = params
        .based_on
        .strip_prefix("ServiceRequest/")
        .and_then(super::uuid_of)
    else {
        return Err(OperationOutcome::one(
            StatusCode::BAD_REQUEST,
            Issue::new("required", "", "Search with based-on=ServiceRequest/{id}"),
        ));
    };
    let found = service::responses(state.services(), &auth.permit, referral)
        .await
        .map_err(OperationOutcome::from)?;
    let base = base(&state);
    let mut entries = Vec::with_capacity(found.len());
    for r in &found {
        let mut resource = to_response(r, referral, &base);
        // An own questionnaire's answers are sealed: opened here, each item
        // with its typed value.
        if let (Some(sealed), Some(id)) = (&r.sealed, own::id_in(&r.instrument)) {
            let answers = state
                .data_key()
                .open(sealed)
                .map_err(Error::from)
                .and_then(|json| own::answers_from_json(&json).map_err(Error::from))
                .map_err(OperationOutcome::from)?;
            resource["questionnaire"] = json!(format!("{base}/fhir/Questionnaire/{id}"));
            resource["item"] = own_items(&answers);
        }
        entries.push(json!({
            "fullUrl": format!("{base}/fhir/QuestionnaireResponse/{}", r.id),
            "resource": resource,
            "search": {"mode": "match"},
        }));
    }
    Ok(fhir(
        StatusCode::OK,
        json!({"resourceType": "Bundle", "type": "searchset", "total": entries.len(), "entry": entries}),
    ))
}
