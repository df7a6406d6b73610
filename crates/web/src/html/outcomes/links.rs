//! The questionnaire behind a private link: shown, saved or sent by the
//! person, with no account.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::answer_page::AnswerPage;
use super::answers_form::{AnswerProblem, read_answers};
use crate::AppState;
use crate::auth::CsrfForm;
use crate::html::{Layout, error_page, form_status, render, visitor_form};
use crate::services::outcomes::{
    self as service, AnswerError, Answered, LinkProblem, Questionnaire,
};

#[derive(Template)]
#[template(path = "outcomes/closed.html")]
struct Closed {
    layout: Layout,
    heading: &'static str,
    message: &'static str,
}

fn closed(problem: LinkProblem, submitted: bool) -> Response {
    let (status, heading, message) = match (problem, submitted) {
        (_, true) => (
            StatusCode::OK,
            "Thank you",
            "Your answers have been sent. You can close this page.",
        ),
        (LinkProblem::Unknown, _) => (
            StatusCode::NOT_FOUND,
            "This link does not work",
            "Check that the whole link was copied. If it still does not work, ask the person who sent it for a new one.",
        ),
        (LinkProblem::Closed, _) => (
            StatusCode::GONE,
            "This link has been used or has run out",
            "Each link can be used to send answers once and works for 30 days. Ask the person who sent it for a new one if you need to.",
        ),
    };
    render(
        status,
        &Closed {
            layout: Layout::visitor(heading, String::new()),
            heading,
            message,
        },
    )
}

fn public_page(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    q: Questionnaire,
    problems: Vec<AnswerProblem>,
    typed: HashMap<String, String>,
) -> Response {
    let status = form_status(problems.is_empty());
    let has_errors = !problems.is_empty();
    visitor_form(state, headers, |csrf| {
        render(
            status,
            &AnswerPage {
                layout: Layout::visitor("Your questionnaire", csrf).with_errors(has_errors),
                caption: q.timepoint.clone(),
                action: format!("/q/{token}"),
                staff: false,
                q,
                problems,
                typed,
                back: None,
            },
        )
    })
}

/// The questionnaire behind a private link.
pub async fn answer_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    match service::open_link(state.services(), &token).await {
        Ok(Ok((_, q))) => public_page(&state, &headers, &token, q, Vec::new(), HashMap::new()),
        Ok(Err(problem)) => closed(problem, false),
        Err(e) => error_page(&e, None),
    }
}

/// Saves or sends answers given through a private link.
pub async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Response {
    let submit = form.get("action").map(String::as_str) != Some("save");
    let q = match service::open_link(state.services(), &token).await {
        Ok(Ok((_, q))) => q,
        Ok(Err(problem)) => return closed(problem, false),
        Err(e) => return error_page(&e, None),
    };
    let answers = match read_answers(&q, &form, submit) {
        Ok(answers) => answers,
        Err(problems) => return public_page(&state, &headers, &token, q, problems, form),
    };
    match service::answer_link(state.services(), &token, &answers, submit).await {
        Ok(Answered::Submitted) => closed(LinkProblem::Closed, true),
        Ok(Answered::Saved) => Redirect::to(&format!("/q/{token}?saved=1")).into_response(),
        Err(AnswerError::Link(problem)) => closed(problem, false),
        Err(AnswerError::Failed(e)) => error_page(&e, None),
    }
}
