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
use crate::html::form_values::{date_from_boxes, on_person_form, ticked};
use crate::html::{Layout, error_page, render, request_id, visitor_form};
use crate::services::Error as ServiceError;
use crate::services::referrals as service;

/// The self-referral form as typed, to read and to show again.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SelfReferralForm {
    given_name: String,
    family_name: String,
    dob_day: String,
    dob_month: String,
    dob_year: String,
    postcode: String,
    phone: String,
    email: String,
    conditions: String,
    support_wanted: String,
    consent_store: String,
    consent_contact: String,
}

impl SelfReferralForm {
    fn to_input(&self) -> SelfReferralInput {
        SelfReferralInput {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            date_of_birth: date_from_boxes(&self.dob_day, &self.dob_month, &self.dob_year),
            postcode: self.postcode.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            conditions: self.conditions.clone(),
            support_wanted: self.support_wanted.clone(),
            consent_store: ticked(&self.consent_store),
            consent_contact: ticked(&self.consent_contact),
        }
    }
}

#[derive(Template)]
#[template(path = "referrals/refer.html")]
struct Refer {
    layout: Layout,
    errors: FieldErrors,
    slug: String,
    organisation_name: String,
    input: SelfReferralForm,
}

async fn refer_page(
    state: &AppState,
    headers: &HeaderMap,
    slug: String,
    input: SelfReferralForm,
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
        SelfReferralForm::default(),
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
    input: SelfReferralForm,
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
        &form.input.to_input(),
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
            let errors = on_person_form(errors);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            refer_page(&state, &headers, slug, form.input, errors, status).await
        }
        Err(ServiceError::TooManyRequests) => {
            let errors = FieldErrors::one(
                "given_name",
                "We have had several requests from your network just now. Wait a minute, then send again",
            );
            let status = StatusCode::TOO_MANY_REQUESTS;
            refer_page(&state, &headers, slug, form.input, errors, status).await
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
    let reference = super::shown_reference(&query.reference);
    render(
        StatusCode::OK,
        &Referred {
            layout: Layout::visitor("We have your request", String::new()),
            reference,
        },
    )
}
