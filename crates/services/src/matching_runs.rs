//! Matching runs: a programme's whole waiting list matched with its
//! supporters at once by the matching engine, and the coordinator's review
//! of each proposal.

use std::collections::HashMap;

use alongside_db::matching_runs::{self, MatchingRules, NewProposal, NewRun, RunRecord, Waiting};
use alongside_db::supporters::Supporter;
use alongside_db::{matches, programmes, referrals, supporters};
use alongside_domain::peer_match::{ExclusionReason, ProposalStatus};
use alongside_domain::preferences::SupportPreferences;
use alongside_domain::programme::{Programme, ProgrammeStatus};
use alongside_domain::supporter::AgeBand;
use alongside_domain::{FieldErrors, ProgrammeId, SupporterId};
use alongside_matching::candidate::{self, Part, Place, Rules, Weights};
use alongside_matching::plan::{self, Why};
use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use super::matches::free_places;
use super::{Audit, audit_view};
use crate::Permit;
use crate::actions::MatchPeople;
use crate::{Context, Error};

/// What the programme's matching page shows before a run.
#[derive(Debug)]
pub struct Overview {
    /// The programme.
    pub programme: Programme,
    /// Its matching rules.
    pub rules: MatchingRules,
    /// People waiting with no match under way.
    pub waiting: usize,
    /// Supporters who are not paused or gone, with a free place.
    pub supporters_with_places: usize,
    /// The newest run, if any.
    pub latest: Option<Uuid>,
}

/// The programme's matching overview.
///
/// # Errors
/// [`Error::NotFound`] for another organisation's programme.
pub async fn overview(
    ctx: &Context,
    permit: &Permit<MatchPeople>,
    programme: ProgrammeId,
) -> Result<Overview, Error> {
    let organisation = permit.actor().organisation_id;
    let found = programmes::find(ctx.db(), organisation, programme).await?;
    let rules = matching_runs::rules(ctx.db(), organisation, programme).await?;
    let waiting = matching_runs::waiting_list(ctx.db(), organisation, programme)
        .await?
        .len();
    let caseloads = matches::caseloads(ctx.db(), organisation).await?;
    let supporters_with_places = supporters::list(ctx.db(), organisation, false)
        .await?
        .iter()
        .filter(|s| free_places(s, &caseloads) > 0)
        .count();
    let latest = matching_runs::latest(ctx.db(), organisation, programme).await?;
    Ok(Overview {
        programme: found,
        rules,
        waiting,
        supporters_with_places,
        latest,
    })
}

