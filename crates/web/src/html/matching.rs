//! Matching pages: a programme's matching rules and runs, and the review of
//! each run's proposals.

use alongside_db::matching_runs::RunRecord;
use alongside_domain::peer_match::ProposalStatus;
use alongside_domain::programme::Programme;
use alongside_domain::{FieldErrors, ProgrammeId};
use alongside_matching::candidate::Part;
use alongside_matching::plan::Why;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use alongside_domain::peer_match::Side;
use alongside_domain::referral::TriageInput;

use super::referrals::show_page;
use super::{Layout, OrPage, PageError, PageResult, RecordId, canonical, form_status, render};
use crate::auth::actions::{MatchPeople, ViewReferrals};
use crate::auth::{Authorised, CsrfForm, Session};
use crate::services::Error as ServiceError;
use crate::services::matches::{self as matches_service, Decision};
use crate::services::matching_runs::{self as service, Overview, RulesInput, weight_field};
use crate::{AppState, Error};

/// A weight's row on the rules form.
struct WeightRow {
    field: &'static str,
    label: &'static str,
    unit: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "matching/programme.html")]
struct ProgrammePage {
    layout: Layout,
    programme: Programme,
    waiting: usize,
    supporters_with_places: usize,
    latest: Option<Uuid>,
    training: String,
    weights: Vec<WeightRow>,
    errors: FieldErrors,
    notice: Option<&'static str>,
}

