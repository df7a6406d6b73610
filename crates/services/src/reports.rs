//! Aggregate reports: referrals by source and outcome, waiting times and
//! matches. Coordinators and admins see exact counts; commissioners and every
//! download see counts from 1 to 4 as "<5".

use alongside_db::outcomes::ScoreFact;
use alongside_db::programmes::CostFact;
use alongside_db::reports::{self, ReferralFact};
use alongside_domain::ProgrammeId;
use alongside_domain::Role;
use alongside_domain::costs::Money;
use alongside_domain::referral::{ReferralSource, ReferralStatus};
use alongside_domain::schedule::{Schedule, Span};
use alongside_evaluation::instruments::{self, Scoring};
use alongside_evaluation::outcomes::{Measure, Observation, OutcomeTable, table};
use alongside_evaluation::questionnaire::Scoring as QuestionnaireScoring;
use alongside_evaluation::report::{CostPerPerson, Shown, Waits};

use super::audit_view;
use super::feedback::PartCounts;
use crate::Permit;
use crate::actions::ViewReports;
use crate::{Context, Error};

/// The outcome groups of the report's columns.
pub const OUTCOMES: [(&str, &[ReferralStatus]); 5] = [
    (
        "Waiting for triage",
        &[ReferralStatus::Received, ReferralStatus::InTriage],
    ),
    ("On a waiting list", &[ReferralStatus::Accepted]),
    ("Placed", &[ReferralStatus::Placed]),
    ("Signposted", &[ReferralStatus::Signposted]),
    ("Declined", &[ReferralStatus::Declined]),
];

/// One row of referrals by source.
#[derive(Debug, Clone)]
pub struct SourceRow {
    /// The source in words.
    pub source: &'static str,
    /// Counts per outcome group, in the order of [`OUTCOMES`].
    pub outcomes: Vec<Shown>,
    /// Closed referrals.
    pub closed: Shown,
    /// All of this source.
    pub total: Shown,
}

/// The referral report.
#[derive(Debug, Clone)]
pub struct ReferralReport {
    /// Whether counts are exact (inside the service) or small ones hidden.
    pub exact: bool,
    /// One row per source that has referrals.
    pub by_source: Vec<SourceRow>,
    /// All referrals.
    pub total: Shown,
    /// Days from referral to first contact.
    pub to_first_contact: Waits,
    /// Days from referral to being placed.
    pub to_placed: Waits,
    /// Matches by status, in words.
    pub matches: Vec<(&'static str, Shown)>,
    /// What supporting a person cost, once funding is recorded.
    pub costs: Option<CostSummary>,
    /// What people said helped and got in the way, by theme, once anyone
    /// answered.
    pub said: Option<Vec<PartCounts>>,
}

/// Funding, volunteer time and the cost per person supported, over the
/// programmes with funding recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostSummary {
    /// Programmes counted.
    pub programmes: usize,
    /// Their funding.
    pub funding: Money,
    /// Hours volunteers gave them.
    pub volunteer_hours: u64,
    /// The value of those hours, where a rate is set.
    pub volunteer_value: Option<Money>,
    /// People they supported.
    pub people: Shown,
    /// The cost per person; none for no one, or fewer than five outside
    /// the service.
    pub per_person: Option<CostPerPerson>,
}

/// Sums the costs of funded programmes: none when no programme has its
/// funding recorded.
#[must_use]
pub fn cost_summary(facts: &[CostFact], exact: bool) -> Option<CostSummary> {
    if facts.is_empty() {
        return None;
    }
    let funding: u64 = facts
        .iter()
        .filter_map(|f| f.costs.funding)
        .map(Money::pence)
        .sum();
    let values: Vec<u64> = facts
        .iter()
        .filter_map(|f| f.costs.volunteer_value())
        .map(Money::pence)
        .collect();
    let volunteer_value = (!values.is_empty()).then(|| values.iter().sum::<u64>());
    let people: u64 = facts.iter().map(|f| f.people_supported).sum();
    Some(CostSummary {
        programmes: facts.len(),
        funding: Money::from_pence(funding),
        volunteer_hours: facts
            .iter()
            .map(|f| u64::from(f.costs.volunteer_hours))
            .sum(),
        volunteer_value: volunteer_value.map(Money::from_pence),
        people: Shown::count(people, exact),
        per_person: CostPerPerson::of(funding, volunteer_value, people, exact),
    })
}

#[expect(
    clippy::cast_precision_loss,
    reason = "seconds of a referral's life are far below 2^52"
)]
fn days(from: chrono::DateTime<chrono::Utc>, to: chrono::DateTime<chrono::Utc>) -> f64 {
    (to - from).num_seconds().max(0) as f64 / 86_400.0
}

