//! Idempotency keys of API requests: a retried request with the same key
//! gets the first answer instead of making a second referral.

use alongside_domain::AccountId;
use chrono::{DateTime, Utc};
use tracing::instrument;
use uuid::Uuid;

use crate::query::Run;
use crate::{Db, DbResult, Tx, UuidText};

/// What a key was first used for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remembered {
    /// A hash of the first request's body.
    pub request_hash: String,
    /// The referral it made.
    pub referral: Uuid,
}

#[derive(sqlx::FromRow)]
struct RememberedRow {
    request_hash: String,
    referral_id: UuidText,
}

/// The first use of `key` by `account`, if there was one.
#[instrument(skip_all)]
pub async fn find(db: &Db, account: AccountId, key: &str) -> DbResult<Option<Remembered>> {
    let row: Option<RememberedRow> = db
        .fetch_optional(
            "SELECT request_hash, referral_id FROM idempotency_keys WHERE account_id = $1 AND idempotency_key = $2",
            (account, key),
        )
        .await?;
    Ok(row.map(|row| Remembered {
        request_hash: row.request_hash,
        referral: row.referral_id.into(),
    }))
}

/// Remembers `key` in the transaction that made the referral.
///
/// # Errors
/// [`DbError::Conflict`](crate::DbError::Conflict) when a concurrent request with the same key won.
#[instrument(skip_all)]
pub async fn remember(
    tx: &mut Tx,
    account: AccountId,
    key: &str,
    remembered: &Remembered,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "INSERT INTO idempotency_keys (account_id, idempotency_key, request_hash, referral_id, created_at) VALUES ($1, $2, $3, $4, $5)",
        (
            account,
            key,
            &remembered.request_hash,
            UuidText(remembered.referral),
            now,
        ),
    )
    .await
    .map_err(|e| e.unique_as("this idempotency key is in use"))?;
    Ok(())
}
