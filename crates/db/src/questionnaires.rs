//! Questionnaires an organisation brings itself, stored as the FHIR
//! Questionnaire they came as (the web layer reads and writes that form).

use alongside_domain::{AccountId, OrganisationId};
use chrono::{DateTime, Utc};
use tracing::instrument;
use uuid::Uuid;

use crate::query::Run;
use crate::{Db, DbResult, Tx, UuidText};

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
/// [`DbError::Conflict`](crate::DbError::Conflict) when the organisation has one with this title.
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
    tx.execute(
        "INSERT INTO questionnaires (id, organisation_id, title, definition, status, created_by, created_at)
         VALUES ($1, $2, $3, $4, 'active', $5, $6)",
        (UuidText(id), organisation, title, definition, by, now),
    )
    .await
    .map_err(|e| e.unique_as("There is a questionnaire with this title already"))?;
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

const SELECT: &str = "SELECT id, title, definition, status, created_at FROM questionnaires";

/// The organisation's questionnaires, by title.
#[instrument(skip_all)]
pub async fn list(db: &Db, organisation: OrganisationId) -> DbResult<Vec<Stored>> {
    let sql = format!("{SELECT} WHERE organisation_id = $1 ORDER BY title");
    let rows: Vec<Row> = db.fetch_all(&sql, (organisation,)).await?;
    Ok(rows.into_iter().map(Stored::from).collect())
}

/// One questionnaire of the organisation.
///
/// # Errors
/// [`DbError::NotFound`](crate::DbError::NotFound) for another organisation's or none.
#[instrument(skip_all)]
pub async fn find(db: &Db, organisation: OrganisationId, id: Uuid) -> DbResult<Stored> {
    let sql = format!("{SELECT} WHERE id = $1 AND organisation_id = $2");
    let row: Row = db.fetch_one(&sql, (UuidText(id), organisation)).await?;
    Ok(row.into())
}

/// Retires a questionnaire (programmes can no longer choose it) or brings
/// it back.
///
/// # Errors
/// [`DbError::NotFound`](crate::DbError::NotFound) for another organisation's or none.
#[instrument(skip_all)]
pub async fn set_active(
    tx: &mut Tx,
    organisation: OrganisationId,
    id: Uuid,
    active: bool,
) -> DbResult<()> {
    tx.change(
        "UPDATE questionnaires SET status = $1 WHERE id = $2 AND organisation_id = $3",
        (
            if active { "active" } else { "retired" },
            UuidText(id),
            organisation,
        ),
    )
    .await
}
