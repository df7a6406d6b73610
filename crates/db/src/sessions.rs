//! Server-side sessions. The cookie holds a random token; only its hash is
//! stored, so a copy of the database does not sign anyone in.

use alongside_domain::{AccountId, Actor, OrganisationId};
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::{Db, DbError, DbResult, Tx, on_db, on_tx};

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
    on_tx!(tx, |c| {
        sqlx::query("INSERT INTO sessions (token_hash, account_id, organisation_id, created_at, expires_at, last_seen_at, device)
                     VALUES ($1, $2, $3, $4, $5, $4, $6)")
        .bind(new.token_hash)
        .bind(new.account)
        .bind(new.organisation)
        .bind(now)
        .bind(new.expires_at)
        .bind(new.device)
        .execute(c)
        .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Who a live session belongs to: not expired at `now`, and used since
/// `idle_since`. One query, joined with the membership, so a removed or
/// suspended member's session stops working at once.
#[instrument(skip_all)]
pub async fn find(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
    idle_since: DateTime<Utc>,
) -> DbResult<Option<SignedIn>> {
    let row: Option<SignedInRow> = on_db!(db, |p| {
        sqlx::query_as(
        "SELECT s.account_id, s.organisation_id, m.role, a.display_name, a.email, o.name AS organisation_name
         FROM sessions s
         JOIN accounts a ON a.id = s.account_id
         JOIN memberships m ON m.account_id = s.account_id AND m.organisation_id = s.organisation_id
         AND m.suspended_at IS NULL
         JOIN organisations o ON o.id = s.organisation_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3"
    )
    .bind(token_hash)
    .bind(now)
    .bind(idle_since)
    .fetch_optional(p)
    .await
    })?;
    row.map(SignedIn::try_from).transpose()
}

/// Ends one session.
#[instrument(skip_all)]
pub async fn delete(tx: &mut Tx, token_hash: &str) -> DbResult<()> {
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of an account except one (after a password change).
#[instrument(skip_all)]
pub async fn delete_others(
    tx: &mut Tx,
    account: AccountId,
    keep_token_hash: &str,
) -> DbResult<u64> {
    let done = on_tx!(tx, |c| sqlx::query(
        "DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2"
    )
    .bind(account)
    .bind(keep_token_hash)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done)
}

/// Removes sessions that have expired.
#[instrument(skip_all)]
pub async fn delete_expired(db: &Db, now: DateTime<Utc>) -> DbResult<u64> {
    let done = on_db!(db, |p| sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1"
    )
    .bind(now)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done)
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
    on_db!(db, |p| sqlx::query(
        "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $3"
    )
    .bind(token_hash)
    .bind(now)
    .bind(unless_since)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// One of a member's open sessions, as their list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
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

#[derive(sqlx::FromRow)]
struct OpenSessionRow {
    token_hash: String,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    device: String,
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
    let rows: Vec<OpenSessionRow> = on_db!(db, |p| sqlx::query_as(
        "SELECT token_hash, created_at, last_seen_at, device FROM sessions
         WHERE account_id = $1 AND organisation_id = $2 AND expires_at > $3 AND last_seen_at > $4
         ORDER BY last_seen_at DESC"
    )
    .bind(account)
    .bind(organisation)
    .bind(now)
    .bind(idle_since)
    .fetch_all(p)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| OpenSession {
            token_hash: r.token_hash,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            device: r.device,
        })
        .collect())
}

/// Ends every session of an account (after its password was reset).
#[instrument(skip_all)]
pub async fn delete_all(tx: &mut Tx, account: AccountId) -> DbResult<u64> {
    let done = on_tx!(tx, |c| sqlx::query(
        "DELETE FROM sessions WHERE account_id = $1"
    )
    .bind(account)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done)
}
