//! Personal API tokens for machine clients. Only the hash is stored; the
//! token itself is shown once, when it is made.

use alongside_domain::{AccountId, ApiTokenId, OrganisationId};
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::sessions::{SignedIn, SignedInRow};
use crate::{Db, DbError, DbResult, Tx, on_db, on_tx};

/// A token as listed to its owner (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Its id.
    pub id: ApiTokenId,
    /// What the owner called it.
    pub name: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was last used, if ever.
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct ApiTokenRow {
    id: ApiTokenId,
    name: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
}

/// Stores a new token's hash.
#[instrument(skip_all)]
pub async fn create(
    tx: &mut Tx,
    account: AccountId,
    organisation: OrganisationId,
    name: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<ApiTokenId> {
    let id = ApiTokenId::new();
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO api_tokens (id, account_id, organisation_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(id)
    .bind(account)
    .bind(organisation)
    .bind(name)
    .bind(token_hash)
    .bind(now)
    .execute(c)
    .await.map(|r| r.rows_affected())
    })?;
    Ok(id)
}

/// The unrevoked tokens of an account in an organisation, newest first.
#[instrument(skip_all)]
pub async fn list(
    db: &Db,
    account: AccountId,
    organisation: OrganisationId,
) -> DbResult<Vec<ApiToken>> {
    let rows: Vec<ApiTokenRow> = on_db!(db, |p| {
        sqlx::query_as(
        "SELECT id, name, created_at, last_used_at FROM api_tokens
         WHERE account_id = $1 AND organisation_id = $2 AND revoked_at IS NULL ORDER BY created_at DESC"
    )
    .bind(account)
    .bind(organisation)
    .fetch_all(p)
    .await
    })?;
    rows.into_iter()
        .map(|row| {
            Ok(ApiToken {
                id: row.id,
                name: row.name,
                created_at: row.created_at,
                last_used_at: row.last_used_at,
            })
        })
        .collect()
}

/// Revokes one of an account's tokens. Another account's token is not found.
#[instrument(skip_all)]
pub async fn revoke(
    tx: &mut Tx,
    account: AccountId,
    id: ApiTokenId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let done = on_tx!(tx, |c| {
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL")
        .bind(now)
        .bind(id)
        .bind(account)
        .execute(c)
        .await.map(|r| r.rows_affected())
    })?;
    if done == 0 {
        Err(DbError::NotFound)
    } else {
        Ok(())
    }
}

/// Who an unrevoked token belongs to; marks it used.
#[instrument(skip_all)]
pub async fn authenticate(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<SignedIn>> {
    let row: Option<SignedInRow> = on_db!(db, |p| {
        sqlx::query_as(
        "SELECT t.account_id, t.organisation_id, m.role, a.display_name, a.email, o.name AS organisation_name
         FROM api_tokens t
         JOIN accounts a ON a.id = t.account_id
         JOIN memberships m ON m.account_id = t.account_id AND m.organisation_id = t.organisation_id
             AND m.suspended_at IS NULL
         JOIN organisations o ON o.id = t.organisation_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
    )
    .bind(token_hash)
    .fetch_optional(p)
    .await
    })?;
    if row.is_some() {
        on_db!(db, |p| sqlx::query(
            "UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2"
        )
        .bind(now)
        .bind(token_hash)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    }
    row.map(SignedIn::try_from).transpose()
}
