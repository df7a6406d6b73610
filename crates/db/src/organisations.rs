//! Organisations and the memberships that give accounts their roles.

use alongside_domain::{AccountId, OrganisationId, Role};
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::query::Run;
use crate::{Db, DbError, DbResult, Tx};

/// A stored organisation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Organisation {
    /// Its id.
    pub id: OrganisationId,
    /// Its name.
    pub name: String,
    /// Its short name for public links.
    pub slug: String,
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
    organisation: Organisation,
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
        let taken: Option<String> = tx
            .optional_scalar(
                "SELECT id FROM organisations WHERE slug = $1",
                (&candidate,),
            )
            .await?;
        if taken.is_none() {
            break;
        }
        candidate = format!("{slug}-{n}");
    }
    tx.execute(
        "INSERT INTO organisations (id, name, slug, created_at) VALUES ($1, $2, $3, $4)",
        (id, name, &candidate, now),
    )
    .await
    .map_err(|e| e.unique_as("an organisation with this short name exists"))?;
    Ok(Organisation {
        id,
        name: name.to_owned(),
        slug: candidate,
    })
}

/// The organisation with this id.
#[instrument(skip_all)]
pub async fn find(db: &Db, id: OrganisationId) -> DbResult<Organisation> {
    db.fetch_one(
        "SELECT id, name, slug FROM organisations WHERE id = $1",
        (id,),
    )
    .await
}

/// The organisation with this short name, if any.
#[instrument(skip_all)]
pub async fn find_by_slug(db: &Db, slug: &str) -> DbResult<Option<Organisation>> {
    db.fetch_optional(
        "SELECT id, name, slug FROM organisations WHERE slug = $1",
        (slug,),
    )
    .await
}

/// How many organisations exist (zero on a new database).
#[instrument(skip_all)]
pub async fn count(db: &Db) -> DbResult<i64> {
    db.scalar("SELECT COUNT(*) FROM organisations", ()).await
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
    tx.execute(
        "INSERT INTO memberships (account_id, organisation_id, role, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, organisation_id) DO UPDATE SET role = excluded.role",
        (account, organisation, role.as_str(), now),
    )
    .await?;
    Ok(())
}

/// The members of an organisation, by name.
#[instrument(skip_all)]
pub async fn members(db: &Db, organisation: OrganisationId) -> DbResult<Vec<Member>> {
    let rows: Vec<MemberRow> = db
        .fetch_all(
            "SELECT a.id AS account_id, a.display_name, a.email, m.role,
                    m.suspended_at IS NOT NULL AS suspended
             FROM memberships m JOIN accounts a ON a.id = m.account_id
             WHERE m.organisation_id = $1 ORDER BY lower(a.display_name), a.email",
            (organisation,),
        )
        .await?;
    rows.into_iter().map(Member::try_from).collect()
}

/// The organisations an account belongs to, with its role in each, first joined first.
#[instrument(skip_all)]
pub async fn memberships_of(db: &Db, account: AccountId) -> DbResult<Vec<(Organisation, Role)>> {
    let rows: Vec<MembershipRow> = db
        .fetch_all(
            "SELECT o.id, o.name, o.slug, m.role FROM memberships m JOIN organisations o ON o.id = m.organisation_id
             WHERE m.account_id = $1 AND m.suspended_at IS NULL ORDER BY m.created_at, o.name",
            (account,),
        )
        .await?;
    rows.into_iter()
        .map(|row| {
            let role = row
                .role
                .parse()
                .map_err(|e| DbError::corrupt("membership", e))?;
            Ok((row.organisation, role))
        })
        .collect()
}
