//! Alongside's use cases: what people do, run once for every face.
//!
//! Each use case is a function that takes a [`Context`] (database, data key,
//! clock, settings) and, when it acts for somebody, a [`Permit`] for its one
//! action, and returns domain values or one [`Error`]. It validates through
//! the domain, writes inside one transaction and records its audit entry in
//! that same transaction, so a change and its audit trail stand or fall
//! together.
//!
//! Nothing here knows HTTP: no axum, no HTML, no form field shapes, no FHIR
//! or JSON API bodies. The faces in `alongside-web` read requests into
//! domain values, call a use case and render its answer or its error; the
//! background sweeps and the command line in `alongside` call the same
//! functions.

#![warn(clippy::pedantic)]
#![deny(missing_docs)]

pub mod accounts;
pub mod audit_log;
mod audited;
mod context;
mod error;
pub mod feedback;
pub mod import;
pub mod limiter;
pub mod mail;
pub mod matches;
pub mod matching_runs;
pub mod outcomes;
pub mod password_reset;
pub mod passwords;
pub mod permit;
pub mod programmes;
pub mod questionnaires;
pub mod referrals;
pub mod reports;
pub mod staff;
pub mod supporters;
pub mod tokens;

use alongside_db::audit::{self, AuditEntry};
use alongside_domain::audit::AuditEvent;

use audited::Audit;
pub use context::{Clock, Context, Settings};
pub use error::Error;
pub use permit::{Permission, Permit, actions, authorise};

/// Records that `permit`'s actor looked at personal data (`entity`), on its own.
///
/// # Errors
/// When the database fails: then the data is not shown either.
pub(crate) async fn audit_view<A>(
    ctx: &Context,
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
    audit::record_now(ctx.db(), &entry, ctx.now()).await?;
    Ok(())
}
