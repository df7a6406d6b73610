//! The referral report page and its CSV download.

use alongside_domain::ProgrammeId;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Layout, error_page, render};
use crate::AppState;
use crate::auth::Authorised;
use crate::auth::actions::ViewReports;
use crate::services::reports::{self as service, OUTCOMES, ReferralReport};

#[derive(Template)]
#[template(path = "reports/referrals.html")]
struct Page {
    layout: Layout,
    report: ReferralReport,
    outcome_labels: Vec<&'static str>,
    programme_options: Vec<(String, String)>,
    programme: String,
}

impl Page {
    fn days(&self, value: &Option<f64>) -> String {
        match value {
            Some(days) => format!("{days:.1} days"),
            None if self.report.exact => "No data yet".to_owned(),
            None => "Not shown (fewer than 5)".to_owned(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportQuery {
    programme: String,
}

/// The referral report, for the organisation or one programme.
pub async fn referrals(
    State(state): State<AppState>,
    auth: Authorised<ViewReports>,
    Query(query): Query<ReportQuery>,
) -> Response {
    let programme: Option<ProgrammeId> = query.programme.parse().ok();
    let programmes =
        match alongside_db::programmes::list(state.db(), auth.permit.actor().organisation_id, true)
            .await
        {
            Ok(p) => p,
            Err(e) => return error_page(&e.into(), Some(&auth.session)),
        };
    match service::referrals(&state, &auth.permit, programme, false).await {
        Ok(report) => {
            let mut programme_options = vec![(String::new(), "All programmes".to_owned())];
            programme_options.extend(
                programmes
                    .into_iter()
                    .map(|p| (p.id.to_string(), p.details.name)),
            );
            render(
                StatusCode::OK,
                &Page {
                    layout: Layout::signed_in("Referral report", "reports", &auth.session),
                    report,
                    outcome_labels: OUTCOMES.iter().map(|(l, _)| *l).collect(),
                    programme_options,
                    programme: programme.map(|p| p.to_string()).unwrap_or_default(),
                },
            )
        }
        Err(e) => error_page(&e, Some(&auth.session)),
    }
}

/// The referral report as CSV, small numbers hidden for everyone.
pub async fn referrals_csv(
    State(state): State<AppState>,
    auth: Authorised<ViewReports>,
    Query(query): Query<ReportQuery>,
) -> Response {
    let programme: Option<ProgrammeId> = query.programme.parse().ok();
    match service::referrals(&state, &auth.permit, programme, true).await {
        Ok(report) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"referrals.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            service::to_csv(&report),
        )
            .into_response(),
        Err(e) => error_page(&e, Some(&auth.session)),
    }
}
