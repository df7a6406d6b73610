//! Keys the service makes once and every process of a deployment shares
//! (the key that signs CSRF tokens, when none is configured).

use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::query::Run;
use crate::{Db, DbResult};

/// The stored value of key `name`, storing `generated` first if there is
/// none. Two processes starting at once agree on one value.
#[instrument(skip_all)]
pub async fn get_or_create(
    db: &Db,
    name: &str,
    generated: &str,
    now: DateTime<Utc>,
) -> DbResult<String> {
    db.execute(
        "INSERT INTO instance_keys (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        (name, generated, now),
    )
    .await?;
    db.scalar("SELECT value FROM instance_keys WHERE name = $1", (name,))
        .await
}

/// The stored value of key `name`, if there is one.
#[instrument(skip_all)]
pub async fn find(db: &Db, name: &str) -> DbResult<Option<String>> {
    db.optional_scalar("SELECT value FROM instance_keys WHERE name = $1", (name,))
        .await
}
