//! The public self-referral form: no account needed, a hidden field that
//! only bots fill in, and a confirmation with the reference to quote.

use std::net::SocketAddr;

use alongside_domain::FieldErrors;
use alongside_domain::referral::SelfReferralInput;
use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::CsrfForm;
use crate::html::{Layout, error_page, render, request_id, visitor_form};
use crate::services::Error as ServiceError;
use crate::services::referrals as service;

#[derive(Template)]
#[template(path = "referrals/refer.html")]
struct Refer {
    layout: Layout,
    errors: FieldErrors,
    slug: String,
    organisation_name: String,
    input: SelfReferralInput,
}

async fn refer_page(
    state: &AppState,
    headers: &HeaderMap,
    slug: String,
    input: SelfReferralInput,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let organisation = match service::organisation(state.services(), &slug).await {
        Ok(organisation) => organisation,
        Err(e) => return error_page(&e, None),
    };
    let has_errors = !errors.is_empty();
    visitor_form(state, headers, |csrf| {
        render(
            status,
            &Refer {
                layout: Layout::visitor("Ask for peer support", csrf).with_errors(has_errors),
                errors,
                slug,
                organisation_name: organisation.name,
                input,
            },
        )
    })
}

/// The public self-referral form of an organisation.
pub async fn refer_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    refer_page(
        &state,
        &headers,
        slug,
        SelfReferralInput::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// The form as sent: the person's answers and the field only bots fill in.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReferForm {
    #[serde(flatten)]
    input: SelfReferralInput,
    website: String,
}

/// Takes a self-referral and answers with its reference.
pub async fn refer(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<ReferForm>,
) -> Response {
    match service::self_refer(
        state.services(),
        &slug,
        &form.input,
        &form.website,
        client.ip(),
        request_id(&headers).as_deref(),
    )
    .await
    {
        Ok(referred) => Redirect::to(&format!(
            "/refer/{slug}/received?reference={}",
            referred.reference
        ))
        .into_response(),
        Err(ServiceError::Invalid(errors)) => {
            refer_page(
                &state,
                &headers,
                slug,
                form.input,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(ServiceError::TooManyRequests) => {
            let errors = FieldErrors::one(
                "given_name",
                "We have had several requests from your network just now. Wait a minute, then send again",
            );
            refer_page(
                &state,
                &headers,
                slug,
                form.input,
                errors,
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await
        }
        Err(e) => error_page(&e, None),
    }
}

#[derive(Template)]
#[template(path = "referrals/referred.html")]
struct Referred {
    layout: Layout,
    reference: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReceivedQuery {
    reference: String,
}

/// The confirmation, with the reference to quote.
pub async fn received(Query(query): Query<ReceivedQuery>) -> Response {
    // Only the shape of a reference is shown back, never arbitrary text.
    let reference: String = query
        .reference
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(12)
        .collect();
    render(
        StatusCode::OK,
        &Referred {
            layout: Layout::visitor("We have your request", String::new()),
            reference,
        },
    )
}
