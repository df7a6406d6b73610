//! Programme pages: list, view, add, edit, archive, restore.

use alongside_domain::access::{Action, role_may};
use alongside_domain::costs::ProgrammeCosts;
use alongside_domain::programme::{Programme, ProgrammeInput, ProgrammeModel, Setting};
use alongside_domain::{FieldErrors, ProgrammeId};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, OrPage, PageError, PageResult, RecordId, form_status, render};
use crate::AppState;
use crate::auth::actions::{ManageProgrammes, ViewProgrammes};
use crate::auth::{Authorised, CsrfForm, Session};
use crate::services::Error as ServiceError;
use crate::services::programmes as service;

#[derive(Template)]
#[template(path = "programmes/list.html")]
struct List {
    layout: Layout,
    programmes: Vec<Programme>,
    include_archived: bool,
    may_manage: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    archived: Option<String>,
}

/// The organisation's programmes.
pub async fn list(
    State(state): State<AppState>,
    auth: Authorised<ViewProgrammes>,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let include_archived = query.archived.is_some();
    let programmes = service::list(state.services(), &auth.permit, include_archived)
        .await
        .or_page(&auth)?;
    Ok(render(
        StatusCode::OK,
        &List {
            layout: Layout::signed_in("Programmes", "programmes", &auth.session),
            programmes,
            include_archived,
            may_manage: role_may(auth.permit.actor().role, Action::ManageProgrammes),
        },
    ))
}

#[derive(Template)]
#[template(path = "programmes/show.html")]
struct Show {
    layout: Layout,
    programme: Programme,
    may_manage: bool,
    may_match: bool,
    notice: Option<String>,
    problem: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    saved: Option<String>,
    archived: Option<String>,
    restored: Option<String>,
}

fn show_page(
    session: &Session,
    programme: Programme,
    status: StatusCode,
    notice: Option<String>,
    problem: Option<String>,
) -> Response {
    render(
        status,
        &Show {
            layout: Layout::signed_in(programme.details.name.clone(), "programmes", session)
                .with_errors(problem.is_some()),
            may_manage: role_may(session.signed_in.actor.role, Action::ManageProgrammes),
            may_match: role_may(session.signed_in.actor.role, Action::MatchPeople),
            programme,
            notice,
            problem,
        },
    )
}

/// One programme.
pub async fn show(
    State(state): State<AppState>,
    auth: Authorised<ViewProgrammes>,
    RecordId(id): RecordId<ProgrammeId>,
    Query(query): Query<ShowQuery>,
) -> PageResult {
    let programme = service::find(state.services(), &auth.permit, id)
        .await
        .or_page(&auth)?;
    let notice = if query.saved.is_some() {
        Some("The programme has been saved.")
    } else if query.archived.is_some() {
        Some("The programme has been archived.")
    } else if query.restored.is_some() {
        Some("The programme has been restored.")
    } else {
        None
    };
    let notice = notice.map(str::to_owned);
    Ok(show_page(
        &auth.session,
        programme,
        StatusCode::OK,
        notice,
        None,
    ))
}

#[derive(Template)]
#[template(path = "programmes/form.html")]
struct Form {
    layout: Layout,
    action: String,
    cancel: String,
    input: ProgrammeInput,
    errors: FieldErrors,
    model_options: Vec<(&'static str, &'static str)>,
    setting_options: Vec<(&'static str, &'static str)>,
}

fn form_page(
    session: &Session,
    title: &str,
    action: String,
    cancel: String,
    input: ProgrammeInput,
    errors: FieldErrors,
) -> Response {
    let status = form_status(errors.is_empty());
    render(
        status,
        &Form {
            layout: Layout::signed_in(title, "programmes", session).with_errors(!errors.is_empty()),
            action,
            cancel,
            input,
            errors,
            model_options: ProgrammeModel::ALL
                .iter()
                .map(|m| (m.as_str(), m.label()))
                .collect(),
            setting_options: Setting::ALL
                .iter()
                .map(|s| (s.as_str(), s.label()))
                .collect(),
        },
    )
}

/// The empty "Add a programme" form.
pub async fn new_form(auth: Authorised<ManageProgrammes>) -> Response {
    form_page(
        &auth.session,
        "Add a programme",
        "/programmes".into(),
        "/programmes".into(),
        ProgrammeInput::default(),
        FieldErrors::new(),
    )
}

