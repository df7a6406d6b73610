//! Links to choose a new password: only the hash of a link's token is
//! kept, and a link works once, until it expires.

use alongside_domain::AccountId;
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::query::Run;
use crate::{Db, DbResult, Tx};

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
    tx.execute(
        "UPDATE password_resets SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL",
        (account, now),
    )
    .await?;
    tx.execute(
        "INSERT INTO password_resets (token_hash, account_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
        (token_hash, account, now, expires_at),
    )
    .await?;
    Ok(())
}

/// Whose link it is, while it can still be used.
#[instrument(skip_all)]
pub async fn find_open(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<AccountId>> {
    db.optional_scalar(
        "SELECT account_id FROM password_resets
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        (token_hash, now),
    )
    .await
}

/// Uses the link, once: whose it was, or none for a link used already,
/// expired or unknown (so two uses at once cannot both succeed).
#[instrument(skip_all)]
pub async fn take(
    tx: &mut Tx,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<AccountId>> {
    tx.optional_scalar(
        "UPDATE password_resets SET used_at = $2
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
         RETURNING account_id",
        (token_hash, now),
    )
    .await
}
