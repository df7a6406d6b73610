//! A member of staff's place in an organisation: their role, suspension,
//! removal, and the end of their open sessions and API tokens.

use alongside_domain::{AccountId, OrganisationId, Role};
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::query::Run;
use crate::{DbError, DbResult, Tx};

/// A member's standing, read inside the transaction that changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    /// Their role.
    pub role: Role,
    /// Whether they are suspended.
    pub suspended: bool,
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    role: String,
    suspended: bool,
}

/// Takes the organisation's staff for this transaction: another
/// transaction changing the same staff waits until this one ends, so a
/// rule read here (how many admins are left) still holds at commit. On
/// PostgreSQL this locks the organisation's row; on SQLite it takes the
/// database's write lock.
#[instrument(skip_all)]
pub async fn lock_staff(tx: &mut Tx, organisation: OrganisationId) -> DbResult<()> {
    tx.change(
        "UPDATE organisations SET name = name WHERE id = $1",
        (organisation,),
    )
    .await
}

/// The membership of `account` in `organisation`; another organisation's
/// member is not found.
#[instrument(skip_all)]
pub async fn find_in(
    tx: &mut Tx,
    organisation: OrganisationId,
    account: AccountId,
) -> DbResult<Membership> {
    let row: MembershipRow = tx
        .fetch_one(
            "SELECT role, suspended_at IS NOT NULL AS suspended FROM memberships
             WHERE account_id = $1 AND organisation_id = $2",
            (account, organisation),
        )
        .await?;
    Ok(Membership {
        role: row
            .role
            .parse()
            .map_err(|e| DbError::corrupt("membership", e))?,
        suspended: row.suspended,
    })
}

/// Admins of the organisation who are not suspended.
#[instrument(skip_all)]
pub async fn active_admins(tx: &mut Tx, organisation: OrganisationId) -> DbResult<u32> {
    let n: i64 = tx
        .scalar(
            "SELECT COUNT(*) FROM memberships
             WHERE organisation_id = $1 AND role = $2 AND suspended_at IS NULL",
            (organisation, Role::Admin.as_str()),
        )
        .await?;
    u32::try_from(n).map_err(|e| DbError::corrupt("membership", e))
}

/// Gives a member another role.
#[instrument(skip_all)]
pub async fn set_role(
    tx: &mut Tx,
    organisation: OrganisationId,
    account: AccountId,
    role: Role,
) -> DbResult<()> {
    tx.change(
        "UPDATE memberships SET role = $3 WHERE account_id = $1 AND organisation_id = $2",
        (account, organisation, role.as_str()),
    )
    .await
}

/// Suspends a member from `since`, or reinstates them (`None`).
#[instrument(skip_all)]
pub async fn set_suspended(
    tx: &mut Tx,
    organisation: OrganisationId,
    account: AccountId,
    since: Option<DateTime<Utc>>,
) -> DbResult<()> {
    tx.change(
        "UPDATE memberships SET suspended_at = $3 WHERE account_id = $1 AND organisation_id = $2",
        (account, organisation, since),
    )
    .await
}

/// Takes a member off the organisation's staff. Their account, and what
/// the audit log says they did, stay.
#[instrument(skip_all)]
pub async fn remove(tx: &mut Tx, organisation: OrganisationId, account: AccountId) -> DbResult<()> {
    tx.change(
        "DELETE FROM memberships WHERE account_id = $1 AND organisation_id = $2",
        (account, organisation),
    )
    .await
}

/// Ends a member's access to the organisation now: every open session is
/// deleted and every API token revoked. Returns how many of each.
#[instrument(skip_all)]
pub async fn end_access(
    tx: &mut Tx,
    organisation: OrganisationId,
    account: AccountId,
    now: DateTime<Utc>,
) -> DbResult<(u64, u64)> {
    let sessions = tx
        .execute(
            "DELETE FROM sessions WHERE account_id = $1 AND organisation_id = $2",
            (account, organisation),
        )
        .await?;
    let tokens = tx
        .execute(
            "UPDATE api_tokens SET revoked_at = $3
             WHERE account_id = $1 AND organisation_id = $2 AND revoked_at IS NULL",
            (account, organisation, now),
        )
        .await?;
    Ok((sessions, tokens))
}
