//! The audit log, for admins.

use alongside_db::audit::AuditRecord;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::{Layout, OrPage, PageResult, render};
use crate::AppState;
use crate::auth::Authorised;
use crate::auth::actions::ViewAuditLog;

const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "audit.html")]
struct List {
    layout: Layout,
    entries: Vec<AuditRecord>,
    page: i64,
    has_more: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Page {
    page: String,
}

/// Newest entries first, 50 a page.
pub async fn list(
    State(state): State<AppState>,
    auth: Authorised<ViewAuditLog>,
    Query(query): Query<Page>,
) -> PageResult {
    // A page number that is not one is the first page, not an error.
    let page = query
        .page
        .trim()
        .parse::<i64>()
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    // One extra row tells whether there is an older page.
    let mut entries = crate::services::audit_log::entries(
        state.services(),
        &auth.permit,
        PAGE_SIZE + 1,
        (page - 1) * PAGE_SIZE,
    )
    .await
    .or_page(&auth)?;
    let has_more = entries.len() > PAGE_SIZE as usize;
    entries.truncate(PAGE_SIZE as usize);
    Ok(render(
        StatusCode::OK,
        &List {
            layout: Layout::signed_in("Audit log", "audit", &auth.session),
            entries,
            page,
            has_more,
        },
    ))
}
