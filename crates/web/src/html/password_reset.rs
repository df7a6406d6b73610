//! Forgotten passwords: asking for a link by email, and choosing a new
//! password through it. No account is signed in on these pages.

use std::net::SocketAddr;

use alongside_domain::FieldErrors;
use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, error_page, form_status, render, request_id, visitor_form};
use crate::AppState;
use crate::auth::CsrfForm;
use crate::services::Error as ServiceError;
use crate::services::password_reset::{self as service, LINK_MINUTES};

#[derive(Template)]
#[template(path = "password_reset/ask.html")]
struct Ask {
    layout: Layout,
    errors: FieldErrors,
    email: String,
    minutes: i64,
}

#[derive(Template)]
#[template(path = "password_reset/sent.html")]
struct Sent {
    layout: Layout,
    email: String,
    minutes: i64,
}

#[derive(Template)]
#[template(path = "password_reset/choose.html")]
struct Choose {
    layout: Layout,
    errors: FieldErrors,
    token: String,
}

#[derive(Template)]
#[template(path = "password_reset/closed.html")]
struct Closed {
    layout: Layout,
    minutes: i64,
}

fn ask_page(
    state: &AppState,
    headers: &HeaderMap,
    errors: FieldErrors,
    email: String,
    status: StatusCode,
) -> Response {
    let has_errors = !errors.is_empty();
    visitor_form(state, headers, |csrf| {
        render(
            status,
            &Ask {
                layout: Layout::visitor("Forgotten your password?", csrf).with_errors(has_errors),
                errors,
                email,
                minutes: LINK_MINUTES,
            },
        )
    })
}

/// The form to ask for a link.
pub async fn ask_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    ask_page(
        &state,
        &headers,
        FieldErrors::new(),
        String::new(),
        StatusCode::OK,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AskForm {
    email: String,
}

/// Emails a link when an account uses the address; the answer is the same
/// either way.
pub async fn ask(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<AskForm>,
) -> Response {
    let asked = service::request(
        state.services(),
        &form.email,
        client.ip(),
        request_id(&headers).as_deref(),
    )
    .await;
    match asked {
        Ok(()) => render(
            StatusCode::OK,
            &Sent {
                layout: Layout::visitor("Check your email", String::new()),
                email: form.email.trim().to_owned(),
                minutes: LINK_MINUTES,
            },
        ),
        Err(ServiceError::Invalid(errors)) => ask_page(
            &state,
            &headers,
            errors,
            form.email,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(ServiceError::TooManyRequests) => ask_page(
            &state,
            &headers,
            FieldErrors::one(
                "email",
                "Too many requests from your network. Wait a minute, then try again",
            ),
            form.email,
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(e) => error_page(&e, None),
    }
}

fn closed() -> Response {
    render(
        StatusCode::NOT_FOUND,
        &Closed {
            layout: Layout::visitor("This link does not work", String::new()),
            minutes: LINK_MINUTES,
        },
    )
}

fn choose_page(
    state: &AppState,
    headers: &HeaderMap,
    token: String,
    errors: FieldErrors,
) -> Response {
    let status = form_status(errors.is_empty());
    let has_errors = !errors.is_empty();
    visitor_form(state, headers, |csrf| {
        render(
            status,
            &Choose {
                layout: Layout::visitor("Choose a new password", csrf).with_errors(has_errors),
                errors,
                token,
            },
        )
    })
}

/// The form to choose a new password, while the link works.
pub async fn choose_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    match service::is_open(state.services(), &token).await {
        Ok(true) => choose_page(&state, &headers, token, FieldErrors::new()),
        Ok(false) => closed(),
        Err(e) => error_page(&e, None),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChooseForm {
    new_password: String,
    confirm_password: String,
}

/// Sets the new password and ends every session of the account.
pub async fn choose(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<ChooseForm>,
) -> Response {
    let chosen = service::reset(
        state.services(),
        &token,
        &form.new_password,
        &form.confirm_password,
        request_id(&headers).as_deref(),
    )
    .await;
    match chosen {
        Ok(()) => Redirect::to("/sign-in?reset=1").into_response(),
        Err(ServiceError::Invalid(errors)) => choose_page(&state, &headers, token, errors),
        Err(ServiceError::NotFound) => closed(),
        Err(e) => error_page(&e, None),
    }
}
