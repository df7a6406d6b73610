//! Organisations and the memberships that give accounts their roles.

use alongside_domain::{AccountId, OrganisationId, Role};
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::{Db, DbError, DbResult, Tx, on_db, on_tx};

/// A stored organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// Its id.
    pub id: OrganisationId,
    /// Its name.
    pub name: String,
    /// Its short name for public links.
    pub slug: String,
}

#[derive(sqlx::FromRow)]
struct OrganisationRow {
    id: OrganisationId,
    name: String,
    slug: String,
}

impl TryFrom<OrganisationRow> for Organisation {
    type Error = DbError;
    fn try_from(row: OrganisationRow) -> DbResult<Self> {
        Ok(Self {
            id: row.id,
            name: row.name,
            slug: row.slug,
        })
    }
}

/// A member of an organisation, as listed to its admins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The member's account.
    pub account_id: AccountId,
    /// Name shown to others.
    pub display_name: String,
    /// Sign-in address.
    pub email: String,
    /// Role in this organisation.
    pub role: Role,
    /// Whether they are suspended (kept, but unable to act).
    pub suspended: bool,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    account_id: AccountId,
    display_name: String,
    email: String,
    role: String,
    suspended: bool,
}

impl TryFrom<MemberRow> for Member {
    type Error = DbError;
    fn try_from(row: MemberRow) -> DbResult<Self> {
        Ok(Self {
            account_id: row.account_id,
            display_name: row.display_name,
            email: row.email,
            role: row
                .role
                .parse()
                .map_err(|e| DbError::corrupt("membership", e))?,
            suspended: row.suspended,
        })
    }
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    #[sqlx(flatten)]
    organisation: OrganisationRow,
    role: String,
}

/// Creates an organisation; a taken slug gets a number added.
#[instrument(skip_all)]
pub async fn create(
    tx: &mut Tx,
    name: &str,
    slug: &str,
    now: DateTime<Utc>,
) -> DbResult<Organisation> {
    let id = OrganisationId::new();
    let mut candidate = slug.to_owned();
    for n in 2..100 {
        let taken: Option<String> = on_tx!(tx, |c| sqlx::query_scalar(
            "SELECT id FROM organisations WHERE slug = $1"
        )
        .bind(&candidate)
        .fetch_optional(c)
        .await)?;
        if taken.is_none() {
            break;
        }
        candidate = format!("{slug}-{n}");
    }
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO organisations (id, name, slug, created_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(id)
    .bind(name)
    .bind(&candidate)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| DbError::from(e).unique_as("an organisation with this short name exists"))?;
    Ok(Organisation {
        id,
        name: name.to_owned(),
        slug: candidate,
    })
}

/// The organisation with this id.
#[instrument(skip_all)]
pub async fn find(db: &Db, id: OrganisationId) -> DbResult<Organisation> {
    let row: OrganisationRow = on_db!(db, |p| sqlx::query_as(
        "SELECT id, name, slug FROM organisations WHERE id = $1"
    )
    .bind(id)
    .fetch_one(p)
    .await)?;
    row.try_into()
}

/// The organisation with this short name, if any.
#[instrument(skip_all)]
pub async fn find_by_slug(db: &Db, slug: &str) -> DbResult<Option<Organisation>> {
    let row: Option<OrganisationRow> = on_db!(db, |p| sqlx::query_as(
        "SELECT id, name, slug FROM organisations WHERE slug = $1"
    )
    .bind(slug)
    .fetch_optional(p)
    .await)?;
    row.map(Organisation::try_from).transpose()
}

/// How many organisations exist (zero on a new database).
#[instrument(skip_all)]
pub async fn count(db: &Db) -> DbResult<i64> {
    let n: i64 = on_db!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM organisations"
    )
    .fetch_one(p)
    .await)?;
    Ok(n)
}

/// Gives an account a role in an organisation, replacing any role it had there.
#[instrument(skip_all)]
pub async fn add_member(
    tx: &mut Tx,
    organisation: OrganisationId,
    account: AccountId,
    role: Role,
    now: DateTime<Utc>,
) -> DbResult<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO memberships (account_id, organisation_id, role, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, organisation_id) DO UPDATE SET role = excluded.role"
    )
    .bind(account)
    .bind(organisation)
    .bind(role.as_str())
    .bind(now)
    .execute(c)
    .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// The members of an organisation, by name.
#[instrument(skip_all)]
pub async fn members(db: &Db, organisation: OrganisationId) -> DbResult<Vec<Member>> {
    let rows: Vec<MemberRow> = on_db!(db, |p| sqlx::query_as(
        "SELECT a.id AS account_id, a.display_name, a.email, m.role,
                m.suspended_at IS NOT NULL AS suspended
         FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE m.organisation_id = $1 ORDER BY lower(a.display_name), a.email"
    )
    .bind(organisation)
    .fetch_all(p)
    .await)?;
    rows.into_iter().map(Member::try_from).collect()
}

/// The organisations an account belongs to, with its role in each, first joined first.
#[instrument(skip_all)]
pub async fn memberships_of(db: &Db, account: AccountId) -> DbResult<Vec<(Organisation, Role)>> {
    let rows: Vec<MembershipRow> = on_db!(db, |p| {
        sqlx::query_as(
        "SELECT o.id, o.name, o.slug, m.role FROM memberships m JOIN organisations o ON o.id = m.organisation_id
         WHERE m.account_id = $1 AND m.suspended_at IS NULL ORDER BY m.created_at, o.name"
    )
    .bind(account)
    .fetch_all(p)
    .await
    })?;
    rows.into_iter()
        .map(|row| {
            let organisation = Organisation::try_from(row.organisation)?;
            let role = row
                .role
                .parse()
                .map_err(|e| DbError::corrupt("membership", e))?;
            Ok((organisation, role))
        })
        .collect()
}
