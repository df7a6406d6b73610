//! Staff list, invitations, and accepting an invitation.

use alongside_db::invitations::Invitation;
use alongside_db::organisations::Member;
use alongside_domain::membership::StaffChange;
use alongside_domain::{AccountId, FieldErrors, InvitationId, Role};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{
    Layout, OrPage, PageError, PageResult, RecordId, error_page, form_status, render, request_id,
    visitor_form,
};
use crate::AppState;
use crate::auth::actions::ManageStaff;
use crate::auth::{Authorised, Cookie, CsrfForm, device, set_cookie};
use crate::services::Error as ServiceError;
use crate::services::staff::{self as service, Acceptance};

#[derive(Template)]
#[template(path = "staff/list.html")]
struct List {
    layout: Layout,
    members: Vec<Member>,
    invitations: Vec<Invitation>,
    now: DateTime<Utc>,
    notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

impl DoneQuery {
    /// What the page says was just done.
    fn notice(&self) -> Option<&'static str> {
        match self.done.as_str() {
            "role" => Some("The role has been changed. Their open sessions have ended."),
            "suspend" => {
                Some("They have been suspended. Their sessions and API tokens have ended.")
            }
            "reinstate" => Some("They have been reinstated and can sign in again."),
            "remove" => Some("They have been removed from the staff and have no access."),
            "cancel" => Some("The invitation has been cancelled: its link no longer works."),
            _ => None,
        }
    }
}

/// Members and open invitations.
pub async fn list(
    State(state): State<AppState>,
    auth: Authorised<ManageStaff>,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let (members, invitations) = service::members(state.services(), &auth.permit)
        .await
        .or_page(&auth)?;
    Ok(render(
        StatusCode::OK,
        &List {
            layout: Layout::signed_in("Staff", "staff", &auth.session),
            members,
            invitations,
            now: state.services().now(),
            notice: query.notice(),
        },
    ))
}

#[derive(Template)]
#[template(path = "staff/member.html")]
struct MemberPage {
    layout: Layout,
    member: Member,
    is_me: bool,
    role_options: Vec<(&'static str, &'static str)>,
    errors: FieldErrors,
    notice: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "staff/remove.html")]
struct RemovePage {
    layout: Layout,
    member: Member,
}

async fn member_page(
    state: &AppState,
    auth: &Authorised<ManageStaff>,
    id: AccountId,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> PageResult {
    let member = service::member(state.services(), &auth.permit, id)
        .await
        .or_page(auth)?;
    Ok(render(
        form_status(errors.is_empty()),
        &MemberPage {
            layout: Layout::signed_in(member.display_name.clone(), "staff", &auth.session)
                .with_errors(!errors.is_empty()),
            is_me: member.account_id == auth.permit.actor().account_id,
            member,
            role_options: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
            errors,
            notice,
        },
    ))
}

/// One member of staff, with their role and access to change.
pub async fn member(
    State(state): State<AppState>,
    auth: Authorised<ManageStaff>,
    RecordId(id): RecordId<AccountId>,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    member_page(&state, &auth, id, FieldErrors::new(), query.notice()).await
}

/// Makes a change to a member of staff, then shows where they stand; a
/// change the rules refuse is shown on their page.
async fn make_change(
    state: &AppState,
    auth: &Authorised<ManageStaff>,
    id: AccountId,
    change: StaffChange,
    done: &str,
) -> PageResult {
    match service::change(state.services(), &auth.permit, id, change).await {
        Ok(()) if change == StaffChange::Remove => {
            Ok(Redirect::to(&format!("/staff?done={done}")).into_response())
        }
        Ok(()) => Ok(Redirect::to(&format!("/staff/{id}?done={done}")).into_response()),
        Err(ServiceError::Invalid(errors)) => member_page(state, auth, id, errors, None).await,
        Err(e) => Err(PageError::new(e, auth)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoleForm {
    role: String,
}

/// Gives a member of staff another role.
pub async fn change_role(
    State(state): State<AppState>,
    auth: Authorised<ManageStaff>,
    RecordId(id): RecordId<AccountId>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> PageResult {
    let Ok(role) = form.role.parse::<Role>() else {
        let errors = FieldErrors::one("role", "Choose a role");
        return member_page(&state, &auth, id, errors, None).await;
    };
    make_change(&state, &auth, id, StaffChange::ChangeRole(role), "role").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccessForm {
    change: String,
}

/// Suspends or reinstates a member of staff.
pub async fn change_access(
    State(state): State<AppState>,
    auth: Authorised<ManageStaff>,
    RecordId(id): RecordId<AccountId>,
    CsrfForm(form): CsrfForm<AccessForm>,
) -> PageResult {
    let change = match form.change.as_str() {
        "suspend" => StaffChange::Suspend,
        "reinstate" => StaffChange::Reinstate,
        _ => {
            let errors = FieldErrors::one("change", "Choose to suspend or reinstate them");
            return member_page(&state, &auth, id, errors, None).await;
        }
    };
    make_change(&state, &auth, id, change, &form.change).await
}

/// Asks before removing a member of staff.
pub async fn remove_form(
    State(state): State<AppState>,
    auth: Authorised<ManageStaff>,
    RecordId(id): RecordId<AccountId>,
) -> PageResult {
    let member = service::member(state.services(), &auth.permit, id)
        .await
        .or_page(&auth)?;
    Ok(render(
        StatusCode::OK,
        &RemovePage {
            layout: Layout::signed_in(
                format!("Remove {}", member.display_name),
                "staff",
                &auth.session,
            ),
            member,
        },
    ))
}

/// Removes a member of staff: they lose access at once.
pub async fn remove(
    State(state): State<AppState>,
    auth: Authorised<ManageStaff>,
    RecordId(id): RecordId<AccountId>,
    CsrfForm(_form): CsrfForm<AccessForm>,
) -> PageResult {
    make_change(&state, &auth, id, StaffChange::Remove, "remove").await
}

/// Cancels an invitation not yet accepted.
pub async fn cancel_invitation(
    State(state): State<AppState>,
    auth: Authorised<ManageStaff>,
    RecordId(id): RecordId<InvitationId>,
    CsrfForm(_form): CsrfForm<AccessForm>,
) -> PageResult {
    service::cancel_invitation(state.services(), &auth.permit, id)
        .await
        .or_page(&auth)?;
    Ok(Redirect::to("/staff?done=cancel").into_response())
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
#[derive(Default, serde::Deserialize)]
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
        device(&headers),
        request_id(&headers).as_deref(),
    )
    .await
    {
        Ok(session) => {
            let cookie = set_cookie(
                state.settings().cookie(Cookie::Session),
                &session,
                None,
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
