//! Reading the organisation's audit log.

use alongside_db::audit::{self, AuditRecord};

use crate::actions::ViewAuditLog;
use crate::{Context, Error, Permit};

/// Entries of the organisation's audit log, newest first: `limit` of them
/// after skipping `offset`.
///
/// # Errors
/// When the database fails.
pub async fn entries(
    ctx: &Context,
    permit: &Permit<ViewAuditLog>,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRecord>, Error> {
    Ok(audit::list(ctx.db(), permit.actor().organisation_id, limit, offset).await?)
}
