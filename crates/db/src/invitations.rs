//! Invitations for new staff: a link with a secret token and an expiry.

use alongside_domain::{AccountId, InvitationId, OrganisationId, Role};
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::query::Run;
use crate::{Db, DbError, DbResult, Tx};

/// A stored invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Its id.
    pub id: InvitationId,
    /// The organisation the person is invited to.
    pub organisation_id: OrganisationId,
    /// That organisation's name.
    pub organisation_name: String,
    /// The address it was sent to.
    pub email: String,
    /// The role the person will have.
    pub role: Role,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was used, if it was.
    pub accepted_at: Option<DateTime<Utc>>,
}

impl Invitation {
    /// Whether the link can still be used at `now`.
    #[must_use]
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.accepted_at.is_none() && self.expires_at > now
    }
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: InvitationId,
    organisation_id: OrganisationId,
    organisation_name: String,
    email: String,
    role: String,
    expires_at: DateTime<Utc>,
    accepted_at: Option<DateTime<Utc>>,
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = DbError;
    fn try_from(row: InvitationRow) -> DbResult<Self> {
        Ok(Self {
            id: row.id,
            organisation_id: row.organisation_id,
            organisation_name: row.organisation_name,
            email: row.email,
            role: row
                .role
                .parse()
                .map_err(|e| DbError::corrupt("invitation", e))?,
            expires_at: row.expires_at,
            accepted_at: row.accepted_at,
        })
    }
}

const SELECT: &str = "SELECT i.id, i.organisation_id, o.name AS organisation_name, i.email, i.role, i.expires_at, i.accepted_at
     FROM invitations i JOIN organisations o ON o.id = i.organisation_id";

/// What an invitation is for.
#[derive(Debug, Clone, Copy)]
pub struct NewInvitation<'a> {
    /// The organisation.
    pub organisation: OrganisationId,
    /// The invited address, normalised.
    pub email: &'a str,
    /// The role to give.
    pub role: Role,
    /// The hash of the secret in the link.
    pub token_hash: &'a str,
    /// Who sent it.
    pub invited_by: AccountId,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

/// Stores an invitation.
#[instrument(skip_all)]
pub async fn create(
    tx: &mut Tx,
    new: NewInvitation<'_>,
    now: DateTime<Utc>,
) -> DbResult<InvitationId> {
    let id = InvitationId::new();
    tx.execute(
        "INSERT INTO invitations (id, organisation_id, email, role, token_hash, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        (
            id,
            new.organisation,
            new.email,
            new.role.as_str(),
            new.token_hash,
            new.invited_by,
            now,
            new.expires_at,
        ),
    )
    .await?;
    Ok(id)
}

/// The invitation whose link carries this token, if any.
#[instrument(skip_all)]
pub async fn find_by_token(db: &Db, token_hash: &str) -> DbResult<Option<Invitation>> {
    let sql = format!("{SELECT} WHERE i.token_hash = $1");
    let row: Option<InvitationRow> = db.fetch_optional(&sql, (token_hash,)).await?;
    row.map(Invitation::try_from).transpose()
}

/// Marks an invitation used, once: a second use is a conflict.
#[instrument(skip_all)]
pub async fn accept(tx: &mut Tx, id: InvitationId, now: DateTime<Utc>) -> DbResult<()> {
    let done = tx
        .execute(
            "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL AND expires_at > $1",
            (now, id),
        )
        .await?;
    if done == 0 {
        Err(DbError::Conflict(
            "this invitation has been used or has expired",
        ))
    } else {
        Ok(())
    }
}

/// Invitations of an organisation not yet used, newest first.
#[instrument(skip_all)]
pub async fn pending(db: &Db, organisation: OrganisationId) -> DbResult<Vec<Invitation>> {
    let sql = format!(
        "{SELECT} WHERE i.organisation_id = $1 AND i.accepted_at IS NULL ORDER BY i.created_at DESC"
    );
    let rows: Vec<InvitationRow> = db.fetch_all(&sql, (organisation,)).await?;
    rows.into_iter().map(Invitation::try_from).collect()
}

/// Withdraws an invitation not used yet: its link stops working at once.
/// An invitation already used, or another organisation's, is not found.
#[instrument(skip_all)]
pub async fn cancel(tx: &mut Tx, organisation: OrganisationId, id: InvitationId) -> DbResult<()> {
    tx.change(
        "DELETE FROM invitations WHERE id = $1 AND organisation_id = $2 AND accepted_at IS NULL",
        (id, organisation),
    )
    .await
}
