//! Peer supporter pages: list, view, add, edit, pause, resume, leave.

use alongside_db::supporters::Supporter;
use alongside_domain::preferences::Channel;
use alongside_domain::supporter::{
    AgeBand, Gender, NotMatchable, SupporterEvent, SupporterInput, not_matchable,
};
use alongside_domain::{FieldErrors, SupporterId};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;

use super::{
    Layout, OrPage, PageError, PageResult, RecordId, Ticks, form_status, render, ticks,
    weekly_ticks,
};
use crate::AppState;
use crate::auth::actions::ManageSupporters;
use crate::auth::{Authorised, CsrfForm, Session};
use crate::services::Error as ServiceError;
use crate::services::supporters as service;

#[derive(Template)]
#[template(path = "supporters/list.html")]
struct List {
    layout: Layout,
    supporters: Vec<(Supporter, Vec<NotMatchable>)>,
    with_left: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    left: Option<String>,
}

/// The organisation's peer supporters, with whether each can be matched.
pub async fn list(
    State(state): State<AppState>,
    auth: Authorised<ManageSupporters>,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let with_left = query.left.is_some();
    let today = Utc::now().date_naive();
    let list = service::list(state.services(), &auth.permit, with_left)
        .await
        .or_page(&auth)?;
    Ok(render(
        StatusCode::OK,
        &List {
            layout: Layout::signed_in("Peer supporters", "supporters", &auth.session),
            supporters: list
                .into_iter()
                .map(|s| {
                    let reasons = not_matchable(&s.details, s.status, &[], today);
                    (s, reasons)
                })
                .collect(),
            with_left,
        },
    ))
}

#[derive(Template)]
#[template(path = "supporters/show.html")]
struct Show {
    layout: Layout,
    supporter: Supporter,
    reasons: Vec<NotMatchable>,
    notice: Option<&'static str>,
    problem: Option<String>,
}

impl Show {
    fn list(&self, items: &[String]) -> String {
        if items.is_empty() {
            "None given".to_owned()
        } else {
            items.join(", ")
        }
    }

    fn availability(&self) -> String {
        let slots: Vec<String> = self
            .supporter
            .details
            .availability
            .iter()
            .map(ToString::to_string)
            .collect();
        self.list(&slots)
    }

    fn channels(&self) -> String {
        let channels: Vec<String> = self
            .supporter
            .details
            .channels
            .iter()
            .map(|c| c.label().to_owned())
            .collect();
        self.list(&channels)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    saved: Option<String>,
}

async fn show_page(
    state: &AppState,
    auth: &Authorised<ManageSupporters>,
    id: SupporterId,
    notice: Option<&'static str>,
    problem: Option<String>,
) -> PageResult {
    let supporter = service::find(state.services(), &auth.permit, id)
        .await
        .or_page(auth)?;
    let reasons = not_matchable(
        &supporter.details,
        supporter.status,
        &[],
        Utc::now().date_naive(),
    );
    let status = if problem.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        &Show {
            layout: Layout::signed_in(supporter.details.name.clone(), "supporters", &auth.session),
            supporter,
            reasons,
            notice,
            problem,
        },
    ))
}

/// One supporter.
pub async fn show(
    State(state): State<AppState>,
    auth: Authorised<ManageSupporters>,
    RecordId(id): RecordId<SupporterId>,
    Query(query): Query<ShowQuery>,
) -> PageResult {
    let notice = query.saved.map(|_| "The change has been saved.");
    show_page(&state, &auth, id, notice, None).await
}

