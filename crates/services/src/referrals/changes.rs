//! Changes to a referral and its person: triage through the domain's state
//! machine, the first contact, consent given or withdrawn, and merging two
//! records of the same person.

use alongside_db::people;
use alongside_db::referrals::{self, StatusChange};
use alongside_db::{DbError, programmes};
use alongside_domain::FieldErrors;
use alongside_domain::consent::ConsentChange;
use alongside_domain::programme::ProgrammeStatus;
use alongside_domain::referral::{ReferralEvent, ReferralStatus, TriageDecision};
use alongside_domain::validation::text;
use uuid::Uuid;

use crate::actions::{MergeRecords, RecordConsent, TriageReferrals};
use crate::{Audit, Context, Error, Permit};

/// Moves a referral on through the domain's state machine, with its history
/// entry and audit entry in one transaction.
///
/// # Errors
/// [`Error::Invalid`] for a programme that is not there or archived;
/// [`Error::IllegalTransition`] for a move the status does not allow.
pub async fn triage(
    ctx: &Context,
    permit: &Permit<TriageReferrals>,
    id: Uuid,
    decision: &TriageDecision,
) -> Result<ReferralStatus, Error> {
    let organisation = permit.actor().organisation_id;
    let event = decision.event();
    let programme = decision.programme();
    let decline_reason = decision.decline_reason();
    let note = decision.note.as_str();

    let mut tx = ctx.db().begin().await?;
    let mut programme_name = None;
    if let Some(p) = programme {
        let chosen = programmes::find_in(&mut tx, organisation, p)
            .await
            .map_err(|e| match e {
                DbError::NotFound => FieldErrors::one(
                    "programme",
                    "Choose the programme whose waiting list the person joins",
                )
                .into(),
                other => Error::from(other),
            })?;
        if chosen.status != ProgrammeStatus::Active {
            return Err(FieldErrors::one(
                "programme",
                "That programme is archived: choose an active one",
            )
            .into());
        }
        programme_name = Some(chosen.details.name);
    }
    let current = referrals::status_in(&mut tx, organisation, id).await?;
    let status = current.apply(event)?;
    let words = match (event, decline_reason, programme_name) {
        (ReferralEvent::Decline(_), Some(reason), _) if note.is_empty() => {
            reason.label().to_owned()
        }
        (ReferralEvent::Decline(_), Some(reason), _) => format!("{}: {note}", reason.label()),
        (ReferralEvent::Signpost, _, Some(name)) if note.is_empty() => {
            format!("signposted to {name}")
        }
        (ReferralEvent::Signpost, _, Some(name)) => format!("signposted to {name}: {note}"),
        _ if note.is_empty() => event.done().to_owned(),
        _ => format!("{}: {note}", event.done()),
    };
    let change = StatusChange {
        status,
        // A signpost names the programme in the history; the referral's
        // programme stays the one asked for.
        programme: programme.filter(|_| event == ReferralEvent::Accept),
        decline_reason,
        actor: permit.actor().account_id,
        note: &words,
    };
    referrals::change_status(&mut tx, ctx.data_key(), organisation, id, change, ctx.now()).await?;
    Audit::updated(
        "referral",
        id,
        format!("{} → {}", current.as_str(), status.as_str()),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(status)
}

/// Records the first contact with the person: the waiting-time flag clears.
///
/// # Errors
/// [`Error::NotFound`] for another organisation's referral.
pub async fn record_first_contact(
    ctx: &Context,
    permit: &Permit<TriageReferrals>,
    id: Uuid,
    note: &str,
) -> Result<(), Error> {
    let note = text(note, "a note", 0, 2000).map_err(|e| FieldErrors::one("contact_note", e))?;
    let words = if note.is_empty() {
        "first contact made".to_owned()
    } else {
        format!("first contact made: {note}")
    };
    let mut tx = ctx.db().begin().await?;
    referrals::record_first_contact(
        &mut tx,
        ctx.data_key(),
        permit.actor().organisation_id,
        id,
        permit.actor().account_id,
        &words,
        ctx.now(),
    )
    .await?;
    Audit::updated("referral", id, "first contact recorded")
        .commit(ctx, tx, permit)
        .await?;
    Ok(())
}

/// Records a consent given, or its withdrawal, on the person of a referral.
///
/// # Errors
/// [`Error::Invalid`] when withdrawing a consent that is not in force.
pub async fn change_consent(
    ctx: &Context,
    permit: &Permit<RecordConsent>,
    id: Uuid,
    change: &ConsentChange,
) -> Result<(), Error> {
    let organisation = permit.actor().organisation_id;
    let scope = change.scope();
    let record = referrals::find(ctx.db(), ctx.data_key(), organisation, id).await?;
    let person = record.person.id;
    let now = ctx.now();
    let mut tx = ctx.db().begin().await?;
    let detail = if let ConsentChange::Given(_, method) = *change {
        people::record_consent(
            &mut tx,
            organisation,
            person,
            scope,
            method,
            Some(permit.actor().account_id),
            now,
        )
        .await?;
        format!("consent given: {} ({})", scope.as_str(), method.as_str())
    } else {
        let note = match change {
            ConsentChange::Withdrawn(_, note) => note.as_str(),
            ConsentChange::Given(..) => "",
        };
        let closed = people::withdraw_consent(
            &mut tx,
            organisation,
            person,
            scope,
            permit.actor().account_id,
            note,
            now,
        )
        .await?;
        if closed == 0 {
            return Err(FieldErrors::one(
                "scope",
                "That consent is not in force, so there is nothing to withdraw",
            )
            .into());
        }
        format!("consent withdrawn: {}", scope.as_str())
    };
    Audit::updated("person", person, detail)
        .commit(ctx, tx, permit)
        .await?;
    Ok(())
}

/// Merges another record of the same person into the person of referral
/// `id`; both histories are kept.
///
/// # Errors
/// [`Error::NotFound`] when the other record is not a likely duplicate in
/// this organisation.
pub async fn merge(
    ctx: &Context,
    permit: &Permit<MergeRecords>,
    id: Uuid,
    other: Uuid,
) -> Result<(), Error> {
    let organisation = permit.actor().organisation_id;
    let record = referrals::find(ctx.db(), ctx.data_key(), organisation, id).await?;
    // Only a record the duplicate check found may be merged from this page.
    let duplicates = people::likely_duplicates(ctx.db(), organisation, &record.person).await?;
    if !duplicates.iter().any(|d| d.person_id == other) {
        return Err(Error::NotFound);
    }
    let mut tx = ctx.db().begin().await?;
    people::merge(&mut tx, organisation, record.person.id, other).await?;
    referrals::move_to_person(
        &mut tx,
        ctx.data_key(),
        organisation,
        other,
        record.person.id,
        permit.actor().account_id,
        ctx.now(),
    )
    .await?;
    Audit::updated("person", other, format!("merged into {}", record.person.id))
        .commit(ctx, tx, permit)
        .await?;
    Ok(())
}
