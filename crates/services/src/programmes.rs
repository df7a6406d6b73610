//! Creating, changing, archiving and reading programmes.

use alongside_db::programmes;
use alongside_domain::audit::AuditEvent;
use alongside_domain::costs::ProgrammeCosts;
use alongside_domain::programme::{Programme, ProgrammeDetails, ProgrammeInput};
use alongside_domain::{OrganisationId, ProgrammeId};

use crate::Audit;
use crate::Permit;
use crate::actions::{ManageProgrammes, ViewProgrammes};
use crate::{Context, Error};

/// The organisation's programmes.
///
/// # Errors
/// When the database fails.
pub async fn list(
    ctx: &Context,
    permit: &Permit<ViewProgrammes>,
    include_archived: bool,
) -> Result<Vec<Programme>, Error> {
    Ok(programmes::list(ctx.db(), permit.actor().organisation_id, include_archived).await?)
}

/// The organisation's programmes as choices on a form or a filter, for
/// anyone of the organisation: a programme's name and status are not
/// personal data.
///
/// # Errors
/// When the database fails.
pub async fn offered(
    ctx: &Context,
    organisation: OrganisationId,
    include_archived: bool,
) -> Result<Vec<Programme>, Error> {
    Ok(programmes::list(ctx.db(), organisation, include_archived).await?)
}

/// One programme of the organisation.
///
/// # Errors
/// [`Error::NotFound`] for another organisation's programme.
pub async fn find(
    ctx: &Context,
    permit: &Permit<ViewProgrammes>,
    id: ProgrammeId,
) -> Result<Programme, Error> {
    Ok(programmes::find(ctx.db(), permit.actor().organisation_id, id).await?)
}

/// Validates and stores a new programme.
///
/// # Errors
/// [`Error::Invalid`] with every field problem; nothing is stored then.
pub async fn create(
    ctx: &Context,
    permit: &Permit<ManageProgrammes>,
    input: &ProgrammeInput,
) -> Result<Programme, Error> {
    let details = ProgrammeDetails::validate(input)?;
    let mut tx = ctx.db().begin().await?;
    let programme =
        programmes::create(&mut tx, permit.actor().organisation_id, &details, ctx.now()).await?;
    Audit::created("programme", programme.id, "created")
        .commit(ctx, tx, permit)
        .await?;
    Ok(programme)
}

/// Validates and stores new fields for a programme.
///
/// # Errors
/// [`Error::Invalid`] or [`Error::NotFound`]; nothing changes then.
pub async fn update(
    ctx: &Context,
    permit: &Permit<ManageProgrammes>,
    id: ProgrammeId,
    input: &ProgrammeInput,
) -> Result<Programme, Error> {
    let details = ProgrammeDetails::validate(input)?;
    let organisation = permit.actor().organisation_id;
    let mut tx = ctx.db().begin().await?;
    let before = programmes::find_in(&mut tx, organisation, id).await?;
    programmes::update(&mut tx, organisation, id, &details, ctx.now()).await?;
    let changed = changed_fields(&before.details, &details);
    Audit::updated(
        "programme",
        id,
        format!(
            "changed: {}",
            if changed.is_empty() {
                "nothing".into()
            } else {
                changed.join(", ")
            }
        ),
    )
    .record(ctx, &mut tx, permit)
    .await?;
    let after = programmes::find_in(&mut tx, organisation, id).await?;
    tx.commit().await?;
    Ok(after)
}

/// Archives a programme (it stays for the record).
///
/// # Errors
/// [`Error::IllegalTransition`] if already archived.
pub async fn archive(
    ctx: &Context,
    permit: &Permit<ManageProgrammes>,
    id: ProgrammeId,
) -> Result<Programme, Error> {
    change_status(ctx, permit, id, true).await
}

/// Brings an archived programme back.
///
/// # Errors
/// [`Error::IllegalTransition`] if it is active.
pub async fn restore(
    ctx: &Context,
    permit: &Permit<ManageProgrammes>,
    id: ProgrammeId,
) -> Result<Programme, Error> {
    change_status(ctx, permit, id, false).await
}

async fn change_status(
    ctx: &Context,
    permit: &Permit<ManageProgrammes>,
    id: ProgrammeId,
    archive: bool,
) -> Result<Programme, Error> {
    let organisation = permit.actor().organisation_id;
    let mut tx = ctx.db().begin().await?;
    let mut programme = programmes::find_in(&mut tx, organisation, id).await?;
    let status = if archive {
        programme.status.archive()?
    } else {
        programme.status.restore()?
    };
    let now = ctx.now();
    programmes::set_status(&mut tx, organisation, id, status, now).await?;
    let (event, detail) = if archive {
        (AuditEvent::Delete, "archived")
    } else {
        (AuditEvent::Update, "restored")
    };
    Audit::new(event, "programme", id, detail)
        .commit(ctx, tx, permit)
        .await?;
    programme.status = status;
    programme.updated_at = now;
    Ok(programme)
}

/// Names of the fields that differ, for the audit log (values stay out of it).
fn changed_fields(before: &ProgrammeDetails, after: &ProgrammeDetails) -> Vec<&'static str> {
    let mut changed = Vec::new();
    let mut note = |name, differs: bool| {
        if differs {
            changed.push(name);
        }
    };
    note("name", before.name != after.name);
    note("description", before.description != after.description);
    note("model", before.model != after.model);
    note("setting", before.setting != after.setting);
    note("conditions", before.conditions != after.conditions);
    note("eligibility", before.eligibility != after.eligibility);
    note("capacity", before.capacity != after.capacity);
    note(
        "funding_source",
        before.funding_source != after.funding_source,
    );
    note(
        "contact_gap_days",
        before.contact_gap_days != after.contact_gap_days,
    );
    note(
        "waiting_target_days",
        before.waiting_target_days != after.waiting_target_days,
    );
    note(
        "supervision_every_weeks",
        before.supervision_every_weeks != after.supervision_every_weeks,
    );
    changed
}

/// A programme's costs: funding, volunteer hours and their value.
///
/// # Errors
/// [`Error::NotFound`] for another organisation's programme.
pub async fn costs(
    ctx: &Context,
    permit: &Permit<ManageProgrammes>,
    id: ProgrammeId,
) -> Result<ProgrammeCosts, Error> {
    Ok(programmes::costs(ctx.db(), permit.actor().organisation_id, id).await?)
}

/// Records a programme's costs.
///
/// # Errors
/// [`Error::NotFound`] for another organisation's programme.
pub async fn set_costs(
    ctx: &Context,
    permit: &Permit<ManageProgrammes>,
    id: ProgrammeId,
    costs: &ProgrammeCosts,
) -> Result<(), Error> {
    let mut tx = ctx.db().begin().await?;
    programmes::set_costs(&mut tx, permit.actor().organisation_id, id, costs).await?;
    Audit::updated(
        "programme",
        id,
        format!(
            "costs: funding {}, {} volunteer hours at {}",
            costs
                .funding
                .map_or_else(|| "not recorded".to_owned(), |m| m.to_string()),
            costs.volunteer_hours,
            costs
                .hour_value
                .map_or_else(|| "no set value".to_owned(), |m| format!("{m} an hour")),
        ),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(())
}
