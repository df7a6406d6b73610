//! Aggregate reports: referrals by source and outcome, waiting times and
//! matches. Coordinators and admins see exact counts; commissioners and every
//! download see counts from 1 to 4 as "<5".

use alongside_db::reports::{self, ReferralFact};
use alongside_domain::ProgrammeId;
use alongside_domain::Role;
use alongside_domain::referral::{ReferralSource, ReferralStatus};
use alongside_evaluation::instruments::{self, Scoring};
use alongside_evaluation::outcomes::{Observation, OutcomeTable, table};
use alongside_evaluation::report::{Shown, Waits};

use super::audit_view;
use crate::auth::Permit;
use crate::auth::actions::ViewReports;
use crate::{AppState, Error};

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
}

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
    }
}

/// The report for the actor's organisation, or one programme. A
/// commissioner's has small numbers hidden; `for_export` hides them for
/// everyone.
///
/// # Errors
/// When the database fails.
pub async fn referrals(
    state: &AppState,
    permit: &Permit<ViewReports>,
    programme: Option<ProgrammeId>,
    for_export: bool,
) -> Result<ReferralReport, Error> {
    let organisation = permit.actor().organisation_id;
    let facts = reports::referral_facts(state.db(), organisation, programme).await?;
    let matches = reports::match_counts(state.db(), organisation, programme).await?;
    let exact = !for_export && matches!(permit.actor().role, Role::Admin | Role::Coordinator);
    audit_view(
        state,
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

/// The outcome tables as CSV, after the referral table: people and mean
/// per timepoint, then change from the first timepoint. Built from a
/// report made with small numbers hidden.
#[must_use]
pub fn outcomes_csv(sections: &[OutcomeSection]) -> String {
    let number = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
    let mut out = String::from("\nOutcome,Timepoint,People,Mean\n");
    for section in sections {
        for ((timepoint, people), (_, mean)) in
            section.table.answered.iter().zip(&section.table.means)
        {
            out.push_str(&format!(
                "{},{},{people},{}\n",
                csv_field(&section.heading),
                csv_field(timepoint),
                number(*mean)
            ));
        }
    }
    out.push_str("\nOutcome,From first to,Answered both,Answered only the first,Mean change,95% CI low,95% CI high,p (paired t),dz,Reliably improved,No reliable change,Reliably deteriorated\n");
    for section in sections {
        for row in &section.table.changes {
            let shown = |n: usize| Shown::count(n as u64, false).to_string();
            let p = row.paired.as_ref();
            let r = row.reliable.as_ref();
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{},{}\n",
                csv_field(&section.heading),
                csv_field(&row.timepoint),
                shown(row.completers),
                shown(row.non_completers),
                number(p.map(|p| p.mean_change)),
                number(p.and_then(|p| p.ci_low)),
                number(p.and_then(|p| p.ci_high)),
                p.and_then(|p| p.p_t)
                    .map(|v| format!("{v:.4}"))
                    .unwrap_or_default(),
                number(p.and_then(|p| p.dz)),
                r.map(|r| shown(r.improved)).unwrap_or_default(),
                r.map(|r| shown(r.unchanged)).unwrap_or_default(),
                r.map(|r| shown(r.deteriorated)).unwrap_or_default(),
            ));
        }
    }
    out
}

/// One outcome table of the report, under its heading (an instrument, or
/// one ONS4 question, which is never added to the others).
#[derive(Debug, Clone)]
pub struct OutcomeSection {
    /// The heading.
    pub heading: String,
    /// Whether a higher score is better, for reading the change.
    pub higher_is_better: bool,
    /// The table.
    pub table: OutcomeTable,
}

/// The outcome tables of the organisation or one programme: every
/// instrument with submitted answers, over the standard timepoints. With
/// `exact` false, counts of 1 to 4 are hidden and nothing is computed for
/// fewer than five people.
///
/// # Errors
/// When the database fails.
pub async fn outcomes(
    state: &AppState,
    permit: &Permit<ViewReports>,
    programme: Option<ProgrammeId>,
    exact: bool,
) -> Result<Vec<OutcomeSection>, Error> {
    let organisation = permit.actor().organisation_id;
    let facts = alongside_db::outcomes::score_facts(state.db(), organisation, programme).await?;
    let timepoints: Vec<String> = super::outcomes::schedule()
        .timepoints
        .into_iter()
        .map(|t| t.name)
        .collect();
    let mut sections = Vec::new();
    for instrument in instruments::ALL {
        let mine: Vec<_> = facts
            .iter()
            .filter(|f| f.instrument == instrument.code)
            .collect();
        if mine.is_empty() {
            continue;
        }
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
                    higher_is_better: !anxiety,
                    table: table(instrument, &timepoints, &observations, exact),
                });
            }
        } else {
            let observations: Vec<Observation<uuid::Uuid>> = mine
                .iter()
                .filter_map(|f| {
                    Some(Observation {
                        person: f.referral_id,
                        timepoint: f.timepoint.clone(),
                        score: f.score?,
                    })
                })
                .collect();
            sections.push(OutcomeSection {
                heading: instrument.title.to_owned(),
                higher_is_better,
                table: table(instrument, &timepoints, &observations, exact),
            });
        }
    }
    Ok(sections)
}

/// The report as CSV, small numbers hidden.
#[must_use]
pub fn to_csv(report: &ReferralReport) -> String {
    let mut out = String::from("Source");
    for (label, _) in OUTCOMES {
        out.push(',');
        out.push_str(label);
    }
    out.push_str(",Closed,Total\n");
    for row in &report.by_source {
        out.push_str(&csv_field(row.source));
        for cell in &row.outcomes {
            out.push(',');
            out.push_str(&cell.to_string());
        }
        out.push_str(&format!(",{},{}\n", row.closed, row.total));
    }
    out.push_str(&format!("All sources,,,,,,,{}\n", report.total));
    out
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
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
        let csv = to_csv(&outside);
        assert!(csv.starts_with(
            "Source,Waiting for triage,On a waiting list,Placed,Signposted,Declined,Closed,Total\n"
        ));
        assert!(csv.contains("GP or clinician,0,0,0,0,<5,0,<5\n"), "{csv}");
    }
}
