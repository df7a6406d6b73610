//! Programmes, always read and written within one organisation.

use alongside_domain::costs::{Money, ProgrammeCosts};
use alongside_domain::programme::{Programme, ProgrammeDetails, ProgrammeStatus};
use alongside_domain::{OrganisationId, ProgrammeId};
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::query::{Group, Params, Run};
use crate::{Db, DbError, DbResult, Tx};

#[derive(sqlx::FromRow)]
struct ProgrammeRow {
    id: ProgrammeId,
    organisation_id: OrganisationId,
    name: String,
    description: String,
    model: String,
    setting: String,
    conditions: String,
    eligibility: String,
    capacity: Option<i64>,
    funding_source: String,
    contact_gap_days: i64,
    waiting_target_days: i64,
    supervision_every_weeks: i64,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ProgrammeRow> for Programme {
    type Error = DbError;
    fn try_from(row: ProgrammeRow) -> DbResult<Self> {
        let bad = |reason: String| DbError::corrupt("programme", reason);
        let conditions: Vec<String> =
            serde_json::from_str(&row.conditions).map_err(|e| bad(e.to_string()))?;
        Ok(Self {
            id: row.id,
            organisation_id: row.organisation_id,
            details: ProgrammeDetails {
                name: row.name,
                description: row.description,
                model: row.model.parse().map_err(|e: &str| bad(e.into()))?,
                setting: row.setting.parse().map_err(|e: &str| bad(e.into()))?,
                conditions,
                eligibility: row.eligibility,
                capacity: row
                    .capacity
                    .map(u32::try_from)
                    .transpose()
                    .map_err(|e| bad(e.to_string()))?,
                funding_source: row.funding_source,
                contact_gap_days: u16::try_from(row.contact_gap_days)
                    .map_err(|e| bad(e.to_string()))?,
                waiting_target_days: u16::try_from(row.waiting_target_days)
                    .map_err(|e| bad(e.to_string()))?,
                supervision_every_weeks: u8::try_from(row.supervision_every_weeks)
                    .map_err(|e| bad(e.to_string()))?,
            },
            status: row.status.parse().map_err(|e: &str| bad(e.into()))?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

const COLUMNS: &str = "id, organisation_id, name, description, model, setting, conditions, eligibility, capacity, \
     funding_source, contact_gap_days, waiting_target_days, supervision_every_weeks, status, created_at, updated_at";

fn conditions_json(details: &ProgrammeDetails) -> String {
    serde_json::Value::from(details.conditions.clone()).to_string()
}

/// A programme's details as the columns `name` to `supervision_every_weeks`
/// of the insert and the update, in their order (the waiting target, added
/// later, is bound last by both).
fn detail_values(details: &ProgrammeDetails) -> Group<impl Params<'_>> {
    Group((
        &details.name,
        &details.description,
        details.model.as_str(),
        details.setting.as_str(),
        conditions_json(details),
        &details.eligibility,
        details.capacity.map(i64::from),
        &details.funding_source,
        i64::from(details.contact_gap_days),
        i64::from(details.supervision_every_weeks),
    ))
}

/// Stores a new, active programme.
#[instrument(skip_all)]
pub async fn create(
    tx: &mut Tx,
    organisation: OrganisationId,
    details: &ProgrammeDetails,
    now: DateTime<Utc>,
) -> DbResult<Programme> {
    let id = ProgrammeId::new();
    let status = ProgrammeStatus::Active;
    tx.execute(
        "INSERT INTO programmes (id, organisation_id, name, description, model, setting, conditions, eligibility, capacity,
             funding_source, contact_gap_days, supervision_every_weeks, status, created_at, updated_at, waiting_target_days)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15)",
        (
            id,
            organisation,
            detail_values(details),
            status.as_str(),
            now,
            i64::from(details.waiting_target_days),
        ),
    )
    .await?;
    Ok(Programme {
        id,
        organisation_id: organisation,
        details: details.clone(),
        status,
        created_at: now,
        updated_at: now,
    })
}

/// Replaces a programme's fields.
#[instrument(skip_all)]
pub async fn update(
    tx: &mut Tx,
    organisation: OrganisationId,
    id: ProgrammeId,
    details: &ProgrammeDetails,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.change(
        "UPDATE programmes SET name = $1, description = $2, model = $3, setting = $4, conditions = $5, eligibility = $6,
             capacity = $7, funding_source = $8, contact_gap_days = $9, supervision_every_weeks = $10, updated_at = $11,
             waiting_target_days = $14
         WHERE id = $12 AND organisation_id = $13",
        (
            detail_values(details),
            now,
            id,
            organisation,
            i64::from(details.waiting_target_days),
        ),
    )
    .await
}

/// Stores a status reached through the domain's transition.
#[instrument(skip_all)]
pub async fn set_status(
    tx: &mut Tx,
    organisation: OrganisationId,
    id: ProgrammeId,
    status: ProgrammeStatus,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.change(
        "UPDATE programmes SET status = $1, updated_at = $2 WHERE id = $3 AND organisation_id = $4",
        (status.as_str(), now, id, organisation),
    )
    .await
}

/// Reads one programme of the organisation by its id, as `$1`, and the
/// organisation, as `$2`.
fn find_sql() -> String {
    format!("SELECT {COLUMNS} FROM programmes WHERE id = $1 AND organisation_id = $2")
}

/// One programme of the organisation; another organisation's is not found.
#[instrument(skip_all)]
pub async fn find(db: &Db, organisation: OrganisationId, id: ProgrammeId) -> DbResult<Programme> {
    let row: ProgrammeRow = db.fetch_one(&find_sql(), (id, organisation)).await?;
    row.try_into()
}

/// [`find`] inside a transaction, to read before a change.
#[instrument(skip_all)]
pub async fn find_in(
    tx: &mut Tx,
    organisation: OrganisationId,
    id: ProgrammeId,
) -> DbResult<Programme> {
    let row: ProgrammeRow = tx.fetch_one(&find_sql(), (id, organisation)).await?;
    row.try_into()
}

/// The organisation's programmes by name; archived ones only if asked for.
#[instrument(skip_all)]
pub async fn list(
    db: &Db,
    organisation: OrganisationId,
    include_archived: bool,
) -> DbResult<Vec<Programme>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM programmes WHERE organisation_id = $1 AND (status = 'active' OR $2) ORDER BY lower(name), id"
    );
    let rows: Vec<ProgrammeRow> = db.fetch_all(&sql, (organisation, include_archived)).await?;
    rows.into_iter().map(Programme::try_from).collect()
}

