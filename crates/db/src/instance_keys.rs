//! Keys the service makes once and every process of a deployment shares
//! (the key that signs CSRF tokens, when none is configured).

use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::{Db, DbResult, on_db};

/// The stored value of key `name`, storing `generated` first if there is
/// none. Two processes starting at once agree on one value.
#[instrument(skip_all)]
pub async fn get_or_create(
    db: &Db,
    name: &str,
    generated: &str,
    now: DateTime<Utc>,
) -> DbResult<String> {
    on_db!(db, |p| {
        sqlx::query("INSERT INTO instance_keys (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(generated)
        .bind(now)
        .execute(p)
        .await.map(|r| r.rows_affected())
    })?;
    let value: String = on_db!(db, |p| sqlx::query_scalar(
        "SELECT value FROM instance_keys WHERE name = $1"
    )
    .bind(name)
    .fetch_one(p)
    .await)?;
    Ok(value)
}

/// The stored value of key `name`, if there is one.
#[instrument(skip_all)]
pub async fn find(db: &Db, name: &str) -> DbResult<Option<String>> {
    let value: Option<String> = on_db!(db, |p| sqlx::query_scalar(
        "SELECT value FROM instance_keys WHERE name = $1"
    )
    .bind(name)
    .fetch_optional(p)
    .await)?;
    Ok(value)
}