#[derive(Template)]
#[template(path = "supporters/form.html")]
struct Form {
    layout: Layout,
    errors: FieldErrors,
    input: SupporterInput,
    action: String,
    cancel: String,
    gender_options: Vec<(&'static str, &'static str)>,
    age_options: Vec<(&'static str, &'static str)>,
    channel_ticks: Ticks,
    availability: Vec<(&'static str, Ticks)>,
}

fn form_page(
    session: &Session,
    title: &str,
    action: String,
    cancel: String,
    input: SupporterInput,
    errors: FieldErrors,
) -> Response {
    let status = form_status(errors.is_empty());
    let channel_ticks = ticks(
        Channel::ALL.iter().map(|c| (c.as_str(), c.label())),
        &input.channels,
    );
    let availability = weekly_ticks(&input.availability);
    render(
        status,
        &Form {
            layout: Layout::signed_in(title, "supporters", session).with_errors(!errors.is_empty()),
            errors,
            action,
            cancel,
            gender_options: Gender::ALL
                .iter()
                .map(|g| (g.as_str(), g.label()))
                .collect(),
            age_options: AgeBand::ALL
                .iter()
                .map(|a| (a.as_str(), a.label()))
                .collect(),
            channel_ticks,
            availability,
            input,
        },
    )
}

/// The form for a new supporter.
pub async fn new_form(auth: Authorised<ManageSupporters>) -> Response {
    form_page(
        &auth.session,
        "Add a peer supporter",
        "/supporters".into(),
        "/supporters".into(),
        SupporterInput::default(),
        FieldErrors::new(),
    )
}

/// Adds a supporter.
pub async fn create(
    State(state): State<AppState>,
    auth: Authorised<ManageSupporters>,
    CsrfForm(input): CsrfForm<SupporterInput>,
) -> PageResult {
    match service::create(state.services(), &auth.permit, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/supporters/{id}?saved=1")).into_response()),
        Err(ServiceError::Invalid(errors)) => Ok(form_page(
            &auth.session,
            "Add a peer supporter",
            "/supporters".into(),
            "/supporters".into(),
            input,
            errors,
        )),
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

/// The form to change a supporter's details.
pub async fn edit_form(
    State(state): State<AppState>,
    auth: Authorised<ManageSupporters>,
    RecordId(id): RecordId<SupporterId>,
) -> PageResult {
    let supporter = service::find(state.services(), &auth.permit, id)
        .await
        .or_page(&auth)?;
    Ok(form_page(
        &auth.session,
        &format!("Change {}", supporter.details.name),
        format!("/supporters/{id}/edit"),
        format!("/supporters/{id}"),
        supporter.details.to_input(),
        FieldErrors::new(),
    ))
}

/// Saves a supporter's changed details.
pub async fn update(
    State(state): State<AppState>,
    auth: Authorised<ManageSupporters>,
    RecordId(id): RecordId<SupporterId>,
    CsrfForm(input): CsrfForm<SupporterInput>,
) -> PageResult {
    match service::update(state.services(), &auth.permit, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/supporters/{id}?saved=1")).into_response()),
        Err(ServiceError::Invalid(errors)) => Ok(form_page(
            &auth.session,
            "Change a peer supporter",
            format!("/supporters/{id}/edit"),
            format!("/supporters/{id}"),
            input,
            errors,
        )),
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    change: String,
}

/// Pauses, resumes or ends a supporter's volunteering.
pub async fn change_status(
    State(state): State<AppState>,
    auth: Authorised<ManageSupporters>,
    RecordId(id): RecordId<SupporterId>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> PageResult {
    let event = match form.change.as_str() {
        "pause" => SupporterEvent::Pause,
        "resume" => SupporterEvent::Resume,
        "leave" => SupporterEvent::Leave,
        _ => {
            let problem = "Choose pause, resume or left.".to_owned();
            return show_page(&state, &auth, id, None, Some(problem)).await;
        }
    };
    match service::change_status(state.services(), &auth.permit, id, event).await {
        Ok(()) => Ok(Redirect::to(&format!("/supporters/{id}?saved=1")).into_response()),
        Err(ServiceError::IllegalTransition(t)) => {
            let message = format!(
                "{}.",
                alongside_domain::validation::capitalise(&t.to_string())
            );
            show_page(&state, &auth, id, None, Some(message)).await
        }
        Err(e) => Err(PageError::new(e, &auth)),
    }
}
