//! Links to choose a new password: only the hash of a link's token is
//! kept, and a link works once, until it expires.

use alongside_domain::AccountId;
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::{Db, DbResult, Tx, on_db, on_tx};

/// Stores a new link for `account`; earlier links of the account stop
/// working, so only the latest email's link does.
#[instrument(skip_all)]
pub async fn create(
    tx: &mut Tx,
    account: AccountId,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE password_resets SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL",
        )
        .bind(account)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO password_resets (token_hash, account_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(account)
        .bind(now)
        .bind(expires_at)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Whose link it is, while it can still be used.
#[instrument(skip_all)]
pub async fn find_open(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<AccountId>> {
    Ok(on_db!(db, |p| {
        sqlx::query_scalar(
            "SELECT account_id FROM password_resets
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(p)
        .await
    })?)
}

/// Uses the link, once: whose it was, or none for a link used already,
/// expired or unknown (so two uses at once cannot both succeed).
#[instrument(skip_all)]
pub async fn take(
    tx: &mut Tx,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<AccountId>> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_scalar(
            "UPDATE password_resets SET used_at = $2
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
             RETURNING account_id",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(c)
        .await
    })?)
}
