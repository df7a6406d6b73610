//! The referral report page and its CSV download.

use alongside_domain::ProgrammeId;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::report_files;
use super::{Layout, OrPage, PageError, PageResult, programme_options, render};
use crate::AppState;
use crate::auth::Authorised;
use crate::auth::actions::ViewReports;
use crate::services::reports::{self as service, OUTCOMES, OutcomeSection, ReferralReport};

#[derive(Template)]
#[template(path = "reports/referrals.html")]
struct Page {
    layout: Layout,
    report: ReferralReport,
    outcome_labels: Vec<&'static str>,
    programme_options: Vec<(String, String)>,
    programme: String,
    outcomes: Vec<OutcomeSection>,
    may_review: bool,
}

impl Page {
    fn chart(&self, index: &usize, section: &OutcomeSection) -> String {
        super::chart::means(
            &format!("outcome-chart-{index}"),
            &format!("{}: mean score at each timepoint", section.heading),
            &section.table.means,
            section.table.measure.range.unwrap_or_else(|| {
                // Unbounded scores: from zero (or the lowest mean) to the
                // highest mean.
                let means = section.table.means.iter().filter_map(|(_, m)| *m);
                let low = means.clone().fold(0.0, f64::min);
                let high = means.fold(low + 1.0, f64::max);
                (low, high)
            }),
        )
    }

    fn range(&self, section: &OutcomeSection) -> String {
        let mut out = match section.table.measure.range {
            Some((low, high)) => format!(
                "Scores run from {} to {}.",
                super::number(low),
                super::number(high)
            ),
            None => String::new(),
        };
        if section.not_counted != alongside_evaluation::report::Shown::Exact(0) {
            out.push_str(&format!(
                " Not counted: {} responses given outside their timepoint's window.",
                section.not_counted
            ));
        }
        out
    }

    fn nobody(&self, costs: &service::CostSummary) -> bool {
        costs.people == alongside_evaluation::report::Shown::Exact(0)
    }

    fn money(&self, pence: &u64) -> String {
        alongside_domain::costs::Money::from_pence(*pence).to_string()
    }

    fn number(&self, value: &Option<f64>) -> String {
        value.map_or_else(|| "Not shown".to_owned(), super::number)
    }

    fn change(&self, row: &alongside_evaluation::outcomes::ChangeRow) -> Vec<String> {
        let Some(p) = &row.paired else {
            return vec!["Not shown (fewer than 5 or fewer than 2 pairs)".to_owned()];
        };
        let mut lines = vec![format!(
            "Mean {} to {} (change {})",
            super::number(p.mean_pre),
            super::number(p.mean_post),
            super::number(p.mean_change)
        )];
        if let (Some(low), Some(high)) = (p.ci_low, p.ci_high) {
            lines.push(format!(
                "95% CI {} to {}",
                super::number(low),
                super::number(high)
            ));
        }
        if let Some(pt) = p.p_t {
            lines.push(format!("paired t-test p = {}", format_p(pt)));
        }
        if let Some(dz) = p.dz {
            lines.push(format!("effect size dz {}", super::number(dz)));
        }
        lines
    }

    fn reliable(&self, row: &alongside_evaluation::outcomes::ChangeRow) -> String {
        match &row.reliable {
            Some(r) => format!(
                "{} improved, {} no reliable change, {} deteriorated",
                r.improved, r.unchanged, r.deteriorated
            ),
            None => "Not shown".to_owned(),
        }
    }

    fn attrition(&self, row: &alongside_evaluation::outcomes::ChangeRow) -> String {
        let shown =
            |n: usize| alongside_evaluation::report::Shown::count(n as u64, self.report.exact);
        let mut text = format!(
            "{} answered both, {} only the first",
            shown(row.completers),
            shown(row.non_completers)
        );
        if self.report.exact
            && let Some(a) = row.attrition()
        {
            text.push_str(&format!(" ({:.0}% did not answer)", a * 100.0));
        }
        text
    }

    fn days(&self, value: &Option<f64>) -> String {
        match value {
            Some(days) => format!("{days:.1} days"),
            None if self.report.exact => "No data yet".to_owned(),
            None => "Not shown (fewer than 5)".to_owned(),
        }
    }
}

/// A p-value as reports print it: three decimals, or "< 0.001".
fn format_p(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".to_owned()
    } else {
        format!("{p:.3}")
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
) -> PageResult {
    let programme: Option<ProgrammeId> = query.programme.parse().ok();
    let programmes = crate::services::programmes::offered(
        state.services(),
        auth.permit.actor().organisation_id,
        true,
    )
    .await
    .or_page(&auth)?;
    let (report, outcomes) = service::full(state.services(), &auth.permit, programme, false)
        .await
        .or_page(&auth)?;
    let programme_options = programme_options(Some("All programmes"), programmes);
    Ok(render(
        StatusCode::OK,
        &Page {
            layout: Layout::signed_in("Referral report", "reports", &auth.session),
            report,
            outcome_labels: OUTCOMES.iter().map(|(l, _)| *l).collect(),
            programme_options,
            programme: programme.map(|p| p.to_string()).unwrap_or_default(),
            outcomes,
            may_review: alongside_domain::access::role_may(
                auth.session.signed_in.actor.role,
                alongside_domain::access::Action::ReviewFeedback,
            ),
        },
    ))
}

/// The full report for a download: small numbers hidden for everyone,
/// since a file leaves the service.
async fn for_download(
    state: &AppState,
    auth: &Authorised<ViewReports>,
    query: &ReportQuery,
) -> Result<(ReferralReport, Vec<OutcomeSection>), PageError> {
    let programme: Option<ProgrammeId> = query.programme.parse().ok();
    service::full(state.services(), &auth.permit, programme, true)
        .await
        .or_page(auth)
}

/// A file to save, never kept in a cache.
fn download(content_type: &'static str, filename: &str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// The referral report as CSV, small numbers hidden for everyone.
pub async fn referrals_csv(
    State(state): State<AppState>,
    auth: Authorised<ViewReports>,
    Query(query): Query<ReportQuery>,
) -> PageResult {
    let (report, outcomes) = for_download(&state, &auth, &query).await?;
    Ok(download(
        "text/csv; charset=utf-8",
        "referrals.csv",
        report_files::to_csv(&report) + &report_files::outcomes_csv(&outcomes),
    ))
}

/// The report as an XLSX workbook, small numbers hidden for everyone.
pub async fn referrals_xlsx(
    State(state): State<AppState>,
    auth: Authorised<ViewReports>,
    Query(query): Query<ReportQuery>,
) -> PageResult {
    let (report, outcomes) = for_download(&state, &auth, &query).await?;
    let bytes = report_files::to_xlsx(&report, &outcomes).or_page(&auth)?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "report.xlsx",
        bytes,
    ))
}
