//! The signed-in home page.

use alongside_domain::access::{Action, role_may};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;

use super::{Layout, OrPage, PageResult, render};
use crate::AppState;
use crate::auth::Authorised;
use crate::auth::actions::UseOwnAccount;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    layout: Layout,
    display_name: String,
    organisation_name: String,
    role_label: &'static str,
    role_summary: &'static str,
    active_programmes: usize,
    may_manage_programmes: bool,
}

/// Who you are, where, and what you can do.
pub async fn show(State(state): State<AppState>, auth: Authorised<UseOwnAccount>) -> PageResult {
    let s = &auth.session.signed_in;
    let programmes =
        crate::services::programmes::offered(state.services(), s.actor.organisation_id, false)
            .await
            .or_page(&auth)?;
    Ok(render(
        StatusCode::OK,
        &Dashboard {
            layout: Layout::signed_in("Home", "dashboard", &auth.session),
            display_name: s.display_name.clone(),
            organisation_name: s.organisation_name.clone(),
            role_label: s.actor.role.label(),
            role_summary: s.actor.role.summary(),
            active_programmes: programmes.len(),
            may_manage_programmes: role_may(s.actor.role, Action::ManageProgrammes),
        },
    ))
}