#[derive(sqlx::FromRow)]
struct CostRow {
    funding_pence: Option<i64>,
    volunteer_hours: i64,
    volunteer_hour_value_pence: Option<i64>,
}

impl TryFrom<CostRow> for ProgrammeCosts {
    type Error = DbError;

    fn try_from(row: CostRow) -> DbResult<Self> {
        let money = |pence: Option<i64>| {
            pence
                .map(|p| u64::try_from(p).map(Money::from_pence))
                .transpose()
                .map_err(|e| DbError::corrupt("programme costs", e))
        };
        Ok(Self {
            funding: money(row.funding_pence)?,
            volunteer_hours: u32::try_from(row.volunteer_hours)
                .map_err(|e| DbError::corrupt("programme costs", e))?,
            hour_value: money(row.volunteer_hour_value_pence)?,
        })
    }
}

fn pence(money: Option<Money>) -> DbResult<Option<i64>> {
    money
        .map(|m| i64::try_from(m.pence()))
        .transpose()
        .map_err(|e| DbError::corrupt("programme costs", e))
}

/// A programme's costs.
#[instrument(skip_all)]
pub async fn costs(
    db: &Db,
    organisation: OrganisationId,
    programme: ProgrammeId,
) -> DbResult<ProgrammeCosts> {
    let row: CostRow = db
        .fetch_one(
            "SELECT funding_pence, CAST(volunteer_hours AS BIGINT) AS volunteer_hours, volunteer_hour_value_pence
             FROM programmes WHERE id = $1 AND organisation_id = $2",
            (programme, organisation),
        )
        .await?;
    row.try_into()
}

/// Stores a programme's costs.
#[instrument(skip_all)]
pub async fn set_costs(
    tx: &mut Tx,
    organisation: OrganisationId,
    programme: ProgrammeId,
    costs: &ProgrammeCosts,
) -> DbResult<()> {
    let (funding, value) = (pence(costs.funding)?, pence(costs.hour_value)?);
    let hours = i64::from(costs.volunteer_hours);
    tx.change(
        "UPDATE programmes SET funding_pence = $1, volunteer_hours = $2, volunteer_hour_value_pence = $3
         WHERE id = $4 AND organisation_id = $5",
        (funding, hours, value, programme, organisation),
    )
    .await
}

/// A funded programme's costs and the people it has supported (placed at
/// some time), for the cost per person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostFact {
    /// The programme.
    pub programme_id: ProgrammeId,
    /// Its costs.
    pub costs: ProgrammeCosts,
    /// People it has supported.
    pub people_supported: u64,
}

#[derive(sqlx::FromRow)]
struct CostFactRow {
    id: ProgrammeId,
    #[sqlx(flatten)]
    costs: CostRow,
    people_supported: i64,
}

impl TryFrom<CostFactRow> for CostFact {
    type Error = DbError;

    fn try_from(row: CostFactRow) -> DbResult<Self> {
        Ok(Self {
            programme_id: row.id,
            costs: row.costs.try_into()?,
            people_supported: u64::try_from(row.people_supported)
                .map_err(|e| DbError::corrupt("programme costs", e))?,
        })
    }
}

/// The costs of the organisation's programmes with funding recorded, or of
/// one programme: one query.
#[instrument(skip_all)]
pub async fn cost_facts(
    db: &Db,
    organisation: OrganisationId,
    programme: Option<ProgrammeId>,
) -> DbResult<Vec<CostFact>> {
    let rows: Vec<CostFactRow> = db
        .fetch_all(
            "SELECT g.id, g.funding_pence, CAST(g.volunteer_hours AS BIGINT) AS volunteer_hours, g.volunteer_hour_value_pence,
                    (SELECT COUNT(*) FROM referrals r JOIN referral_moments m ON m.referral_id = r.id
                       WHERE r.programme_id = g.id AND m.placed_at IS NOT NULL) AS people_supported
             FROM programmes g
             WHERE g.organisation_id = $1 AND g.funding_pence IS NOT NULL AND ($2 IS NULL OR g.id = $2)
             ORDER BY g.created_at, g.id",
            (organisation, programme),
        )
        .await?;
    rows.into_iter().map(CostFact::try_from).collect()
}
