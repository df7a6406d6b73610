//! The organisation's questionnaires: those that ship with Alongside and
//! its own, imported as FHIR Questionnaire and exported the same way.

use alongside_evaluation::change::Direction;
use alongside_evaluation::instruments::{self, Instrument};
use alongside_evaluation::questionnaire::{Item, ItemType, Scoring};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::{Layout, OrPage, PageError, PageResult, canonical, form_status, render};
use crate::auth::actions::ManageProgrammes;
use crate::auth::{Authorised, CsrfForm};
use crate::fhir::custom;
use crate::services::Error as ServiceError;
use crate::services::questionnaires::{self as service, Own};
use crate::{AppState, Error};

#[derive(Template)]
#[template(path = "questionnaires/list.html")]
struct ListPage {
    layout: Layout,
    shipped: Vec<&'static Instrument>,
    own: Vec<Own>,
}

/// Every questionnaire the organisation can collect.
pub async fn list(State(state): State<AppState>, auth: Authorised<ManageProgrammes>) -> PageResult {
    let own = service::list(state.services(), auth.permit.actor().organisation_id)
        .await
        .or_page(&auth)?;
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: Layout::signed_in("Questionnaires", "programmes", &auth.session),
            shipped: instruments::ALL.to_vec(),
            own,
        },
    ))
}

#[derive(Template)]
#[template(path = "questionnaires/import.html")]
struct ImportPage {
    layout: Layout,
    resource: String,
    problems: Vec<(String, String)>,
}

fn import_page(
    auth: &Authorised<ManageProgrammes>,
    resource: String,
    problems: Vec<(String, String)>,
) -> Response {
    let status = form_status(problems.is_empty());
    render(
        status,
        &ImportPage {
            layout: Layout::signed_in("Add a questionnaire", "programmes", &auth.session)
                .with_errors(!problems.is_empty()),
            resource,
            problems,
        },
    )
}

