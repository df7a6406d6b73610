//! A referrer's own referrals and what became of them (nobody else's).

use alongside_db::referrals::{QueueEntry, ReferralRecord};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use uuid::Uuid;

use crate::AppState;
use crate::auth::Authorised;
use crate::auth::actions::MakeReferrals;
use crate::html::{Layout, OrPage, PageResult, RecordId, render};
use crate::services::referrals as service;

#[derive(Template)]
#[template(path = "referrals/mine.html")]
struct Mine {
    layout: Layout,
    entries: Vec<QueueEntry>,
}

/// The referrals the signed-in person made, with their outcome.
pub async fn mine(State(state): State<AppState>, auth: Authorised<MakeReferrals>) -> PageResult {
    let entries = service::mine(state.services(), &auth.permit)
        .await
        .or_page(&auth)?;
    Ok(render(
        StatusCode::OK,
        &Mine {
            layout: Layout::signed_in("My referrals", "my-referrals", &auth.session),
            entries,
        },
    ))
}

#[derive(Template)]
#[template(path = "referrals/mine_one.html")]
struct MineOne {
    layout: Layout,
    record: ReferralRecord,
}

/// The outcome of one referral the signed-in person made.
pub async fn one_of_mine(
    State(state): State<AppState>,
    auth: Authorised<MakeReferrals>,
    RecordId(id): RecordId<Uuid>,
) -> PageResult {
    let record = service::one_of_mine(state.services(), &auth.permit, id)
        .await
        .or_page(&auth)?;
    Ok(render(
        StatusCode::OK,
        &MineOne {
            layout: Layout::signed_in(
                format!("Referral {}", record.summary.reference),
                "my-referrals",
                &auth.session,
            ),
            record,
        },
    ))
}
