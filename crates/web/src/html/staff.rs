//! Staff list, invitations, and accepting an invitation.

use alongside_db::invitations::Invitation;
use alongside_db::organisations::Member;
use alongside_domain::{FieldErrors, Role};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{
    Layout, OrPage, PageError, PageResult, error_page, form_status, render, request_id,
    visitor_form,
};
use crate::AppState;
use crate::auth::actions::ManageStaff;
use crate::auth::{Authorised, CsrfForm, SESSION_COOKIE, set_cookie};
use crate::services::Error as ServiceError;
use crate::services::staff::{self as service, Acceptance};

#[derive(Template)]
#[template(path = "staff/list.html")]
struct List {
    layout: Layout,
    members: Vec<Member>,
    invitations: Vec<Invitation>,
    now: DateTime<Utc>,
}

/// Members and open invitations.
pub async fn list(State(state): State<AppState>, auth: Authorised<ManageStaff>) -> PageResult {
    let (members, invitations) = service::members(state.services(), &auth.permit)
        .await
        .or_page(&auth)?;
    Ok(render(
        StatusCode::OK,
        &List {
            layout: Layout::signed_in("Staff", "staff", &auth.session),
            members,
            invitations,
            now: Utc::now(),
        },
    ))
}

#[derive(Template)]
#[template(path = "staff/invite.html")]
struct Invite {
    layout: Layout,
    errors: FieldErrors,
    email: String,
    role: String,
    role_options: Vec<(&'static str, &'static str)>,
}

fn invite_page(
    auth: &Authorised<ManageStaff>,
    errors: FieldErrors,
    email: String,
    role: String,
) -> Response {
    let status = form_status(errors.is_empty());
    render(
        status,
        &Invite {
            layout: Layout::signed_in("Invite a member of staff", "staff", &auth.session)
                .with_errors(!errors.is_empty()),
            errors,
            email,
            role,
            role_options: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        },
    )
}

/// The invitation form.
pub async fn invite_form(auth: Authorised<ManageStaff>) -> Response {
    invite_page(&auth, FieldErrors::new(), String::new(), String::new())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InviteForm {
    email: String,
    role: String,
}

#[derive(Template)]
#[template(path = "staff/invited.html")]
struct Invited {
    layout: Layout,
    email: String,
    link: String,
    expires_at: DateTime<Utc>,
}

/// Creates an invitation and shows its link.
pub async fn invite(
    State(state): State<AppState>,
    auth: Authorised<ManageStaff>,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> PageResult {
    match service::invite(state.services(), &auth.permit, &form.email, &form.role).await {
        Ok(invited) => Ok(render(
            StatusCode::OK,
            &Invited {
                layout: Layout::signed_in("Invitation created", "staff", &auth.session),
                email: invited.email,
                link: invited.link,
                expires_at: invited.expires_at,
            },
        )),
        Err(ServiceError::Invalid(errors)) => Ok(invite_page(&auth, errors, form.email, form.role)),
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct Accept {
    layout: Layout,
    errors: FieldErrors,
    token: String,
    organisation_name: String,
    role_label: &'static str,
    email: String,
    existing_account: bool,
    display_name: String,
}

async fn accept_page(
    state: &AppState,
    headers: &HeaderMap,
    token: String,
    errors: FieldErrors,
    display_name: String,
) -> Response {
    let invitation = match service::find_open(state.services(), &token).await {
        Ok(invitation) => invitation,
        Err(e) => return error_page(&e, None),
    };
    let existing_account = match service::has_account(state.services(), &invitation).await {
        Ok(exists) => exists,
        Err(e) => return error_page(&e, None),
    };
    let status = form_status(errors.is_empty());
    visitor_form(state, headers, |csrf| {
        render(
            status,
            &Accept {
                layout: Layout::visitor(format!("Join {}", invitation.organisation_name), csrf)
                    .with_errors(!errors.is_empty()),
                errors,
                token,
                organisation_name: invitation.organisation_name,
                role_label: invitation.role.label(),
                email: invitation.email,
                existing_account,
                display_name,
            },
        )
    })
}

/// The page an invitation link opens.
pub async fn invitation_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    accept_page(&state, &headers, token, FieldErrors::new(), String::new()).await
}

/// The invitation form as typed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AcceptForm {
    display_name: String,
    password: String,
    confirm_password: String,
}

/// Accepts the invitation and signs the person in.
pub async fn accept_invitation(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> Response {
    let form = Acceptance {
        display_name: form.display_name,
        password: form.password,
        confirm_password: form.confirm_password,
    };
    match service::accept(
        state.services(),
        &token,
        &form,
        request_id(&headers).as_deref(),
    )
    .await
    {
        Ok(session) => {
            let cookie = set_cookie(
                SESSION_COOKIE,
                &session,
                state.settings().session_lifetime.as_secs(),
                state.settings().secure_cookies(),
            );
            let mut response = Redirect::to("/dashboard").into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                cookie.parse().expect("cookie header value"),
            );
            response
        }
        Err(ServiceError::Invalid(errors)) => {
            accept_page(&state, &headers, token, errors, form.display_name).await
        }
        Err(e) => error_page(&e, None),
    }
}