/// The form to add a questionnaire from its FHIR export.
pub async fn import_form(auth: Authorised<ManageProgrammes>) -> PageResult {
    Ok(import_page(&auth, String::new(), Vec::new()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ImportForm {
    resource: String,
}

/// Adds a questionnaire from a pasted FHIR Questionnaire.
pub async fn import(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    CsrfForm(form): CsrfForm<ImportForm>,
) -> PageResult {
    let parsed: Result<serde_json::Value, _> = serde_json::from_str(form.resource.trim());
    let resource = match parsed {
        Ok(v) if v["resourceType"] == "Questionnaire" => v,
        Ok(_) => {
            return Ok(import_page(
                &auth,
                form.resource,
                vec![(
                    String::new(),
                    "Paste a FHIR Questionnaire: its resourceType must be Questionnaire".into(),
                )],
            ));
        }
        Err(e) => {
            return Ok(import_page(
                &auth,
                form.resource,
                vec![(
                    String::new(),
                    format!(
                        "This is not JSON (line {}, column {}): paste the whole export",
                        e.line(),
                        e.column()
                    ),
                )],
            ));
        }
    };
    let questionnaire = match custom::parse(&resource) {
        Ok(q) => q,
        Err(issues) => {
            let problems = issues.into_iter().map(|i| (i.at, i.message)).collect();
            return Ok(import_page(&auth, form.resource, problems));
        }
    };
    match service::import(state.services(), &auth.permit, &questionnaire).await {
        Ok(id) => Ok(Redirect::to(&format!("/questionnaires/{id}?saved=1")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let problems = errors
                .as_slice()
                .iter()
                .map(|e| ("Questionnaire.title".to_owned(), e.message.clone()))
                .collect();
            Ok(import_page(&auth, form.resource, problems))
        }
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

#[derive(Template)]
#[template(path = "questionnaires/show.html")]
struct ShowPage {
    layout: Layout,
    own: Own,
    items: Vec<(usize, Item)>,
    notice: Option<&'static str>,
}

impl ShowPage {
    fn scoring(&self) -> String {
        let q = &self.own.custom;
        let better = match q.direction {
            Direction::HigherIsBetter => "higher is better",
            Direction::LowerIsBetter => "lower is better",
        };
        match q.scoring {
            Scoring::None => "Not scored: answers are kept as given.".to_owned(),
            Scoring::Sum => format!("Scored as the sum of its scored items ({better})."),
            Scoring::Mean => format!("Scored as the mean of its scored items ({better})."),
        }
    }

    fn kind(&self, item: &Item) -> &'static str {
        match item.kind {
            ItemType::Group => "Group",
            ItemType::Display => "Text to read",
            ItemType::Boolean => "Yes or no",
            ItemType::Integer => "Whole number",
            ItemType::Decimal => "Number",
            ItemType::String => "Short text",
            ItemType::Text => "Longer text",
            ItemType::Choice if item.repeats => "Choose any",
            ItemType::Choice => "Choose one",
        }
    }

    fn indent(&self, depth: &usize) -> String {
        format!("app-depth-{}", (*depth).min(4))
    }
}

fn flatten(items: &[Item], depth: usize, out: &mut Vec<(usize, Item)>) {
    for item in items {
        out.push((depth, item.clone()));
        flatten(&item.items, depth + 1, out);
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// One of the organisation's own questionnaires.
pub async fn show(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    Path(code): Path<String>,
    Query(query): Query<SavedQuery>,
) -> PageResult {
    let own = find(&state, &auth, &code).await?;
    let mut items = Vec::new();
    flatten(&own.custom.items, 0, &mut items);
    Ok(render(
        StatusCode::OK,
        &ShowPage {
            layout: Layout::signed_in(own.custom.title.clone(), "programmes", &auth.session),
            items,
            own,
            notice: match query.saved.as_deref() {
                Some("retired") => {
                    Some("The questionnaire has been retired: programmes can no longer choose it.")
                }
                Some("restored") => {
                    Some("The questionnaire has been brought back: programmes can choose it again.")
                }
                Some(_) => Some("The questionnaire has been added. Programmes can now choose it."),
                None => None,
            },
        },
    ))
}

/// The id of an own questionnaire in its page's path: only an id's
/// canonical spelling names one; any other code is not there.
fn own_id(code: &str, auth: &Authorised<ManageProgrammes>) -> Result<Uuid, PageError> {
    canonical::<Uuid>(code).ok_or(Error::NotFound).or_page(auth)
}

/// The own questionnaire whose id is `code`.
async fn find(
    state: &AppState,
    auth: &Authorised<ManageProgrammes>,
    code: &str,
) -> Result<Own, PageError> {
    let id = own_id(code, auth)?;
    service::find(state.services(), auth.permit.actor().organisation_id, id)
        .await
        .or_page(auth)
}

/// Retires one of the organisation's own questionnaires.
pub async fn retire(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    Path(code): Path<String>,
    CsrfForm(_form): CsrfForm<Empty>,
) -> PageResult {
    set_active(&state, &auth, &code, false).await
}

/// Brings back a retired questionnaire.
pub async fn restore(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    Path(code): Path<String>,
    CsrfForm(_form): CsrfForm<Empty>,
) -> PageResult {
    set_active(&state, &auth, &code, true).await
}

#[derive(Deserialize, Default)]
pub struct Empty {}

async fn set_active(
    state: &AppState,
    auth: &Authorised<ManageProgrammes>,
    code: &str,
    active: bool,
) -> PageResult {
    let id = own_id(code, auth)?;
    service::set_active(state.services(), &auth.permit, id, active)
        .await
        .or_page(auth)?;
    Ok(Redirect::to(&format!(
        "/questionnaires/{code}?saved={}",
        if active { "restored" } else { "retired" }
    ))
    .into_response())
}

/// One of the organisation's own questionnaires as a FHIR Questionnaire
/// file, for another system.
pub async fn export(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    Path(code): Path<String>,
) -> PageResult {
    let own = find(&state, &auth, &code).await?;
    let base = state.settings().public_url.trim_end_matches('/');
    let body = custom::to_fhir(&own.id.to_string(), &own.custom, own.active, base);
    Ok((
        [
            (header::CONTENT_TYPE, crate::fhir::FHIR_JSON.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"questionnaire-{}.json\"", own.id),
            ),
        ],
        serde_json::to_string_pretty(&body).unwrap_or_default(),
    )
        .into_response())
}
