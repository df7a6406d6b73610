//! What people do, run once for every face: each service validates through
//! the domain, writes inside one transaction and records its audit entry in
//! that same transaction, so a change and its audit trail stand or fall
//! together. Services take a [`crate::auth::Permit`] for their action, so
//! they cannot run without the policy's say-so.

pub mod accounts;
pub mod feedback;
pub mod import;
pub mod matches;
pub mod matching_runs;
pub mod outcomes;
pub mod passwords;
pub mod programmes;
pub mod questionnaires;
pub mod referrals;
pub mod reports;
pub mod staff;
pub mod supporters;

use alongside_db::Tx;
use alongside_db::audit::{self, AuditEntry};
use alongside_domain::audit::AuditEvent;
use chrono::Utc;

use crate::Error;
use crate::auth::Permit;

/// Records that `permit`'s actor looked at personal data (`entity`), on its own.
///
/// # Errors
/// When the database fails: then the data is not shown either.
pub(crate) async fn audit_view<A>(
    state: &crate::AppState,
    permit: &Permit<A>,
    entity: &str,
    entity_id: impl ToString,
    detail: impl Into<String>,
) -> Result<(), Error> {
    let entry = AuditEntry {
        organisation: Some(permit.actor().organisation_id),
        actor: Some(permit.actor().account_id),
        event: AuditEvent::View,
        entity,
        entity_id: Some(entity_id.to_string()),
        detail: detail.into(),
        request_id: permit.request_id.as_deref(),
    };
    audit::record_now(state.db(), &entry, Utc::now()).await?;
    Ok(())
}

/// Records what `permit`'s actor did to `entity`, inside `tx`.
pub(crate) async fn audit<A>(
    tx: &mut Tx,
    permit: &Permit<A>,
    event: AuditEvent,
    entity: &str,
    entity_id: impl ToString,
    detail: impl Into<String>,
) -> Result<(), Error> {
    let entry = AuditEntry {
        organisation: Some(permit.actor().organisation_id),
        actor: Some(permit.actor().account_id),
        event,
        entity,
        entity_id: Some(entity_id.to_string()),
        detail: detail.into(),
        request_id: permit.request_id.as_deref(),
    };
    audit::record(tx, &entry, Utc::now()).await?;
    Ok(())
}
