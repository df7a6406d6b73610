//! Personal API tokens for machine clients. Only the hash is stored; the
//! token itself is shown once, when it is made.

use alongside_domain::{AccountId, ApiTokenId, OrganisationId};
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::query::Run;
use crate::sessions::{SignedIn, SignedInRow, signed_in_by};
use crate::{Db, DbResult, Tx};

/// A token as listed to its owner (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
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
    tx.execute(
        "INSERT INTO api_tokens (id, account_id, organisation_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        (id, account, organisation, name, token_hash, now),
    )
    .await?;
    Ok(id)
}

/// The unrevoked tokens of an account in an organisation, newest first.
#[instrument(skip_all)]
pub async fn list(
    db: &Db,
    account: AccountId,
    organisation: OrganisationId,
) -> DbResult<Vec<ApiToken>> {
    db.fetch_all(
        "SELECT id, name, created_at, last_used_at FROM api_tokens
         WHERE account_id = $1 AND organisation_id = $2 AND revoked_at IS NULL ORDER BY created_at DESC",
        (account, organisation),
    )
    .await
}

/// Revokes one of an account's tokens. Another account's token is not found.
#[instrument(skip_all)]
pub async fn revoke(
    tx: &mut Tx,
    account: AccountId,
    id: ApiTokenId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.change(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL",
        (now, id, account),
    )
    .await
}

/// Who an unrevoked token belongs to; marks it used.
#[instrument(skip_all)]
pub async fn authenticate(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<SignedIn>> {
    let sql = format!(
        "{} WHERE c.token_hash = $1 AND c.revoked_at IS NULL",
        signed_in_by("api_tokens")
    );
    let row: Option<SignedInRow> = db.fetch_optional(&sql, (token_hash,)).await?;
    if row.is_some() {
        db.execute(
            "UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2",
            (now, token_hash),
        )
        .await?;
    }
    row.map(SignedIn::try_from).transpose()
}
