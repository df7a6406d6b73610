//! Server-side sessions. The cookie holds a random token; only its hash is
//! stored, so a copy of the database does not sign anyone in.

use alongside_domain::{AccountId, Actor, OrganisationId};
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::query::Run;
use crate::{Db, DbError, DbResult, Tx};

/// Who a session or API token belongs to, with what pages show about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// The actor the access policy judges.
    pub actor: Actor,
    /// Their name.
    pub display_name: String,
    /// Their sign-in address.
    pub email: String,
    /// The name of the organisation they act in.
    pub organisation_name: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct SignedInRow {
    account_id: AccountId,
    organisation_id: OrganisationId,
    role: String,
    display_name: String,
    email: String,
    organisation_name: String,
}

impl TryFrom<SignedInRow> for SignedIn {
    type Error = DbError;
    fn try_from(row: SignedInRow) -> DbResult<Self> {
        Ok(Self {
            actor: Actor {
                account_id: row.account_id,
                organisation_id: row.organisation_id,
                role: row
                    .role
                    .parse()
                    .map_err(|e| DbError::corrupt("membership", e))?,
            },
            display_name: row.display_name,
            email: row.email,
            organisation_name: row.organisation_name,
        })
    }
}

/// Who holds a credential (a session or an API token), as [`SignedInRow`]
/// reads it: `credentials` names the table, aliased `c`, which holds the
/// account and the organisation it acts in; the caller adds the `WHERE`.
/// Joined with the membership, so a removed member's credential stops
/// working at once.
pub(crate) fn signed_in_by(credentials: &str) -> String {
    format!(
        "SELECT c.account_id, c.organisation_id, m.role, a.display_name, a.email, o.name AS organisation_name
         FROM {credentials} c
         JOIN accounts a ON a.id = c.account_id
         JOIN memberships m ON m.account_id = c.account_id AND m.organisation_id = c.organisation_id
         JOIN organisations o ON o.id = c.organisation_id"
    )
}

/// Starts a session.
#[instrument(skip_all)]
pub async fn create(
    tx: &mut Tx,
    token_hash: &str,
    account: AccountId,
    organisation: OrganisationId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "INSERT INTO sessions (token_hash, account_id, organisation_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        (token_hash, account, organisation, now, expires_at),
    )
    .await?;
    Ok(())
}

/// Who an unexpired session belongs to: one query, joined with the
/// membership, so a removed member's session stops working at once.
#[instrument(skip_all)]
pub async fn find(db: &Db, token_hash: &str, now: DateTime<Utc>) -> DbResult<Option<SignedIn>> {
    let sql = format!(
        "{} WHERE c.token_hash = $1 AND c.expires_at > $2",
        signed_in_by("sessions")
    );
    let row: Option<SignedInRow> = db.fetch_optional(&sql, (token_hash, now)).await?;
    row.map(SignedIn::try_from).transpose()
}

/// Ends one session.
#[instrument(skip_all)]
pub async fn delete(tx: &mut Tx, token_hash: &str) -> DbResult<()> {
    tx.execute("DELETE FROM sessions WHERE token_hash = $1", (token_hash,))
        .await?;
    Ok(())
}

/// Ends every session of an account except one (after a password change).
#[instrument(skip_all)]
pub async fn delete_others(
    tx: &mut Tx,
    account: AccountId,
    keep_token_hash: &str,
) -> DbResult<u64> {
    tx.execute(
        "DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2",
        (account, keep_token_hash),
    )
    .await
}

/// Removes sessions that have expired.
#[instrument(skip_all)]
pub async fn delete_expired(db: &Db, now: DateTime<Utc>) -> DbResult<u64> {
    db.execute("DELETE FROM sessions WHERE expires_at <= $1", (now,))
        .await
}
