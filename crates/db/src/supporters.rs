//! Peer supporters' records, within one organisation.

use alongside_domain::supporter::{SupporterDetails, SupporterStatus};
use alongside_domain::{OrganisationId, SupporterId};
use chrono::{DateTime, NaiveDate, Utc};
use tracing::instrument;

use crate::query::{Group, Params, Run};
use crate::{Db, DbError, DbResult, Tx};

/// A supporter as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supporter {
    /// The record's id.
    pub id: SupporterId,
    /// Their details.
    pub details: SupporterDetails,
    /// Where they stand.
    pub status: SupporterStatus,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: SupporterId,
    name: String,
    email: Option<String>,
    phone: String,
    gender: String,
    age_band: String,
    languages: String,
    conditions: String,
    lived_experience: String,
    interests: String,
    availability: String,
    channels: String,
    postcode: String,
    travel_miles: i64,
    capacity: i64,
    checks_valid_until: Option<NaiveDate>,
    training: String,
    status: String,
    updated_at: DateTime<Utc>,
}

fn list_of(json: &str) -> DbResult<Vec<String>> {
    serde_json::from_str(json).map_err(|e| DbError::corrupt("supporter", e))
}

fn json(items: impl IntoIterator<Item = String>) -> String {
    serde_json::Value::from(items.into_iter().collect::<Vec<_>>()).to_string()
}

impl TryFrom<Row> for Supporter {
    type Error = DbError;

    fn try_from(row: Row) -> DbResult<Self> {
        // The stored row goes back through the domain's validation: a row
        // that breaks a rule is reported, never used.
        let input = alongside_domain::supporter::SupporterInput {
            name: row.name,
            email: row.email.unwrap_or_default(),
            phone: row.phone,
            gender: row.gender,
            age_band: row.age_band,
            languages: list_of(&row.languages)?.join("\n"),
            conditions: list_of(&row.conditions)?.join("\n"),
            lived_experience: list_of(&row.lived_experience)?.join("\n"),
            interests: list_of(&row.interests)?.join("\n"),
            availability: list_of(&row.availability)?,
            channels: list_of(&row.channels)?,
            postcode: row.postcode,
            travel_miles: row.travel_miles.to_string(),
            capacity: row.capacity.to_string(),
            checks_valid_until: row
                .checks_valid_until
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            training: list_of(&row.training)?.join("\n"),
        };
        let details =
            SupporterDetails::validate(&input).map_err(|e| DbError::corrupt("supporter", e))?;
        Ok(Self {
            id: row.id,
            details,
            status: row
                .status
                .parse()
                .map_err(|e: &str| DbError::corrupt("supporter", e))?,
            updated_at: row.updated_at,
        })
    }
}

const SELECT: &str = "SELECT id, name, email, phone, gender, age_band, languages, conditions, lived_experience, interests,
        availability, channels, postcode, travel_miles, capacity, checks_valid_until, training, status, updated_at
     FROM supporters";

/// A supporter's details as the columns `name` to `training` in [`SELECT`]'s
/// order, as the insert and the update write them.
fn detail_values(details: &SupporterDetails) -> Group<impl Params<'_>> {
    Group((
        &details.name,
        details.email.as_ref().map(|e| e.as_str().to_owned()),
        &details.phone,
        details.gender.as_str(),
        details.age_band.as_str(),
        json(details.languages.clone()),
        json(details.conditions.clone()),
        json(details.lived_experience.clone()),
        json(details.interests.clone()),
        json(details.availability.iter().map(|s| s.as_string())),
        json(details.channels.iter().map(|c| c.as_str().to_owned())),
        details.postcode.as_str(),
        i64::from(details.travel_miles),
        i64::from(details.capacity),
        details.checks_valid_until,
        json(details.training.clone()),
    ))
}

/// Stores a new, active supporter.
#[instrument(skip_all)]
pub async fn create(
    tx: &mut Tx,
    organisation: OrganisationId,
    details: &SupporterDetails,
    now: DateTime<Utc>,
) -> DbResult<SupporterId> {
    let id = SupporterId::new();
    tx.execute(
        "INSERT INTO supporters (id, organisation_id, name, email, phone, gender, age_band, languages, conditions,
            lived_experience, interests, availability, channels, postcode, travel_miles, capacity, checks_valid_until,
            training, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)",
        (
            id,
            organisation,
            detail_values(details),
            SupporterStatus::Active.as_str(),
            now,
        ),
    )
    .await?;
    Ok(id)
}

/// Replaces a supporter's details.
#[instrument(skip_all)]
pub async fn update(
    tx: &mut Tx,
    organisation: OrganisationId,
    id: SupporterId,
    details: &SupporterDetails,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.change(
        "UPDATE supporters SET name = $1, email = $2, phone = $3, gender = $4, age_band = $5, languages = $6,
            conditions = $7, lived_experience = $8, interests = $9, availability = $10, channels = $11, postcode = $12,
            travel_miles = $13, capacity = $14, checks_valid_until = $15, training = $16, updated_at = $17
         WHERE id = $18 AND organisation_id = $19",
        (detail_values(details), now, id, organisation),
    )
    .await
}

/// Sets a supporter's status (already checked by the domain).
#[instrument(skip_all)]
pub async fn set_status(
    tx: &mut Tx,
    organisation: OrganisationId,
    id: SupporterId,
    status: SupporterStatus,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.change(
        "UPDATE supporters SET status = $1, updated_at = $2 WHERE id = $3 AND organisation_id = $4",
        (status.as_str(), now, id, organisation),
    )
    .await
}

/// One supporter of the organisation.
#[instrument(skip_all)]
pub async fn find(db: &Db, organisation: OrganisationId, id: SupporterId) -> DbResult<Supporter> {
    let sql = format!("{SELECT} WHERE id = $1 AND organisation_id = $2");
    let row: Row = db.fetch_one(&sql, (id, organisation)).await?;
    row.try_into()
}

/// The status of a supporter, read inside a transaction before a change.
#[instrument(skip_all)]
pub async fn status_in(
    tx: &mut Tx,
    organisation: OrganisationId,
    id: SupporterId,
) -> DbResult<SupporterStatus> {
    let status: String = tx
        .scalar(
            "SELECT status FROM supporters WHERE id = $1 AND organisation_id = $2",
            (id, organisation),
        )
        .await?;
    status
        .parse()
        .map_err(|e: &str| DbError::corrupt("supporter", e))
}

/// The organisation's supporters by name; those who left only when asked.
#[instrument(skip_all)]
pub async fn list(
    db: &Db,
    organisation: OrganisationId,
    with_left: bool,
) -> DbResult<Vec<Supporter>> {
    let sql = format!(
        "{SELECT} WHERE organisation_id = $1 AND (status <> 'left' OR $2) ORDER BY LOWER(name), id"
    );
    let rows: Vec<Row> = db.fetch_all(&sql, (organisation, with_left)).await?;
    rows.into_iter().map(Supporter::try_from).collect()
}
