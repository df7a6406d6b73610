//! The audit log: append-only (the database refuses updates and deletes).

use alongside_domain::audit::AuditEvent;
use alongside_domain::{AccountId, OrganisationId};
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::query::Run;
use crate::{Db, DbResult, Tx};

/// One event to record. `detail` must not carry personal data beyond ids.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// The organisation whose data it concerns, if any.
    pub organisation: Option<OrganisationId>,
    /// Who did it, if anyone was signed in.
    pub actor: Option<AccountId>,
    /// What happened.
    pub event: AuditEvent,
    /// What kind of record ("programme", "account").
    pub entity: &'a str,
    /// Which record.
    pub entity_id: Option<String>,
    /// A short description (field names changed, reason refused).
    pub detail: String,
    /// The request it happened in.
    pub request_id: Option<&'a str>,
}

/// A recorded entry, as the audit page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRecord {
    /// Order of recording.
    pub id: i64,
    /// Who, by name; empty when nobody was signed in.
    pub actor_name: Option<String>,
    /// What happened.
    pub event: String,
    /// What kind of record.
    pub entity: String,
    /// Which record.
    pub entity_id: Option<String>,
    /// Description.
    pub detail: String,
    /// The request.
    pub request_id: Option<String>,
    /// When.
    pub occurred_at: DateTime<Utc>,
}

/// Records an entry inside the transaction of the change it describes.
#[instrument(skip_all)]
pub async fn record(tx: &mut Tx, entry: &AuditEntry<'_>, now: DateTime<Utc>) -> DbResult<()> {
    tx.execute(
        "INSERT INTO audit_log (organisation_id, actor_account_id, event, entity, entity_id, detail, request_id, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        (
            entry.organisation,
            entry.actor,
            entry.event.as_str(),
            entry.entity,
            entry.entity_id.as_deref(),
            &entry.detail,
            entry.request_id,
            now,
        ),
    )
    .await?;
    Ok(())
}

/// Records an entry on its own (a view, a refusal, a failed sign-in).
#[instrument(skip_all)]
pub async fn record_now(db: &Db, entry: &AuditEntry<'_>, now: DateTime<Utc>) -> DbResult<()> {
    let mut tx = db.begin().await?;
    record(&mut tx, entry, now).await?;
    tx.commit().await
}

/// The newest entries of an organisation, newest first, `limit` from `offset`.
#[instrument(skip_all)]
pub async fn list(
    db: &Db,
    organisation: OrganisationId,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<AuditRecord>> {
    db.fetch_all(
        "SELECT l.id, a.display_name AS actor_name, l.event, l.entity, l.entity_id, l.detail, l.request_id, l.occurred_at
         FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_account_id
         WHERE l.organisation_id = $1 ORDER BY l.id DESC LIMIT $2 OFFSET $3",
        (organisation, limit, offset),
    )
    .await
}