fn programme_page(
    session: &Session,
    overview: Overview,
    input: RulesInput,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Response {
    let status = form_status(errors.is_empty());
    let weights = Part::ALL
        .iter()
        .map(|&part| WeightRow {
            field: weight_field(part),
            label: part.label(),
            unit: part.unit(),
            value: input.weight(part).to_owned(),
        })
        .collect();
    render(
        status,
        &ProgrammePage {
            layout: Layout::signed_in(
                format!("Matching: {}", overview.programme.details.name),
                "programmes",
                session,
            )
            .with_errors(!errors.is_empty()),
            waiting: overview.waiting,
            supporters_with_places: overview.supporters_with_places,
            latest: overview.latest,
            programme: overview.programme,
            training: input.required_training,
            weights,
            errors,
            notice,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProgrammeQuery {
    saved: Option<String>,
}

/// A programme's matching page: who is waiting, the rules, the last run.
pub async fn programme(
    State(state): State<AppState>,
    auth: Authorised<MatchPeople>,
    RecordId(id): RecordId<ProgrammeId>,
    Query(query): Query<ProgrammeQuery>,
) -> PageResult {
    let overview = service::overview(state.services(), &auth.permit, id)
        .await
        .or_page(&auth)?;
    let input = RulesInput::of(&overview.rules);
    let notice = query
        .saved
        .is_some()
        .then_some("The matching rules have been saved.");
    Ok(programme_page(
        &auth.session,
        overview,
        input,
        FieldErrors::default(),
        notice,
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RulesForm {
    required_training: String,
    weight_shared_condition: String,
    weight_lived_experience: String,
    weight_age_band: String,
    weight_interests: String,
    weight_distance: String,
    weight_availability: String,
    weight_waiting: String,
}

impl RulesForm {
    fn into_input(self) -> RulesInput {
        RulesInput {
            required_training: self.required_training,
            weights: vec![
                (Part::SharedCondition, self.weight_shared_condition),
                (Part::LivedExperience, self.weight_lived_experience),
                (Part::AgeBand, self.weight_age_band),
                (Part::Interests, self.weight_interests),
                (Part::Distance, self.weight_distance),
                (Part::Availability, self.weight_availability),
                (Part::Waiting, self.weight_waiting),
            ],
        }
    }
}

/// Saves the programme's matching rules.
pub async fn save_rules(
    State(state): State<AppState>,
    auth: Authorised<MatchPeople>,
    RecordId(id): RecordId<ProgrammeId>,
    CsrfForm(form): CsrfForm<RulesForm>,
) -> PageResult {
    let input = form.into_input();
    match service::update_rules(state.services(), &auth.permit, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/programmes/{id}/matching?saved=1")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let overview = service::overview(state.services(), &auth.permit, id)
                .await
                .or_page(&auth)?;
            Ok(programme_page(&auth.session, overview, input, errors, None))
        }
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RunForm {}

/// Runs matching on the programme's waiting list.
pub async fn start_run(
    State(state): State<AppState>,
    auth: Authorised<MatchPeople>,
    RecordId(id): RecordId<ProgrammeId>,
    CsrfForm(_form): CsrfForm<RunForm>,
) -> PageResult {
    match service::run(state.services(), &auth.permit, id).await {
        Ok(run) => Ok(Redirect::to(&format!("/matching-runs/{run}")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let overview = service::overview(state.services(), &auth.permit, id)
                .await
                .or_page(&auth)?;
            let input = RulesInput::of(&overview.rules);
            Ok(programme_page(&auth.session, overview, input, errors, None))
        }
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

/// A rejection that could not be saved: which proposal, why, and what was
/// typed.
struct Problem {
    proposal: Uuid,
    message: String,
    reason: String,
}

impl Problem {
    /// The first of `errors` about `proposal`, with the reason as typed.
    fn of(proposal: Uuid, errors: &FieldErrors, reason: String) -> Self {
        let message = errors
            .as_slice()
            .first()
            .map_or_else(String::new, |e| e.message.clone());
        Self {
            proposal,
            message,
            reason,
        }
    }
}

#[derive(Template)]
#[template(path = "matching/run.html")]
struct RunPage {
    layout: Layout,
    run: RunRecord,
    programme_name: String,
    problem: Option<Problem>,
    notice: Option<&'static str>,
}

impl RunPage {
    fn open(&self, status: &ProposalStatus) -> bool {
        *status == ProposalStatus::Open
    }

    fn reason_for(&self, proposal: &Uuid) -> &str {
        self.problem
            .as_ref()
            .filter(|p| p.proposal == *proposal)
            .map_or("", |p| p.reason.as_str())
    }

    fn error_for(&self, proposal: &Uuid) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|p| p.proposal == *proposal)
            .map(|p| p.message.as_str())
    }

    /// Why a person is unmatched, in sentences a coordinator can act on.
    fn why(&self, why: &Why) -> Vec<String> {
        match why {
            Why::NoSupporters => vec!["No peer supporters are recorded yet.".to_owned()],
            Why::ConsentWithdrawn => vec![
                "They withdrew consent to share their details with a peer supporter, so they were not put forward.".to_owned(),
            ],
            Why::CandidatesTaken { candidates } => vec![format!(
                "All {candidates} possible supporters are full with people matched in this run; making room would leave someone else unmatched. Recruiting or freeing a place would help."
            )],
            Why::NoCandidates { barriers } => barriers
                .iter()
                .map(|b| {
                    let only = if b.only_barrier > 0 {
                        format!(" ({} of them for this reason alone)", b.only_barrier)
                    } else {
                        String::new()
                    };
                    format!(
                        "{}: {} supporter{}{only}. To change: {}.",
                        b.barrier,
                        b.supporters,
                        if b.supporters == 1 { "" } else { "s" },
                        b.barrier.remedy()
                    )
                })
                .collect(),
        }
    }
}

async fn run_page(
    state: &AppState,
    auth: &Authorised<MatchPeople>,
    id: Uuid,
    problem: Option<Problem>,
    notice: Option<&'static str>,
) -> PageResult {
    let run = service::find(state.services(), &auth.permit, id, None)
        .await
        .or_page(auth)?;
    let programme_name = service::overview(state.services(), &auth.permit, run.programme_id)
        .await
        .or_page(auth)?
        .programme
        .details
        .name;
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        &RunPage {
            layout: Layout::signed_in(
                format!("Matching run: {programme_name}"),
                "programmes",
                &auth.session,
            )
            .with_errors(problem.is_some()),
            run,
            programme_name,
            problem,
            notice,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RunQuery {
    accepted: Option<String>,
    rejected: Option<String>,
}

/// One run: proposals to review and people left unmatched.
pub async fn show_run(
    State(state): State<AppState>,
    auth: Authorised<MatchPeople>,
    RecordId(id): RecordId<Uuid>,
    Query(query): Query<RunQuery>,
) -> PageResult {
    let notice = if query.accepted.is_some() {
        Some(
            "The match has been proposed to the person and the supporter. Both must agree before an introduction.",
        )
    } else if query.rejected.is_some() {
        Some("The proposal has been rejected; the pair will not be proposed again.")
    } else {
        None
    };
    run_page(&state, &auth, id, None, notice).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    run: String,
    reason: String,
}

/// Accepts a proposal: it becomes a proposed match.
pub async fn accept(
    State(state): State<AppState>,
    auth: Authorised<MatchPeople>,
    RecordId(id): RecordId<Uuid>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    match service::accept(state.services(), &auth.permit, id).await {
        Ok(run) => Ok(Redirect::to(&format!("/matching-runs/{run}?accepted=1")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let run = canonical::<Uuid>(&form.run)
                .ok_or_else(|| PageError::new(Error::NotFound, &auth))?;
            let problem = Problem::of(id, &errors, String::new());
            run_page(&state, &auth, run, Some(problem), None).await
        }
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

/// Rejects a proposal with a reason.
pub async fn reject(
    State(state): State<AppState>,
    auth: Authorised<MatchPeople>,
    RecordId(id): RecordId<Uuid>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    match service::reject(state.services(), &auth.permit, id, &form.reason).await {
        Ok(run) => Ok(Redirect::to(&format!("/matching-runs/{run}?rejected=1")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let run = canonical::<Uuid>(&form.run)
                .ok_or_else(|| PageError::new(Error::NotFound, &auth))?;
            let problem = Problem::of(id, &errors, form.reason);
            run_page(&state, &auth, run, Some(problem), None).await
        }
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProposeForm {
    supporter: String,
}

/// Proposes a match of a referral's person with the chosen supporter.
pub async fn propose_match(
    State(state): State<AppState>,
    auth: Authorised<MatchPeople>,
    RecordId(id): RecordId<Uuid>,
    CsrfForm(form): CsrfForm<ProposeForm>,
) -> PageResult {
    let Some(viewer) = auth.permit.also::<ViewReferrals>() else {
        return Err(PageError::new(Error::Forbidden, &auth));
    };
    match matches_service::propose(state.services(), &auth.permit, id, &form.supporter).await {
        Ok(_) => Ok(Redirect::to(&format!("/referrals/{id}?saved=1")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            show_page(
                &state,
                &auth.session,
                &viewer,
                id,
                TriageInput::default(),
                errors,
                None,
            )
            .await
        }
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MatchAnswerForm {
    decision: String,
}

/// Records an answer to a proposed match, or withdraws it.
pub async fn decide_match(
    State(state): State<AppState>,
    auth: Authorised<MatchPeople>,
    RecordId(id): RecordId<Uuid>,
    CsrfForm(form): CsrfForm<MatchAnswerForm>,
) -> PageResult {
    let decision = match form.decision.as_str() {
        "person_yes" => Decision::Answer(Side::Person, true),
        "person_no" => Decision::Answer(Side::Person, false),
        "supporter_yes" => Decision::Answer(Side::Supporter, true),
        "supporter_no" => Decision::Answer(Side::Supporter, false),
        "withdraw" => Decision::Withdraw,
        _ => {
            let unread = Error::BadRequest("Choose an answer to record.".into());
            return Err(PageError::new(unread, &auth));
        }
    };
    let referral = matches_service::decide(state.services(), &auth.permit, id, decision)
        .await
        .or_page(&auth)?;
    Ok(Redirect::to(&format!("/referrals/{referral}?saved=1")).into_response())
}
