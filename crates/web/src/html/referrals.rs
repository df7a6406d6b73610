//! Referral pages: the public self-referral form, the coordinator's queue, a
//! referral with its triage decision.

use std::net::SocketAddr;

use alongside_db::referrals::{QueueEntry, ReferralEventRecord, ReferralRecord};
use alongside_domain::FieldErrors;
use alongside_domain::access::{Action, role_may};
use alongside_domain::referral::{DeclineReason, SelfReferralInput};
use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::{Layout, error_page, render, request_id, visitor_form};
use crate::auth::actions::{TriageReferrals, ViewReferrals};
use crate::auth::{Authorised, CsrfForm, Session};
use crate::services::referrals::{self as service, QueueView, TriageInput};
use crate::{AppState, Error};

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
    let organisation = match service::organisation(state, &slug).await {
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
        &state,
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
        Err(Error::Invalid(errors)) => {
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
        Err(Error::TooManyRequests) => {
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

#[derive(Template)]
#[template(path = "referrals/queue.html")]
struct Queue {
    layout: Layout,
    entries: Vec<QueueEntry>,
    view: &'static str,
    caption: &'static str,
    slug: String,
    public_link: String,
    today: chrono::NaiveDate,
}

impl Queue {
    fn days_waiting(&self, entry: &QueueEntry) -> String {
        match (self.today - entry.received_at.date_naive()).num_days() {
            0 => "today".into(),
            1 => "1 day ago".into(),
            n => format!("{n} days ago"),
        }
    }

    fn status_label(&self, entry: &QueueEntry) -> &'static str {
        entry.status.label()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    view: String,
}

/// The coordinator's queue.
pub async fn queue(
    State(state): State<AppState>,
    auth: Authorised<ViewReferrals>,
    Query(query): Query<QueueQuery>,
) -> Response {
    let view = QueueView::from_query(&query.view);
    let organisation =
        match alongside_db::organisations::find(state.db(), auth.permit.actor().organisation_id)
            .await
        {
            Ok(organisation) => organisation,
            Err(e) => return error_page(&e.into(), Some(&auth.session)),
        };
    match service::queue(&state, &auth.permit, view).await {
        Ok(entries) => {
            let (view, caption) = match view {
                QueueView::New => ("new", "New referrals"),
                QueueView::Waiting => ("waiting", "Referrals on a waiting list"),
                QueueView::Done => ("done", "Referrals that are done"),
            };
            render(
                StatusCode::OK,
                &Queue {
                    layout: Layout::signed_in("Referrals", "referrals", &auth.session),
                    entries,
                    view,
                    caption,
                    public_link: format!(
                        "{}/refer/{}",
                        state.settings().public_url,
                        organisation.slug
                    ),
                    slug: organisation.slug,
                    today: Utc::now().date_naive(),
                },
            )
        }
        Err(e) => error_page(&e, Some(&auth.session)),
    }
}

#[derive(Template)]
#[template(path = "referrals/show.html")]
struct Show {
    layout: Layout,
    record: ReferralRecord,
    history: Vec<ReferralEventRecord>,
    status: &'static str,
    status_label: &'static str,
    may_triage: bool,
    errors: FieldErrors,
    input: TriageInput,
    notice: Option<&'static str>,
    decision_options: Vec<(&'static str, &'static str)>,
    programme_options: Vec<(String, String)>,
    reason_options: Vec<(&'static str, &'static str)>,
}

fn parse_id(id: &str) -> Result<Uuid, Error> {
    Uuid::parse_str(id)
        .ok()
        .filter(|_| id.len() == 36)
        .ok_or(Error::NotFound)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    saved: Option<String>,
}

async fn show_page(
    state: &AppState,
    session: &Session,
    permit: &crate::auth::Permit<ViewReferrals>,
    id: Uuid,
    input: TriageInput,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Response {
    let (record, history) = match service::show(state, permit, id).await {
        Ok(found) => found,
        Err(e) => return error_page(&e, Some(session)),
    };
    let programmes =
        match alongside_db::programmes::list(state.db(), permit.actor().organisation_id, false)
            .await
        {
            Ok(p) => p,
            Err(e) => return error_page(&e.into(), Some(session)),
        };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &Show {
            layout: Layout::signed_in(
                format!("Referral {}", record.summary.reference),
                "referrals",
                session,
            )
            .with_errors(!errors.is_empty()),
            status: record.summary.status.as_str(),
            status_label: record.summary.status.label(),
            may_triage: role_may(permit.actor().role, Action::TriageReferrals),
            decision_options: vec![
                ("accept", "Accept onto a programme's waiting list"),
                ("signpost", "Signpost to another service"),
                ("decline", "Decline"),
            ],
            programme_options: programmes
                .into_iter()
                .map(|p| (p.id.to_string(), p.details.name))
                .collect(),
            reason_options: DeclineReason::ALL
                .iter()
                .map(|r| (r.as_str(), r.label()))
                .collect(),
            record,
            history,
            errors,
            input,
            notice,
        },
    )
}

/// One referral, with the person's details (the view is audited).
pub async fn show(
    State(state): State<AppState>,
    auth: Authorised<ViewReferrals>,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&e, Some(&auth.session)),
    };
    let notice = query.saved.map(|_| "The decision has been saved.");
    show_page(
        &state,
        &auth.session,
        &auth.permit,
        id,
        TriageInput::default(),
        FieldErrors::new(),
        notice,
    )
    .await
}

/// Records a triage decision.
pub async fn triage(
    State(state): State<AppState>,
    auth: Authorised<TriageReferrals>,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<TriageInput>,
) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&e, Some(&auth.session)),
    };
    let Some(viewer) = auth.permit.also::<ViewReferrals>() else {
        return error_page(&Error::Forbidden, Some(&auth.session));
    };
    match service::triage(&state, &auth.permit, id, &input).await {
        Ok(_) => Redirect::to(&format!("/referrals/{id}?saved=1")).into_response(),
        Err(Error::Invalid(errors)) => {
            show_page(&state, &auth.session, &viewer, id, input, errors, None).await
        }
        Err(Error::IllegalTransition(t)) => {
            let errors = FieldErrors::one(
                "decision",
                format!(
                    "{}.",
                    alongside_domain::validation::capitalise(&t.to_string())
                ),
            );
            show_page(
                &state,
                &auth.session,
                &viewer,
                id,
                TriageInput::default(),
                errors,
                None,
            )
            .await
        }
        Err(e) => error_page(&e, Some(&auth.session)),
    }
}
