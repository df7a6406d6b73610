//! Questionnaires an organisation brings itself, stored as the FHIR
//! Questionnaire they came as (the web layer reads and writes that form).

use alongside_domain::{AccountId, OrganisationId};
use chrono::{DateTime, Utc};
use tracing::instrument;
use uuid::Uuid;

use crate::{Db, DbError, DbResult, Tx, UuidText, on_db, on_tx};

/// A stored questionnaire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Its id.
    pub id: Uuid,
    /// Its title.
    pub title: String,
    /// The FHIR Questionnaire, as JSON.
    pub definition: String,
    /// Whether it can be chosen for programmes.
    pub active: bool,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

/// Stores a new questionnaire.
///
/// # Errors
/// [`DbError::Conflict`] when the organisation has one with this title.
#[instrument(skip_all)]
pub async fn create(
    tx: &mut Tx,
    organisation: OrganisationId,
    id: Uuid,
    title: &str,
    definition: &str,
    by: Option<AccountId>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO questionnaires (id, organisation_id, title, definition, status, created_by, created_at)
             VALUES ($1, $2, $3, $4, 'active', $5, $6)",
        )
        .bind(UuidText(id))
        .bind(organisation)
        .bind(title)
        .bind(definition)
        .bind(by)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })
    .map_err(|e| {
        DbError::from(e).unique_as("There is a questionnaire with this title already")
    })?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: UuidText,
    title: String,
    definition: String,
    status: String,
    created_at: DateTime<Utc>,
}

impl From<Row> for Stored {
    fn from(row: Row) -> Self {
        Self {
            id: row.id.into(),
            title: row.title,
            definition: row.definition,
            active: row.status == "active",
            created_at: row.created_at,
        }
    }
}

/// The organisation's questionnaires, by title.
#[instrument(skip_all)]
pub async fn list(db: &Db, organisation: OrganisationId) -> DbResult<Vec<Stored>> {
    let rows: Vec<Row> = on_db!(db, |p| {
        sqlx::query_as(
            "SELECT id, title, definition, status, created_at FROM questionnaires
             WHERE organisation_id = $1 ORDER BY title",
        )
        .bind(organisation)
        .fetch_all(p)
        .await
    })?;
    Ok(rows.into_iter().map(Stored::from).collect())
}

/// One questionnaire of the organisation.
///
/// # Errors
/// [`DbError::NotFound`] for another organisation's or none.
#[instrument(skip_all)]
pub async fn find(db: &Db, organisation: OrganisationId, id: Uuid) -> DbResult<Stored> {
    let row: Option<Row> = on_db!(db, |p| {
        sqlx::query_as(
            "SELECT id, title, definition, status, created_at FROM questionnaires
             WHERE id = $1 AND organisation_id = $2",
        )
        .bind(UuidText(id))
        .bind(organisation)
        .fetch_optional(p)
        .await
    })?;
    Ok(row.ok_or(DbError::NotFound)?.into())
}

/// Retires a questionnaire (programmes can no longer choose it) or brings
/// it back.
///
/// # Errors
/// [`DbError::NotFound`] for another organisation's or none.
#[instrument(skip_all)]
pub async fn set_active(
    tx: &mut Tx,
    organisation: OrganisationId,
    id: Uuid,
    active: bool,
) -> DbResult<()> {
    let done = on_tx!(tx, |c| {
        sqlx::query("UPDATE questionnaires SET status = $1 WHERE id = $2 AND organisation_id = $3")
            .bind(if active { "active" } else { "retired" })
            .bind(UuidText(id))
            .bind(organisation)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?;
    if done == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}