/// Builds the report from facts; pure, so it is tested on its own.
#[must_use]
pub fn build(facts: &[ReferralFact], matches: &[(String, i64)], exact: bool) -> ReferralReport {
    let count = |n: usize| Shown::count(n as u64, exact);
    let by_source = ReferralSource::ALL
        .into_iter()
        .filter_map(|source| {
            let of: Vec<&ReferralFact> = facts.iter().filter(|f| f.source == source).collect();
            (!of.is_empty()).then(|| SourceRow {
                source: source.label(),
                outcomes: OUTCOMES
                    .iter()
                    .map(|(_, statuses)| {
                        count(of.iter().filter(|f| statuses.contains(&f.status)).count())
                    })
                    .collect(),
                closed: count(
                    of.iter()
                        .filter(|f| f.status == ReferralStatus::Closed)
                        .count(),
                ),
                total: count(of.len()),
            })
        })
        .collect();
    let first: Vec<f64> = facts
        .iter()
        .filter_map(|f| f.first_contact_at.map(|t| days(f.received_at, t)))
        .collect();
    let placed: Vec<f64> = facts
        .iter()
        .filter_map(|f| f.placed_at.map(|t| days(f.received_at, t)))
        .collect();
    let match_count = |status: &str| {
        matches
            .iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0))
    };
    ReferralReport {
        exact,
        by_source,
        total: count(facts.len()),
        to_first_contact: Waits::of(&first, exact),
        to_placed: Waits::of(&placed, exact),
        matches: vec![
            (
                "Proposed, waiting for answers",
                Shown::count(match_count("proposed"), exact),
            ),
            ("Agreed by both", Shown::count(match_count("agreed"), exact)),
            ("Declined", Shown::count(match_count("declined"), exact)),
            ("Withdrawn", Shown::count(match_count("withdrawn"), exact)),
        ],
        costs: None,
        said: None,
    }
}

/// The report for the actor's organisation, or one programme. A
/// commissioner's has small numbers hidden; `for_export` hides them for
/// everyone.
///
/// # Errors
/// When the database fails.
pub async fn referrals(
    ctx: &Context,
    permit: &Permit<ViewReports>,
    programme: Option<ProgrammeId>,
    for_export: bool,
) -> Result<ReferralReport, Error> {
    let organisation = permit.actor().organisation_id;
    let facts = reports::referral_facts(ctx.db(), organisation, programme).await?;
    let matches = reports::match_counts(ctx.db(), organisation, programme).await?;
    let exact = !for_export && matches!(permit.actor().role, Role::Admin | Role::Coordinator);
    audit_view(
        ctx,
        permit,
        "report",
        "referrals",
        if for_export {
            "referral report downloaded"
        } else {
            "referral report viewed"
        },
    )
    .await?;
    Ok(build(&facts, &matches, exact))
}

/// The referral report with its outcome tables, both exact or both with
/// small numbers hidden (always for `for_export`).
///
/// # Errors
/// When the database fails.
pub async fn full(
    ctx: &Context,
    permit: &Permit<ViewReports>,
    programme: Option<ProgrammeId>,
    for_export: bool,
) -> Result<(ReferralReport, Vec<OutcomeSection>), Error> {
    let mut report = referrals(ctx, permit, programme, for_export).await?;
    let costs =
        alongside_db::programmes::cost_facts(ctx.db(), permit.actor().organisation_id, programme)
            .await?;
    report.costs = cost_summary(&costs, report.exact);
    report.said = super::feedback::counts(ctx, permit, programme, report.exact).await?;
    let outcomes = outcomes(ctx, permit, programme, report.exact).await?;
    Ok((report, outcomes))
}

/// One outcome table of the report, under its heading (an instrument, or
/// one ONS4 question, which is never added to the others).
#[derive(Debug, Clone)]
pub struct OutcomeSection {
    /// The heading.
    pub heading: String,
    /// Responses given outside their timepoint's window (or before the
    /// person's dates were known), left out of the table.
    pub not_counted: Shown,
    /// Whether a higher score is better, for reading the change.
    pub higher_is_better: bool,
    /// The table.
    pub table: OutcomeTable,
}

/// The outcome report's columns: the programme's timepoints, or every
/// programme's in the order they first appear.
fn columns(schedules: &[(ProgrammeId, Schedule)], programme: Option<ProgrammeId>) -> Vec<String> {
    let mut timepoints: Vec<String> = Vec::new();
    for (id, schedule) in schedules {
        if programme.is_none_or(|p| p == *id) {
            for t in &schedule.timepoints {
                if !timepoints.contains(&t.name) {
                    timepoints.push(t.name.clone());
                }
            }
        }
    }
    timepoints
}

