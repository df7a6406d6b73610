//! The spreadsheet import page.

use alongside_domain::FieldErrors;
use alongside_domain::import::{COLUMNS, RowProblem, template};
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Layout, OrPage, PageResult, form_status, render};
use crate::AppState;
use crate::auth::actions::TriageReferrals;
use crate::auth::{Authorised, CsrfForm, Session};
use crate::services::import::{self as service, Imported};
use crate::services::referrals::Referred;

#[derive(Template)]
#[template(path = "referrals/import.html")]
struct Page {
    layout: Layout,
    errors: FieldErrors,
    text: String,
    columns: Vec<(&'static str, bool)>,
    problems: Vec<RowProblem>,
    ready: Option<usize>,
    stored: Vec<Referred>,
}

fn page(session: &Session, text: String, outcome: Option<Imported>) -> Response {
    let (problems, ready, stored) = match outcome {
        Some(Imported::Refused(p)) => (p, None, Vec::new()),
        Some(Imported::Ready(n)) => (Vec::new(), Some(n), Vec::new()),
        Some(Imported::Stored(s)) => (Vec::new(), None, s),
        None => (Vec::new(), None, Vec::new()),
    };
    let mut errors = FieldErrors::new();
    if !problems.is_empty() {
        errors.add(
            "csv",
            format!(
                "{} problem{} in the file: nothing was imported",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            ),
        );
    }
    let status = form_status(errors.is_empty());
    render(
        status,
        &Page {
            layout: Layout::signed_in("Import referrals from a spreadsheet", "referrals", session)
                .with_errors(!errors.is_empty()),
            errors,
            text: if stored.is_empty() {
                text
            } else {
                String::new()
            },
            columns: COLUMNS.to_vec(),
            problems,
            ready,
            stored,
        },
    )
}

/// The import form.
pub async fn form(auth: Authorised<TriageReferrals>) -> Response {
    page(&auth.session, String::new(), None)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ImportForm {
    csv: String,
    action: String,
}

/// Checks the file, and imports it when asked and every row is valid.
pub async fn submit(
    State(state): State<AppState>,
    auth: Authorised<TriageReferrals>,
    CsrfForm(form): CsrfForm<ImportForm>,
) -> PageResult {
    let dry_run = form.action != "import";
    let outcome = service::import(state.services(), &auth.permit, &form.csv, dry_run)
        .await
        .or_page(&auth)?;
    Ok(page(&auth.session, form.csv, Some(outcome)))
}

/// A file with the columns and one example row.
pub async fn template_csv(_auth: Authorised<TriageReferrals>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"referrals-template.csv\"",
            ),
        ],
        template(),
    )
        .into_response()
}
