//! The coordinator's queue of referrals: new, waiting and done, with
//! search and filters.

use alongside_db::referrals::QueueEntry;
use alongside_domain::referral::{ReferralSource, days_waiting, waiting_too_long};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Authorised;
use crate::auth::actions::ViewReferrals;
use crate::html::{Layout, OrPage, PageResult, programme_options, render};
use crate::services::referrals::{self as service, QueueSearch, QueueView};

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
    search: QueueQuery,
    source_options: Vec<(&'static str, &'static str)>,
    programme_options: Vec<(String, String)>,
}

impl Queue {
    fn days_waiting(&self, entry: &QueueEntry) -> String {
        match days_waiting(entry.received_at.date_naive(), self.today) {
            0 => "today".into(),
            1 => "1 day ago".into(),
            n => format!("{n} days ago"),
        }
    }

    fn waiting_too_long(&self, entry: &QueueEntry) -> bool {
        waiting_too_long(
            entry.received_at.date_naive(),
            entry.first_contact_at.map(|t| t.date_naive()),
            entry.status,
            entry.waiting_target_days,
            self.today,
        )
    }

    fn status_label(&self, entry: &QueueEntry) -> &'static str {
        entry.status.label()
    }
}

/// The queue's filters as typed in its search form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    view: String,
    q: String,
    source: String,
    programme: String,
}

impl QueueQuery {
    /// The filters: a choice that names nothing filters nothing.
    fn search(&self) -> QueueSearch {
        QueueSearch {
            q: self.q.clone(),
            source: self.source.parse().ok(),
            programme: self.programme.parse().ok(),
        }
    }
}

/// The coordinator's queue, with filters and search.
pub async fn queue(
    State(state): State<AppState>,
    auth: Authorised<ViewReferrals>,
    Query(query): Query<QueueQuery>,
) -> PageResult {
    let view = QueueView::from_query(&query.view);
    let organisation_id = auth.permit.actor().organisation_id;
    let organisation = service::home(state.services(), &auth.permit)
        .await
        .or_page(&auth)?;
    let programmes = crate::services::programmes::offered(state.services(), organisation_id, true)
        .await
        .or_page(&auth)?;
    let entries = service::queue(state.services(), &auth.permit, view, &query.search())
        .await
        .or_page(&auth)?;
    let (view, caption) = match view {
        QueueView::New => ("new", "New referrals"),
        QueueView::Waiting => ("waiting", "Referrals on a waiting list"),
        QueueView::Done => ("done", "Referrals that are done"),
    };
    let mut source_options = vec![("", "Any source")];
    source_options.extend(ReferralSource::ALL.iter().map(|s| (s.as_str(), s.label())));
    let programme_options = programme_options(Some("Any programme"), programmes);
    Ok(render(
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
            search: query,
            source_options,
            programme_options,
        },
    ))
}