/// The outcome tables of the organisation or one programme: every
/// instrument with submitted answers, over the standard timepoints. With
/// `exact` false, counts of 1 to 4 are hidden and nothing is computed for
/// fewer than five people.
///
/// # Errors
/// When the database fails.
pub async fn outcomes(
    ctx: &Context,
    permit: &Permit<ViewReports>,
    programme: Option<ProgrammeId>,
    exact: bool,
) -> Result<Vec<OutcomeSection>, Error> {
    let organisation = permit.actor().organisation_id;
    let facts = alongside_db::outcomes::score_facts(ctx.db(), organisation, programme).await?;
    let schedules = alongside_db::outcomes::schedules(ctx.db(), organisation).await?;
    let timepoints = columns(&schedules, programme);
    // A response counts only within its timepoint's window around the
    // person's own dates.
    let (facts, outside): (Vec<_>, Vec<_>) = facts.into_iter().partition(|f| {
        let span = f.placed_at.map(|start| Span::between(start, f.ended_at));
        let schedule = schedules
            .iter()
            .find(|(id, _)| Some(*id) == f.programme_id)
            .map(|(_, s)| s);
        match (span, schedule) {
            (Some(span), Some(schedule)) => schedule.counts(&f.timepoint, span, f.answered_on),
            _ => false,
        }
    });
    let mut sections = Vec::new();
    for instrument in instruments::ALL {
        let mine: Vec<_> = facts
            .iter()
            .filter(|f| f.instrument == instrument.code)
            .collect();
        let not_counted = outside
            .iter()
            .filter(|f| f.instrument == instrument.code)
            .count();
        if mine.is_empty() && not_counted == 0 {
            continue;
        }
        let not_counted = Shown::count(not_counted as u64, exact);
        let higher_is_better =
            instrument.direction == alongside_evaluation::change::Direction::HigherIsBetter;
        if instrument.scoring == Scoring::Separate {
            for (item, text) in instrument.items.iter().enumerate() {
                let observations: Vec<Observation<uuid::Uuid>> = mine
                    .iter()
                    .filter_map(|f| {
                        Some(Observation {
                            person: f.referral_id,
                            timepoint: f.timepoint.clone(),
                            score: f64::from(f.answers.get(item).copied().flatten()?),
                        })
                    })
                    .collect();
                // ONS4's anxiety question reads the other way.
                let anxiety = item == 3;
                sections.push(OutcomeSection {
                    heading: format!("ONS4: {text}"),
                    not_counted,
                    higher_is_better: !anxiety,
                    table: table(instrument, &timepoints, &observations, exact),
                });
            }
        } else {
            let observations = scores(mine.iter().copied());
            sections.push(OutcomeSection {
                heading: instrument.title.to_owned(),
                not_counted,
                higher_is_better,
                table: table(instrument, &timepoints, &observations, exact),
            });
        }
    }
    // The organisation's own scored questionnaires, after the shipped ones.
    let own = super::questionnaires::list(ctx, organisation).await?;
    for q in own
        .iter()
        .filter(|q| q.custom.scoring != QuestionnaireScoring::None)
    {
        let code = q.code();
        let observations = scores(facts.iter().filter(|f| f.instrument == code));
        let not_counted = outside.iter().filter(|f| f.instrument == code).count();
        if observations.is_empty() && not_counted == 0 {
            continue;
        }
        sections.push(OutcomeSection {
            heading: q.custom.title.clone(),
            not_counted: Shown::count(not_counted as u64, exact),
            higher_is_better: q.custom.direction
                == alongside_evaluation::change::Direction::HigherIsBetter,
            table: table(
                Measure {
                    direction: q.custom.direction,
                    range: q.custom.range(),
                    reliability: None,
                },
                &timepoints,
                &observations,
                exact,
            ),
        });
    }
    Ok(sections)
}

/// The scores of `facts` as a table's observations (those not scored on
/// their own left out).
fn scores<'a>(facts: impl Iterator<Item = &'a ScoreFact>) -> Vec<Observation<uuid::Uuid>> {
    facts
        .filter_map(|f| {
            Some(Observation {
                person: f.referral_id,
                timepoint: f.timepoint.clone(),
                score: f.score?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    fn fact(
        source: ReferralSource,
        status: ReferralStatus,
        contact_days: Option<i64>,
    ) -> ReferralFact {
        let received = Utc::now() - Duration::days(60);
        ReferralFact {
            source,
            status,
            received_at: received,
            first_contact_at: contact_days.map(|d| received + Duration::days(d)),
            placed_at: None,
        }
    }

    #[test]
    fn counts_are_exact_inside_the_service_and_hidden_outside() {
        let mut facts: Vec<ReferralFact> = (0..6)
            .map(|i| {
                fact(
                    ReferralSource::SelfReferral,
                    ReferralStatus::Accepted,
                    Some(i * 2),
                )
            })
            .collect();
        facts.push(fact(
            ReferralSource::Clinician,
            ReferralStatus::Declined,
            None,
        ));
        let inside = build(&facts, &[("agreed".into(), 2)], true);
        assert_eq!(inside.total.to_string(), "7");
        assert_eq!(inside.by_source[0].outcomes[1].to_string(), "6");
        assert_eq!(inside.by_source[1].outcomes[4].to_string(), "1");
        assert_eq!(inside.matches[1].1.to_string(), "2");
        assert_eq!(inside.to_first_contact.median, Some(5.0));

        let outside = build(&facts, &[("agreed".into(), 2)], false);
        assert_eq!(outside.by_source[1].outcomes[4].to_string(), "<5");
        assert_eq!(outside.by_source[1].total.to_string(), "<5");
        assert_eq!(
            outside.by_source[0].outcomes[0].to_string(),
            "0",
            "zero is shown"
        );
        assert_eq!(outside.matches[1].1.to_string(), "<5");
        assert_eq!(outside.to_first_contact.n, 6);
        assert!(
            outside.to_first_contact.median.is_some(),
            "six waits can be summarised"
        );
    }
}
