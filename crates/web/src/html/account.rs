//! The signed-in person's own account: details, password, API tokens.

use alongside_db::api_tokens::ApiToken;
use alongside_db::sessions::OpenSession;
use alongside_domain::{ApiTokenId, FieldErrors};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, OrPage, PageError, PageResult, RecordId, form_status, render};
use crate::AppState;
use crate::auth::actions::UseOwnAccount;
use crate::auth::{Authorised, CsrfForm};
use crate::services::Error as ServiceError;
use crate::services::accounts as service;

#[derive(Template)]
#[template(path = "account/index.html")]
struct Account {
    layout: Layout,
    display_name: String,
    email: String,
    organisation_name: String,
    role_label: &'static str,
}

/// Who you are.
pub async fn show(auth: Authorised<UseOwnAccount>) -> Response {
    let s = &auth.session.signed_in;
    render(
        StatusCode::OK,
        &Account {
            layout: Layout::signed_in("Your account", "", &auth.session),
            display_name: s.display_name.clone(),
            email: s.email.clone(),
            organisation_name: s.organisation_name.clone(),
            role_label: s.actor.role.label(),
        },
    )
}

#[derive(Template)]
#[template(path = "account/sessions.html")]
struct Sessions {
    layout: Layout,
    sessions: Vec<(OpenSession, bool)>,
    idle_minutes: u64,
    lifetime_hours: u64,
    ended: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SessionsQuery {
    ended: Option<u64>,
}

/// The browsers the signed-in person is signed in with.
pub async fn sessions(
    State(state): State<AppState>,
    auth: Authorised<UseOwnAccount>,
    Query(query): Query<SessionsQuery>,
) -> PageResult {
    let sessions = service::open_sessions(state.services(), &auth.permit, &auth.session.token_hash)
        .await
        .or_page(&auth)?;
    Ok(render(
        StatusCode::OK,
        &Sessions {
            layout: Layout::signed_in("Where you are signed in", "", &auth.session),
            sessions,
            idle_minutes: state.settings().session_idle.as_secs() / 60,
            lifetime_hours: state.settings().session_lifetime.as_secs() / 3600,
            ended: query.ended,
        },
    ))
}

/// Signs the person out of every browser but this one.
pub async fn sign_out_others(
    State(state): State<AppState>,
    auth: Authorised<UseOwnAccount>,
    CsrfForm(_form): CsrfForm<SessionsQuery>,
) -> PageResult {
    let ended =
        service::sign_out_elsewhere(state.services(), &auth.permit, &auth.session.token_hash)
            .await
            .or_page(&auth)?;
    Ok(Redirect::to(&format!("/account/sessions?ended={ended}")).into_response())
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct Password {
    layout: Layout,
    errors: FieldErrors,
    changed: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordQuery {
    changed: Option<String>,
}

/// The change-password form.
pub async fn password_form(
    auth: Authorised<UseOwnAccount>,
    Query(query): Query<PasswordQuery>,
) -> Response {
    render(
        StatusCode::OK,
        &Password {
            layout: Layout::signed_in("Change your password", "", &auth.session),
            errors: FieldErrors::new(),
            changed: query.changed.is_some(),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

/// Changes the password. Passwords are never shown again in the form.
pub async fn change_password(
    State(state): State<AppState>,
    auth: Authorised<UseOwnAccount>,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> PageResult {
    match service::change_password(
        state.services(),
        &auth.permit,
        &auth.session.token_hash,
        &form.current_password,
        &form.new_password,
        &form.confirm_password,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/account/password?changed=1").into_response()),
        Err(ServiceError::Invalid(errors)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &Password {
                layout: Layout::signed_in("Change your password", "", &auth.session)
                    .with_errors(true),
                errors,
                changed: false,
            },
        )),
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

#[derive(Template)]
#[template(path = "account/tokens.html")]
struct Tokens {
    layout: Layout,
    tokens: Vec<ApiToken>,
    new_token: Option<String>,
    errors: FieldErrors,
    name: String,
}

async fn tokens_page(
    state: &AppState,
    auth: &Authorised<UseOwnAccount>,
    new_token: Option<String>,
    errors: FieldErrors,
    name: String,
) -> PageResult {
    let tokens = crate::services::accounts::api_tokens(state.services(), &auth.permit)
        .await
        .or_page(auth)?;
    let status = form_status(errors.is_empty());
    Ok(render(
        status,
        &Tokens {
            layout: Layout::signed_in("API tokens", "", &auth.session)
                .with_errors(!errors.is_empty()),
            tokens,
            new_token,
            errors,
            name,
        },
    ))
}

/// The person's API tokens.
pub async fn tokens(State(state): State<AppState>, auth: Authorised<UseOwnAccount>) -> PageResult {
    tokens_page(&state, &auth, None, FieldErrors::new(), String::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    name: String,
}

/// Makes a token and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    auth: Authorised<UseOwnAccount>,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> PageResult {
    match service::create_api_token(state.services(), &auth.permit, &form.name).await {
        Ok(token) => {
            tokens_page(
                &state,
                &auth,
                Some(token),
                FieldErrors::new(),
                String::new(),
            )
            .await
        }
        Err(ServiceError::Invalid(errors)) => {
            tokens_page(&state, &auth, None, errors, form.name).await
        }
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

/// Revokes a token.
pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Authorised<UseOwnAccount>,
    RecordId(id): RecordId<ApiTokenId>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    service::revoke_api_token(state.services(), &auth.permit, id)
        .await
        .or_page(&auth)?;
    Ok(Redirect::to("/account/tokens").into_response())
}
