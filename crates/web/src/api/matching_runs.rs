//! `/programmes/{id}/matching-runs`: run matching on a programme's waiting
//! list, and read a run's proposals and the people it left unmatched.

use alongside_db::matching_runs::{ProposalRecord, RunRecord, UnmatchedRecord};
use alongside_domain::ProgrammeId;
use alongside_matching::plan::Why;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Problem, ProblemBody};
use crate::AppState;
use crate::auth::ApiAuthorised;
use crate::auth::actions::MatchPeople;
use crate::error::Error;
use crate::services::matching_runs as service;

/// A proposed pair and why it scores as it does.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalView {
    /// The proposal's id.
    pub id: String,
    /// The person's referral.
    pub referral_id: String,
    /// The referral's reference.
    #[schema(example = "R-7K2M-Q9XD")]
    pub reference: String,
    /// The person's name.
    pub person_name: String,
    /// The supporter's id.
    pub supporter_id: String,
    /// The supporter's name.
    pub supporter_name: String,
    /// The pair's score: the sum of its parts plus 1 for any possible pair.
    #[schema(example = 73)]
    pub score: i64,
    /// The parts of the score that count, by name: shared_condition,
    /// lived_experience, age_band, interests, distance, availability, waiting.
    #[schema(example = json!({"shared_condition": 40, "availability": 8}))]
    pub parts: BTreeMap<String, i64>,
    /// How many supporters the person could have had.
    pub candidates: u32,
    /// open, accepted or rejected.
    #[schema(example = "open")]
    pub status: String,
    /// The match made when it was accepted.
    pub match_id: Option<String>,
}

impl From<&ProposalRecord> for ProposalView {
    fn from(p: &ProposalRecord) -> Self {
        Self {
            id: p.id.to_string(),
            referral_id: p.referral_id.to_string(),
            reference: p.reference.clone(),
            person_name: p.person_name.clone(),
            supporter_id: p.supporter_id.to_string(),
            supporter_name: p.supporter_name.clone(),
            score: p.score.total,
            parts: p
                .score
                .parts
                .iter()
                .map(|(part, v)| (part.as_str().to_owned(), *v))
                .collect(),
            candidates: p.candidates,
            status: p.status.as_str().to_owned(),
            match_id: p.match_id.map(|m| m.to_string()),
        }
    }
}

/// How many supporters one barrier ruled out for a person.
#[derive(Debug, Serialize, ToSchema)]
pub struct BarrierView {
    /// The barrier, in words.
    #[schema(example = "No weekly time in common")]
    pub barrier: String,
    /// Supporters it applies to.
    pub supporters: usize,
    /// Supporters it alone keeps out.
    pub only_barrier: usize,
    /// What a coordinator could change.
    pub remedy: String,
}

/// A person the run left unmatched, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnmatchedView {
    /// The person's referral.
    pub referral_id: String,
    /// The referral's reference.
    pub reference: String,
    /// The person's name.
    pub person_name: String,
    /// no_supporters, consent_withdrawn, no_candidates or candidates_taken.
    #[schema(example = "no_candidates")]
    pub reason: String,
    /// For no_candidates: the barriers, those that alone keep most
    /// supporters out first.
    pub barriers: Vec<BarrierView>,
    /// For candidates_taken: how many candidates they had.
    pub candidates: Option<usize>,
}

impl From<&UnmatchedRecord> for UnmatchedView {
    fn from(u: &UnmatchedRecord) -> Self {
        let (reason, barriers, candidates) = match &u.why {
            Why::NoSupporters => ("no_supporters", Vec::new(), None),
            Why::ConsentWithdrawn => ("consent_withdrawn", Vec::new(), None),
            Why::NoCandidates { barriers } => (
                "no_candidates",
                barriers
                    .iter()
                    .map(|b| BarrierView {
                        barrier: b.barrier.to_string(),
                        supporters: b.supporters,
                        only_barrier: b.only_barrier,
                        remedy: b.barrier.remedy().to_owned(),
                    })
                    .collect(),
                None,
            ),
            Why::CandidatesTaken { candidates } => {
                ("candidates_taken", Vec::new(), Some(*candidates))
            }
        };
        Self {
            referral_id: u.referral_id.to_string(),
            reference: u.reference.clone(),
            person_name: u.person_name.clone(),
            reason: reason.to_owned(),
            barriers,
            candidates,
        }
    }
}

/// A matching run.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunView {
    /// The run's id.
    pub id: String,
    /// The programme.
    pub programme_id: String,
    /// When it ran.
    pub run_at: DateTime<Utc>,
    /// People on the waiting list.
    pub people: u32,
    /// Supporters considered.
    pub supporters: u32,
    /// Candidate pairs the exact assignment considered.
    pub candidate_pairs: u32,
    /// The sum of the proposals' scores.
    pub total_score: i64,
    /// Proposed pairs.
    pub proposals: Vec<ProposalView>,
    /// People left unmatched, with why.
    pub unmatched: Vec<UnmatchedView>,
}

impl From<&RunRecord> for RunView {
    fn from(run: &RunRecord) -> Self {
        Self {
            id: run.id.to_string(),
            programme_id: run.programme_id.to_string(),
            run_at: run.run_at,
            people: run.people,
            supporters: run.supporters,
            candidate_pairs: run.candidate_pairs,
            total_score: run.total_score,
            proposals: run.proposals.iter().map(ProposalView::from).collect(),
            unmatched: run.unmatched.iter().map(UnmatchedView::from).collect(),
        }
    }
}

fn programme_id(id: &str) -> Result<ProgrammeId, Problem> {
    id.parse()
        .map_err(|_| Problem::from(Error::BadRequest("Malformed programme id".into())))
}

/// Runs matching on the programme's waiting list and returns the run.
#[utoipa::path(post, path = "/programmes/{id}/matching-runs", tag = "matching",
    params(("id" = String, Path, description = "Programme id")),
    responses(
        (status = 201, description = "The run; Location names it", body = RunView),
        (status = 403, description = "Role may not match people", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such programme", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "The programme is archived", body = ProblemBody, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    auth: ApiAuthorised<MatchPeople>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let programme = programme_id(&id)?;
    let run = service::run(state.services(), &auth.permit, programme).await?;
    let record = service::find(state.services(), &auth.permit, run, Some(programme)).await?;
    let location = format!("/api/v1/programmes/{programme}/matching-runs/{run}");
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(RunView::from(&record)),
    )
        .into_response())
}

/// One run of the programme: its proposals with their score breakdowns, and
/// why each person left unmatched is.
#[utoipa::path(get, path = "/programmes/{id}/matching-runs/{run}", tag = "matching",
    params(("id" = String, Path, description = "Programme id"), ("run" = String, Path, description = "Run id")),
    responses(
        (status = 200, description = "The run", body = RunView),
        (status = 403, description = "Role may not match people", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such run of this programme", body = ProblemBody, content_type = "application/problem+json"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    auth: ApiAuthorised<MatchPeople>,
    Path((id, run)): Path<(String, String)>,
) -> Result<Json<RunView>, Problem> {
    let programme = programme_id(&id)?;
    let run = Uuid::try_parse(&run)
        .ok()
        .filter(|u| u.hyphenated().to_string() == run)
        .ok_or_else(|| Problem::from(Error::BadRequest("Malformed run id".into())))?;
    let record = service::find(state.services(), &auth.permit, run, Some(programme)).await?;
    Ok(Json(RunView::from(&record)))
}
