//! Peer supporters' records: add, edit, pause, resume, leave; each change
//! audited in its transaction.

use alongside_db::supporters::{self, Supporter};
use alongside_domain::SupporterId;
use alongside_domain::supporter::{SupporterDetails, SupporterEvent, SupporterInput};

use super::{Audit, audit_view};
use crate::Permit;
use crate::actions::ManageSupporters;
use crate::{Context, Error};

/// The organisation's supporters, by name.
///
/// # Errors
/// When the database fails.
pub async fn list(
    ctx: &Context,
    permit: &Permit<ManageSupporters>,
    with_left: bool,
) -> Result<Vec<Supporter>, Error> {
    let list = supporters::list(ctx.db(), permit.actor().organisation_id, with_left).await?;
    audit_view(ctx, permit, "supporter", "list", "supporter list viewed").await?;
    Ok(list)
}

/// One supporter; the view is audited.
///
/// # Errors
/// [`Error::NotFound`] for another organisation's supporter.
pub async fn find(
    ctx: &Context,
    permit: &Permit<ManageSupporters>,
    id: SupporterId,
) -> Result<Supporter, Error> {
    let supporter = supporters::find(ctx.db(), permit.actor().organisation_id, id).await?;
    audit_view(ctx, permit, "supporter", id, "supporter viewed").await?;
    Ok(supporter)
}

/// Adds a supporter, active.
///
/// # Errors
/// [`Error::Invalid`] with every problem.
pub async fn create(
    ctx: &Context,
    permit: &Permit<ManageSupporters>,
    input: &SupporterInput,
) -> Result<SupporterId, Error> {
    let details = SupporterDetails::validate(input)?;
    let mut tx = ctx.db().begin().await?;
    let id =
        supporters::create(&mut tx, permit.actor().organisation_id, &details, ctx.now()).await?;
    Audit::created("supporter", id, "supporter added")
        .commit(ctx, tx, permit)
        .await?;
    Ok(id)
}

/// Replaces a supporter's details.
///
/// # Errors
/// [`Error::Invalid`] with every problem; [`Error::NotFound`] for another
/// organisation's supporter.
pub async fn update(
    ctx: &Context,
    permit: &Permit<ManageSupporters>,
    id: SupporterId,
    input: &SupporterInput,
) -> Result<(), Error> {
    let details = SupporterDetails::validate(input)?;
    let mut tx = ctx.db().begin().await?;
    supporters::update(
        &mut tx,
        permit.actor().organisation_id,
        id,
        &details,
        ctx.now(),
    )
    .await?;
    Audit::updated("supporter", id, "details changed")
        .commit(ctx, tx, permit)
        .await?;
    Ok(())
}

/// Pauses, resumes or ends a supporter's volunteering, through the domain's
/// rules.
///
/// # Errors
/// [`Error::IllegalTransition`] for a change the status does not allow.
pub async fn change_status(
    ctx: &Context,
    permit: &Permit<ManageSupporters>,
    id: SupporterId,
    event: SupporterEvent,
) -> Result<(), Error> {
    let organisation = permit.actor().organisation_id;
    let mut tx = ctx.db().begin().await?;
    let current = supporters::status_in(&mut tx, organisation, id).await?;
    let next = current.apply(event)?;
    supporters::set_status(&mut tx, organisation, id, next, ctx.now()).await?;
    Audit::updated(
        "supporter",
        id,
        format!("{} → {}", current.as_str(), next.as_str()),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(())
}