/// Whole years between `born` and `on`.
fn age_on(born: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// The person as the engine sees them.
fn as_person(waiting: &Waiting, today: NaiveDate) -> candidate::Person {
    // Stored preferences were validated on the way in; a record that no
    // longer reads counts as "no preference" rather than blocking the run.
    let mut ignored = FieldErrors::default();
    let preferences = SupportPreferences::validate(&waiting.preferences, &mut ignored);
    let mut lived_experience = Vec::new();
    if waiting.is_carer {
        lived_experience.push("Carer".to_owned());
    }
    let received = waiting.received_at.date_naive();
    candidate::Person {
        conditions: waiting.conditions.clone(),
        lived_experience,
        interests: preferences
            .as_ref()
            .map(|p| p.interests.clone())
            .unwrap_or_default(),
        language: waiting.language.clone(),
        interpreter_needed: waiting.interpreter_needed,
        channels: preferences
            .as_ref()
            .map(|p| p.channels.clone())
            .unwrap_or_default(),
        peer_gender: preferences.as_ref().and_then(|p| p.peer_gender),
        shared_condition_wanted: preferences.as_ref().is_some_and(|p| p.shared_condition),
        availability: preferences
            .as_ref()
            .map(|p| p.availability.clone())
            .unwrap_or_default(),
        place: Place::of_postcode(&waiting.postcode),
        travel_miles: preferences.as_ref().and_then(|p| p.travel_miles),
        age_band: AgeBand::of_age(age_on(waiting.date_of_birth, today)),
        days_waiting: u32::try_from((today - received).num_days()).unwrap_or(0),
    }
}

fn as_supporter(supporter: &Supporter, free_places: u32) -> candidate::Supporter {
    let d = &supporter.details;
    candidate::Supporter {
        status: supporter.status,
        checks_valid_until: d.checks_valid_until,
        training: d.training.clone(),
        free_places,
        gender: d.gender,
        age_band: d.age_band,
        languages: d.languages.clone(),
        conditions: d.conditions.clone(),
        lived_experience: d.lived_experience.clone(),
        interests: d.interests.clone(),
        availability: d.availability.clone(),
        channels: d.channels.clone(),
        place: Place::of_postcode(&d.postcode.to_string()),
        travel_miles: d.travel_miles,
    }
}

/// The pairs never to propose, by the positions of the person and the
/// supporter in the lists given to the matching engine; pairs of someone
/// not in the lists are left out.
fn by_position(
    excluded: &[(Uuid, SupporterId, ExclusionReason)],
    people: &[&Waiting],
    supporters: &[Supporter],
) -> Vec<(usize, usize, ExclusionReason)> {
    let person_index: HashMap<Uuid, usize> = people
        .iter()
        .enumerate()
        .map(|(i, w)| (w.person_id, i))
        .collect();
    let supporter_index: HashMap<SupporterId, usize> = supporters
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i))
        .collect();
    excluded
        .iter()
        .filter_map(|(person, supporter, reason)| {
            Some((
                *person_index.get(person)?,
                *supporter_index.get(supporter)?,
                *reason,
            ))
        })
        .collect()
}

