//! A programme's outcome schedule, and the timepoints of a person's
//! support it gives.

use alongside_db::outcomes;
use alongside_db::referrals::{self, QueueEntry, ReferralRecord};
use alongside_domain::schedule::{Schedule, Span};
use alongside_domain::{FieldErrors, OrganisationId, ProgrammeId};
use uuid::Uuid;

use super::followed;
use crate::actions::{EnterOutcomes, ManageProgrammes};
use crate::{Audit, Context, Error, Permit};

/// A programme's outcome schedule: its own, or the standard one.
///
/// # Errors
/// [`Error::NotFound`] for another organisation's programme.
pub async fn schedule_of(
    ctx: &Context,
    organisation: OrganisationId,
    programme: ProgrammeId,
) -> Result<Schedule, Error> {
    Ok(outcomes::schedule(ctx.db(), organisation, programme).await?)
}

/// The dates of a person's support: from being placed to the closure of
/// the referral; none before they are placed.
#[must_use]
pub fn span_of(summary: &QueueEntry) -> Option<Span> {
    summary
        .placed_at
        .map(|start| Span::between(start, summary.ended_at))
}

/// The timepoint names of the referral's programme schedule; none when the
/// referral is not found or the person is not on a programme (which the
/// caller reports in its own words).
pub async fn timepoint_names(
    ctx: &Context,
    permit: &Permit<EnterOutcomes>,
    referral: Uuid,
) -> Option<Vec<String>> {
    let organisation = permit.actor().organisation_id;
    let record = referrals::find(ctx.db(), ctx.data_key(), organisation, referral)
        .await
        .ok()?;
    let programme = followed_programme(&record).ok()?;
    let schedule = schedule_of(ctx, organisation, programme).await.ok()?;
    Some(schedule.timepoints.into_iter().map(|t| t.name).collect())
}

/// The name of the timepoint at `index` (as pages number them) of the
/// schedule.
pub(super) fn timepoint_at(schedule: &Schedule, index: &str) -> Result<String, Error> {
    index
        .parse::<usize>()
        .ok()
        .and_then(|i| schedule.timepoints.get(i))
        .map(|t| t.name.clone())
        .ok_or(Error::NotFound)
}

/// Sets a programme's outcome schedule. A timepoint that already has
/// answers keeps its name, so the answers still say when they were given.
///
/// # Errors
/// [`Error::Invalid`] for a schedule the domain refuses, or one that drops
/// or renames an answered timepoint.
pub async fn set_schedule(
    ctx: &Context,
    permit: &Permit<ManageProgrammes>,
    programme: ProgrammeId,
    schedule: Schedule,
) -> Result<(), Error> {
    let organisation = permit.actor().organisation_id;
    let answered = outcomes::answered_timepoints(ctx.db(), organisation, programme).await?;
    let lost: Vec<&str> = answered
        .iter()
        .filter(|name| schedule.timepoint(name).is_none())
        .map(String::as_str)
        .collect();
    if !lost.is_empty() {
        return Err(FieldErrors::one(
            "timepoints",
            format!(
                "Keep {}: answers were given for {}",
                lost.iter()
                    .map(|n| format!("\u{201c}{n}\u{201d}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if lost.len() == 1 { "it" } else { "them" }
            ),
        )
        .into());
    }
    let mut tx = ctx.db().begin().await?;
    outcomes::set_schedule(&mut tx, organisation, programme, &schedule).await?;
    Audit::updated(
        "programme",
        programme,
        format!(
            "outcome schedule: {}, {} days either side",
            schedule
                .timepoints
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            schedule.window_days
        ),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(())
}

/// The referral's programme, when the person is followed by its schedule.
pub(super) fn followed_programme(record: &ReferralRecord) -> Result<ProgrammeId, Error> {
    record
        .summary
        .programme_id
        .filter(|_| followed(&record.summary))
        .ok_or_else(|| {
            FieldErrors::one("timepoint", "Questionnaires are for people on a programme").into()
        })
}

/// The timepoint named `name` of the referral's programme schedule.
pub(super) async fn known_timepoint(
    ctx: &Context,
    organisation: OrganisationId,
    record: &ReferralRecord,
    name: &str,
) -> Result<String, Error> {
    let programme = followed_programme(record)?;
    let schedule = schedule_of(ctx, organisation, programme).await?;
    schedule
        .timepoint(name)
        .map(|t| t.name.clone())
        .ok_or_else(|| {
            FieldErrors::one(
                "timepoint",
                format!(
                    "Choose a timepoint of the programme's schedule: {}",
                    schedule
                        .timepoints
                        .iter()
                        .map(|t| t.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .into()
        })
}
