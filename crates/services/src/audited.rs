//! What a use case did, for the audit log: recorded inside the transaction
//! that makes the change, so the change and its entry stand or fall
//! together.

use alongside_db::Tx;
use alongside_db::audit::{self, AuditEntry};
use alongside_domain::audit::AuditEvent;

use crate::{Context, Error, Permit};

/// One entry of the audit log about to be written for a permit's actor.
#[derive(Debug, Clone)]
pub(crate) struct Audit {
    event: AuditEvent,
    entity: &'static str,
    entity_id: String,
    detail: String,
}

#[expect(
    clippy::needless_pass_by_value,
    reason = "ids and words are given as they are, like `format!` arguments"
)]
impl Audit {
    /// An entry for `event` on the record `entity_id` of kind `entity`.
    pub(crate) fn new(
        event: AuditEvent,
        entity: &'static str,
        entity_id: impl ToString,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            event,
            entity,
            entity_id: entity_id.to_string(),
            detail: detail.into(),
        }
    }

    /// A record was created.
    pub(crate) fn created(
        entity: &'static str,
        entity_id: impl ToString,
        detail: impl Into<String>,
    ) -> Self {
        Self::new(AuditEvent::Create, entity, entity_id, detail)
    }

    /// A record was changed.
    pub(crate) fn updated(
        entity: &'static str,
        entity_id: impl ToString,
        detail: impl Into<String>,
    ) -> Self {
        Self::new(AuditEvent::Update, entity, entity_id, detail)
    }

    /// A record was removed or archived.
    pub(crate) fn removed(
        entity: &'static str,
        entity_id: impl ToString,
        detail: impl Into<String>,
    ) -> Self {
        Self::new(AuditEvent::Delete, entity, entity_id, detail)
    }

    /// Writes the entry inside `tx`, which the caller goes on using.
    ///
    /// # Errors
    /// When the database fails.
    pub(crate) async fn record<A>(
        &self,
        ctx: &Context,
        tx: &mut Tx,
        permit: &Permit<A>,
    ) -> Result<(), Error> {
        let entry = AuditEntry {
            organisation: Some(permit.actor().organisation_id),
            actor: Some(permit.actor().account_id),
            event: self.event,
            entity: self.entity,
            entity_id: Some(self.entity_id.clone()),
            detail: self.detail.clone(),
            request_id: permit.request_id.as_deref(),
        };
        audit::record(tx, &entry, ctx.now()).await?;
        Ok(())
    }

    /// Writes the entry inside `tx` and commits it with the change.
    ///
    /// # Errors
    /// When the database fails: then neither the change nor the entry is
    /// kept.
    pub(crate) async fn commit<A>(
        self,
        ctx: &Context,
        mut tx: Tx,
        permit: &Permit<A>,
    ) -> Result<(), Error> {
        self.record(ctx, &mut tx, permit).await?;
        tx.commit().await?;
        Ok(())
    }
}