/// Runs matching on the programme's waiting list and stores the run; its id.
///
/// # Errors
/// [`Error::Invalid`] for an archived programme; [`Error::NotFound`] for
/// another organisation's.
pub async fn run(
    ctx: &Context,
    permit: &Permit<MatchPeople>,
    programme: ProgrammeId,
) -> Result<Uuid, Error> {
    let organisation = permit.actor().organisation_id;
    let found = programmes::find(ctx.db(), organisation, programme).await?;
    if found.status != ProgrammeStatus::Active {
        return Err(
            FieldErrors::one("run", "Restore the programme before matching people on it").into(),
        );
    }
    let rules = matching_runs::rules(ctx.db(), organisation, programme).await?;
    let waiting = matching_runs::waiting_list(ctx.db(), organisation, programme).await?;
    let caseloads = matches::caseloads(ctx.db(), organisation).await?;
    let supporter_list = supporters::list(ctx.db(), organisation, false).await?;
    let excluded = matching_runs::exclusions(ctx.db(), organisation).await?;
    let now = ctx.now();
    let today = now.date_naive();

    let (sharing, withheld): (Vec<&Waiting>, Vec<&Waiting>) =
        waiting.iter().partition(|w| w.may_share);
    let people: Vec<candidate::Person> = sharing.iter().map(|w| as_person(w, today)).collect();
    let engine_supporters: Vec<candidate::Supporter> = supporter_list
        .iter()
        .map(|s| as_supporter(s, free_places(s, &caseloads)))
        .collect();
    let exclusions = by_position(&excluded, &sharing, &supporter_list);
    let engine_rules = Rules {
        today,
        required_training: rules.required_training.clone(),
        interpreter_available: false,
        weights: rules.weights,
    };
    let outcome = plan::plan(
        &people,
        &engine_supporters,
        &exclusions,
        &engine_rules,
        plan::DEFAULT_TOP,
    );
    let mut unmatched: Vec<(Uuid, Why)> = outcome
        .unmatched
        .into_iter()
        .map(|u| (sharing[u.person].referral_id, u.why))
        .collect();
    unmatched.extend(
        withheld
            .iter()
            .map(|w| (w.referral_id, Why::ConsentWithdrawn)),
    );
    let new_run = NewRun {
        programme_id: programme,
        run_by: permit.actor().account_id,
        run_at: now,
        people: waiting.len(),
        supporters: supporter_list.len(),
        candidate_pairs: outcome.candidate_pairs,
        total_score: outcome.total_score,
        rules,
        proposals: outcome
            .proposals
            .into_iter()
            .map(|p| NewProposal {
                referral_id: sharing[p.person].referral_id,
                supporter_id: supporter_list[p.supporter].id,
                score: p.score,
                candidates: p.candidates,
            })
            .collect(),
        unmatched,
    };
    let mut tx = ctx.db().begin().await?;
    let id = matching_runs::create(&mut tx, organisation, &new_run).await?;
    Audit::created(
        "matching_run",
        id,
        format!(
            "matching run: {} proposals for {} people waiting",
            new_run.proposals.len(),
            new_run.people
        ),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(id)
}

/// One run with its proposals and unmatched people (the view is audited).
///
/// # Errors
/// [`Error::NotFound`] for another organisation's run, or one of another
/// programme when `programme` is given.
pub async fn find(
    ctx: &Context,
    permit: &Permit<MatchPeople>,
    id: Uuid,
    programme: Option<ProgrammeId>,
) -> Result<RunRecord, Error> {
    let run = matching_runs::find(ctx.db(), permit.actor().organisation_id, id).await?;
    if programme.is_some_and(|p| p != run.programme_id) {
        return Err(Error::NotFound);
    }
    audit_view(ctx, permit, "matching_run", id, "matching run viewed").await?;
    Ok(run)
}

/// Accepts a proposal: a match is proposed to the person and the supporter,
/// who must both agree. Returns the run's id.
///
/// # Errors
/// [`Error::Invalid`] when the proposal was decided already, or the pair can
/// no longer be matched (the supporter's place went, consent was withdrawn).
pub async fn accept(
    ctx: &Context,
    permit: &Permit<MatchPeople>,
    proposal: Uuid,
) -> Result<Uuid, Error> {
    let organisation = permit.actor().organisation_id;
    let mut tx = ctx.db().begin().await?;
    let found = matching_runs::proposal_in(&mut tx, organisation, proposal).await?;
    tx.rollback().await?;
    found
        .status
        .decide(true)
        .map_err(|_| FieldErrors::one("proposal", "This proposal was decided already"))?;
    super::matches::propose_from_run(
        ctx,
        permit,
        found.referral_id,
        &found.supporter_id.to_string(),
        Some(proposal),
    )
    .await?;
    Ok(found.run_id)
}

/// Rejects a proposal with a reason; the pair will not be proposed again.
/// Returns the run's id.
///
/// # Errors
/// [`Error::Invalid`] without a reason, or when the proposal was decided
/// already.
pub async fn reject(
    ctx: &Context,
    permit: &Permit<MatchPeople>,
    proposal: Uuid,
    reason: &str,
) -> Result<Uuid, Error> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(FieldErrors::one("reason", "Say why this pair should not be proposed").into());
    }
    if reason.chars().count() > 500 {
        return Err(FieldErrors::one("reason", "Reason must be 500 characters or fewer").into());
    }
    let organisation = permit.actor().organisation_id;
    let account = permit.actor().account_id;
    let now = ctx.now();
    let mut tx = ctx.db().begin().await?;
    let found = matching_runs::proposal_in(&mut tx, organisation, proposal).await?;
    let status = found
        .status
        .decide(false)
        .map_err(|_| FieldErrors::one("reason", "This proposal was decided already"))?;
    matching_runs::decide(&mut tx, proposal, status, None, reason, account, now).await?;
    matches::exclude(
        &mut tx,
        organisation,
        found.person_id,
        found.supporter_id,
        ExclusionReason::RejectedByCoordinator,
        account,
        now,
    )
    .await?;
    referrals::note(
        &mut tx,
        ctx.data_key(),
        organisation,
        found.referral_id,
        account,
        &format!(
            "proposed match with {} rejected: {reason}",
            found.supporter_name
        ),
        now,
    )
    .await?;
    Audit::updated("matching_proposal", proposal, "proposal rejected")
        .commit(ctx, tx, permit)
        .await?;
    Ok(found.run_id)
}

