//! Staff with a person: entering a timepoint's answers on their behalf, or
//! making a private link for them to answer.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::answer_page::AnswerPage;
use super::answers_form::{AnswerProblem, answered_on, read_answers};
use crate::AppState;
use crate::auth::actions::EnterOutcomes;
use crate::auth::{Authorised, CsrfForm};
use crate::html::{Layout, OrPage, PageError, PageResult, RecordId, form_status, render};
use crate::services::Error as ServiceError;
use crate::services::outcomes::{self as service, Questionnaire};

/// Staff enter a timepoint's answers with the person.
pub async fn enter_form(
    State(state): State<AppState>,
    auth: Authorised<EnterOutcomes>,
    RecordId(id): RecordId<Uuid>,
    Path((_, index)): Path<(String, String)>,
) -> PageResult {
    let (record, q) = service::staff_questionnaire(state.services(), &auth.permit, id, &index)
        .await
        .or_page(&auth)?;
    Ok(staff_page(
        &auth,
        id,
        &index,
        &record.summary.name,
        q,
        Vec::new(),
        HashMap::new(),
    ))
}

fn staff_page(
    auth: &Authorised<EnterOutcomes>,
    id: Uuid,
    index: &str,
    name: &str,
    q: Questionnaire,
    problems: Vec<AnswerProblem>,
    typed: HashMap<String, String>,
) -> Response {
    let status = form_status(problems.is_empty());
    render(
        status,
        &AnswerPage {
            layout: Layout::signed_in(
                format!("Questionnaires: {name}"),
                "referrals",
                &auth.session,
            )
            .with_errors(!problems.is_empty()),
            caption: format!("{name}: {}", q.timepoint),
            action: format!("/referrals/{id}/outcomes/{index}"),
            staff: true,
            q,
            problems,
            typed,
            back: Some(format!("/referrals/{id}#outcomes")),
        },
    )
}

/// Saves or submits answers staff entered on the person's behalf.
pub async fn enter(
    State(state): State<AppState>,
    auth: Authorised<EnterOutcomes>,
    RecordId(id): RecordId<Uuid>,
    Path((_, index)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let submit = form.get("action").map(String::as_str) != Some("save");
    let (record, q) = service::staff_questionnaire(state.services(), &auth.permit, id, &index)
        .await
        .or_page(&auth)?;
    let day = answered_on(&form, state.services().now().date_naive());
    let (answers, day) = match (read_answers(&q, &form, submit), day) {
        (Ok(answers), Ok(day)) => (answers, day),
        (answers, day) => {
            let mut problems = answers.err().unwrap_or_default();
            problems.extend(day.err());
            let name = record.summary.name.clone();
            return Ok(staff_page(&auth, id, &index, &name, q, problems, form));
        }
    };
    service::enter(
        state.services(),
        &auth.permit,
        id,
        &index,
        &answers,
        day,
        submit,
    )
    .await
    .or_page(&auth)?;
    Ok(Redirect::to(&format!("/referrals/{id}?saved=1#outcomes")).into_response())
}

#[derive(Template)]
#[template(path = "outcomes/link.html")]
struct LinkPage {
    layout: Layout,
    referral: Uuid,
    timepoint: String,
    link: Option<String>,
    emailed_to: Option<String>,
    problem: Option<String>,
}

/// Makes a private link for a timepoint and shows it once.
pub async fn make_link(
    State(state): State<AppState>,
    auth: Authorised<EnterOutcomes>,
    RecordId(id): RecordId<Uuid>,
    Path((_, index)): Path<(String, String)>,
    CsrfForm(_form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let (status, made, problem) =
        match service::make_link(state.services(), &auth.permit, id, &index).await {
            Ok(made) => (StatusCode::OK, Some(made), None),
            Err(ServiceError::Invalid(errors)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                errors.as_slice().first().map(|e| e.message.clone()),
            ),
            Err(e) => return Err(PageError::new(e, &auth)),
        };
    Ok(render(
        status,
        &LinkPage {
            layout: Layout::signed_in("Private questionnaire link", "referrals", &auth.session)
                .with_errors(problem.is_some()),
            referral: id,
            timepoint: made.as_ref().map(|(t, _)| t.clone()).unwrap_or_default(),
            emailed_to: made.as_ref().and_then(|(_, m)| m.emailed_to.clone()),
            link: made.map(|(_, m)| m.url),
            problem,
        },
    ))
}
