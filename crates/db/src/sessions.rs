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
/// Joined with the membership, so a removed or suspended member's
/// credential stops working at once.
pub(crate) fn signed_in_by(credentials: &str) -> String {
    format!(
        "SELECT c.account_id, c.organisation_id, m.role, a.display_name, a.email, o.name AS organisation_name
         FROM {credentials} c
         JOIN accounts a ON a.id = c.account_id
         JOIN memberships m ON m.account_id = c.account_id AND m.organisation_id = c.organisation_id
              AND m.suspended_at IS NULL
         JOIN organisations o ON o.id = c.organisation_id"
    )
}

/// A session about to start.
#[derive(Debug, Clone, Copy)]
pub struct NewSession<'a> {
    /// The hash of the cookie's token.
    pub token_hash: &'a str,
    /// Whose it is.
    pub account: AccountId,
    /// The organisation they act in.
    pub organisation: OrganisationId,
    /// The browser it was started in, in its own words (its user agent).
    pub device: &'a str,
    /// When it ends, however much it is used.
    pub expires_at: DateTime<Utc>,
}

/// Starts a session.
#[instrument(skip_all)]
pub async fn create(tx: &mut Tx, new: &NewSession<'_>, now: DateTime<Utc>) -> DbResult<()> {
    tx.execute(
        "INSERT INTO sessions (token_hash, account_id, organisation_id, created_at, expires_at, last_seen_at, device)
         VALUES ($1, $2, $3, $4, $5, $4, $6)",
        (new.token_hash, new.account, new.organisation, now, new.expires_at, new.device),
    )
    .await?;
    Ok(())
}

/// Who a live session belongs to: not expired at `now`, and used since
/// `idle_since`.
#[instrument(skip_all)]
pub async fn find(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> DbResult<Option<SignedIn>> {
    let sql = format!(
        "{} WHERE c.token_hash = $1 AND c.expires_at > $2 AND c.last_seen_at > $3",
        signed_in_by("sessions")
    );
    let row: Option<SignedInRow> = db
        .fetch_optional(&sql, (token_hash, now, idle_since))
        .await?;
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

/// Ends every session of an account (after its password was reset).
#[instrument(skip_all)]
pub async fn delete_all(tx: &mut Tx, account: AccountId) -> DbResult<u64> {
    tx.execute("DELETE FROM sessions WHERE account_id = $1", (account,))
        .await
}

/// Notes that a session was used at `now`, unless it was since `unless_since`
/// (so a busy page does not write on every request).
#[instrument(skip_all)]
pub async fn touch(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
    unless_since: DateTime<Utc>,
) -> DbResult<()> {
    db.execute(
        "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $3",
        (token_hash, now, unless_since),
    )
    .await?;
    Ok(())
}

/// One of a member's open sessions, as their list shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenSession {
    /// The hash of its token, to tell the one in use.
    pub token_hash: String,
    /// When it started.
    pub created_at: DateTime<Utc>,
    /// When it was last used.
    pub last_seen_at: DateTime<Utc>,
    /// The browser it was started in.
    pub device: String,
}

/// A member's live sessions in an organisation, last used first.
#[instrument(skip_all)]
pub async fn open_of(
    db: &Db,
    account: AccountId,
    organisation: OrganisationId,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> DbResult<Vec<OpenSession>> {
    db.fetch_all(
        "SELECT token_hash, created_at, last_seen_at, device FROM sessions
         WHERE account_id = $1 AND organisation_id = $2 AND expires_at > $3 AND last_seen_at > $4
         ORDER BY last_seen_at DESC",
        (account, organisation, now, idle_since),
    )
    .await
}