/// The weights and training a coordinator types in.
#[derive(Debug, Clone, Default)]
pub struct RulesInput {
    /// Courses, one per line.
    pub required_training: String,
    /// Each part's weight as typed.
    pub weights: Vec<(Part, String)>,
}

impl RulesInput {
    /// The form's values for stored rules.
    #[must_use]
    pub fn of(rules: &MatchingRules) -> Self {
        Self {
            required_training: rules.required_training.join("\n"),
            weights: Part::ALL
                .iter()
                .map(|&p| (p, rules.weights.of(p).to_string()))
                .collect(),
        }
    }

    /// The typed value of `part`.
    #[must_use]
    pub fn weight(&self, part: Part) -> &str {
        self.weights
            .iter()
            .find(|(p, _)| *p == part)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// The form field of a part's weight.
#[must_use]
pub const fn weight_field(part: Part) -> &'static str {
    match part {
        Part::SharedCondition => "weight_shared_condition",
        Part::LivedExperience => "weight_lived_experience",
        Part::AgeBand => "weight_age_band",
        Part::Interests => "weight_interests",
        Part::Distance => "weight_distance",
        Part::Availability => "weight_availability",
        Part::Waiting => "weight_waiting",
    }
}

/// Stores the programme's matching rules.
///
/// # Errors
/// [`Error::Invalid`] naming each weight that is not a whole number from 0
/// to 1000, or a course name that is too long.
pub async fn update_rules(
    ctx: &Context,
    permit: &Permit<MatchPeople>,
    programme: ProgrammeId,
    input: &RulesInput,
) -> Result<(), Error> {
    let mut errors = FieldErrors::default();
    let mut weights = Weights::default();
    for part in Part::ALL {
        let typed = input.weight(part).trim();
        match typed.parse::<u16>() {
            Ok(w) if w <= Weights::MAX => weights.set(part, w),
            _ => errors.add(
                weight_field(part),
                format!(
                    "{} must be a whole number from 0 to {}",
                    part.label(),
                    Weights::MAX
                ),
            ),
        }
    }
    let required_training: Vec<String> = input
        .required_training
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if required_training.iter().any(|c| c.chars().count() > 100) {
        errors.add(
            "required_training",
            "Each course must be 100 characters or fewer",
        );
    }
    if required_training.len() > 20 {
        errors.add("required_training", "List at most 20 courses");
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let organisation = permit.actor().organisation_id;
    let mut tx = ctx.db().begin().await?;
    matching_runs::set_rules(
        &mut tx,
        organisation,
        programme,
        &MatchingRules {
            required_training,
            weights,
        },
    )
    .await?;
    Audit::updated("programme", programme, "matching rules changed")
        .commit(ctx, tx, permit)
        .await?;
    Ok(())
}

/// Whether a run's proposals are all decided.
#[must_use]
pub fn all_decided(run: &RunRecord) -> bool {
    run.proposals
        .iter()
        .all(|p| p.status != ProposalStatus::Open)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_count_whole_years() {
        let born = NaiveDate::from_ymd_opt(1961, 9, 4).unwrap();
        assert_eq!(
            age_on(born, NaiveDate::from_ymd_opt(2026, 9, 3).unwrap()),
            64
        );
        assert_eq!(
            age_on(born, NaiveDate::from_ymd_opt(2026, 9, 4).unwrap()),
            65
        );
    }
}