/// Saves a new programme, or shows the form again with what was typed.
pub async fn create(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    CsrfForm(input): CsrfForm<ProgrammeInput>,
) -> PageResult {
    match service::create(state.services(), &auth.permit, &input).await {
        Ok(programme) => {
            Ok(Redirect::to(&format!("/programmes/{}?saved=1", programme.id)).into_response())
        }
        Err(ServiceError::Invalid(errors)) => Ok(form_page(
            &auth.session,
            "Add a programme",
            "/programmes".into(),
            "/programmes".into(),
            input,
            errors,
        )),
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

/// The edit form, filled with the stored values.
pub async fn edit_form(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    RecordId(id): RecordId<ProgrammeId>,
) -> PageResult {
    let p = service::find(state.services(), &auth.permit.to_view(), id)
        .await
        .or_page(&auth)?;
    Ok(form_page(
        &auth.session,
        "Edit programme",
        format!("/programmes/{}/edit", p.id),
        format!("/programmes/{}", p.id),
        p.details.to_input(),
        FieldErrors::new(),
    ))
}

/// Saves changes, or shows the form again with what was typed.
pub async fn update(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    RecordId(id): RecordId<ProgrammeId>,
    CsrfForm(input): CsrfForm<ProgrammeInput>,
) -> PageResult {
    match service::update(state.services(), &auth.permit, id, &input).await {
        Ok(programme) => {
            Ok(Redirect::to(&format!("/programmes/{}?saved=1", programme.id)).into_response())
        }
        Err(ServiceError::Invalid(errors)) => Ok(form_page(
            &auth.session,
            "Edit programme",
            format!("/programmes/{id}/edit"),
            format!("/programmes/{id}"),
            input,
            errors,
        )),
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

/// Archives a programme.
pub async fn archive(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    RecordId(id): RecordId<ProgrammeId>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    change_status(state, auth, id, true).await
}

/// Restores an archived programme.
pub async fn restore(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    RecordId(id): RecordId<ProgrammeId>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    change_status(state, auth, id, false).await
}

async fn change_status(
    state: AppState,
    auth: Authorised<ManageProgrammes>,
    id: ProgrammeId,
    archive: bool,
) -> PageResult {
    let result = if archive {
        service::archive(state.services(), &auth.permit, id).await
    } else {
        service::restore(state.services(), &auth.permit, id).await
    };
    match result {
        Ok(programme) => Ok(Redirect::to(&format!(
            "/programmes/{}?{}=1",
            programme.id,
            if archive { "archived" } else { "restored" }
        ))
        .into_response()),
        Err(ServiceError::IllegalTransition(t)) => {
            let programme = service::find(state.services(), &auth.permit.to_view(), id)
                .await
                .or_page(&auth)?;
            let message = format!(
                "{}.",
                alongside_domain::validation::capitalise(&t.to_string())
            );
            Ok(show_page(
                &auth.session,
                programme,
                StatusCode::CONFLICT,
                None,
                Some(message),
            ))
        }
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

#[derive(Template)]
#[template(path = "programmes/costs.html")]
struct CostsPage {
    layout: Layout,
    programme: Programme,
    typed: CostsForm,
    errors: FieldErrors,
    notice: Option<&'static str>,
}

/// The costs form as typed: pounds and whole hours.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CostsForm {
    funding: String,
    volunteer_hours: String,
    hour_value: String,
}

impl CostsForm {
    fn of(costs: &ProgrammeCosts) -> Self {
        Self {
            funding: costs.funding.map(|m| m.plain()).unwrap_or_default(),
            volunteer_hours: match costs.volunteer_hours {
                0 => String::new(),
                h => h.to_string(),
            },
            hour_value: costs.hour_value.map(|m| m.plain()).unwrap_or_default(),
        }
    }
}

async fn costs_page(
    state: &AppState,
    auth: &Authorised<ManageProgrammes>,
    id: ProgrammeId,
    typed: Option<CostsForm>,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> PageResult {
    let programme = service::find(state.services(), &auth.permit.to_view(), id)
        .await
        .or_page(auth)?;
    let typed = match typed {
        Some(t) => t,
        None => CostsForm::of(
            &service::costs(state.services(), &auth.permit, id)
                .await
                .or_page(auth)?,
        ),
    };
    let status = form_status(errors.is_empty());
    Ok(render(
        status,
        &CostsPage {
            layout: Layout::signed_in(
                format!("Costs: {}", programme.details.name),
                "programmes",
                &auth.session,
            )
            .with_errors(!errors.is_empty()),
            programme,
            typed,
            errors,
            notice,
        },
    ))
}

/// A programme's funding and volunteer hours.
pub async fn costs_form(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    RecordId(id): RecordId<ProgrammeId>,
    Query(query): Query<ShowQuery>,
) -> PageResult {
    let notice = query
        .saved
        .is_some()
        .then_some("The costs have been saved.");
    costs_page(&state, &auth, id, None, FieldErrors::new(), notice).await
}

/// Records a programme's funding and volunteer hours.
pub async fn set_costs(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    RecordId(id): RecordId<ProgrammeId>,
    CsrfForm(form): CsrfForm<CostsForm>,
) -> PageResult {
    let result = match ProgrammeCosts::parse(&form.funding, &form.volunteer_hours, &form.hour_value)
    {
        Ok(costs) => service::set_costs(state.services(), &auth.permit, id, &costs).await,
        Err(errors) => Err(errors.into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/programmes/{id}/costs?saved=1")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            costs_page(&state, &auth, id, Some(form), errors, None).await
        }
        Err(e) => Err(PageError::new(e, &auth)),
    }
}
