//! People and their referrals, within one organisation.

use alongside_domain::referral::{DeclineReason, ReferralSource, ReferralStatus, SelfReferral};
use alongside_domain::{AccountId, OrganisationId, ProgrammeId};
use chrono::{DateTime, NaiveDate, Utc};
use tracing::instrument;
use uuid::Uuid;

use crate::{Db, DbError, DbResult, Tx, on_db, on_tx, parse_id};

/// A referral as the coordinator's queue lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    /// The referral's id.
    pub id: Uuid,
    /// The reference given to the person.
    pub reference: String,
    /// The person's name.
    pub name: String,
    /// Who referred.
    pub source: ReferralSource,
    /// Where it stands.
    pub status: ReferralStatus,
    /// The programme it was accepted onto, if any.
    pub programme_name: Option<String>,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// Whether the person agreed to be contacted.
    pub consent_contact: bool,
}

/// One referral with the person's details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRecord {
    /// The queue's view of it.
    pub summary: QueueEntry,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Postcode.
    pub postcode: String,
    /// Phone.
    pub phone: String,
    /// Email.
    pub email: Option<String>,
    /// Conditions, in the person's words.
    pub conditions: String,
    /// What would help, in the person's words.
    pub support_wanted: String,
    /// The programme it was accepted onto, if any.
    pub programme_id: Option<ProgrammeId>,
    /// Why it was declined, if it was.
    pub decline_reason: Option<DeclineReason>,
}

/// One step of a referral's history.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReferralEventRecord {
    /// The status reached.
    pub status: String,
    /// Who, by name; none for the person themself.
    pub actor_name: Option<String>,
    /// Why, or what was decided.
    pub note: String,
    /// When.
    pub occurred_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    reference: String,
    given_name: String,
    family_name: String,
    source: String,
    status: String,
    programme_name: Option<String>,
    received_at: DateTime<Utc>,
    consent_contact: bool,
    date_of_birth: NaiveDate,
    postcode: String,
    phone: String,
    email: Option<String>,
    conditions: String,
    support_wanted: String,
    programme_id: Option<String>,
    decline_reason: Option<String>,
}

impl TryFrom<Row> for ReferralRecord {
    type Error = DbError;
    fn try_from(row: Row) -> DbResult<Self> {
        let bad = |e: &str| DbError::corrupt("referral", e);
        Ok(Self {
            summary: QueueEntry {
                id: parse_id("referral", &row.id)?,
                reference: row.reference,
                name: format!("{} {}", row.given_name, row.family_name),
                source: row.source.parse().map_err(bad)?,
                status: row.status.parse().map_err(bad)?,
                programme_name: row.programme_name,
                received_at: row.received_at,
                consent_contact: row.consent_contact,
            },
            date_of_birth: row.date_of_birth,
            postcode: row.postcode,
            phone: row.phone,
            email: row.email,
            conditions: row.conditions,
            support_wanted: row.support_wanted,
            programme_id: row
                .programme_id
                .as_deref()
                .map(|p| parse_id("referral", p))
                .transpose()?,
            decline_reason: row
                .decline_reason
                .as_deref()
                .map(|r| {
                    DeclineReason::ALL
                        .into_iter()
                        .find(|d| d.as_str() == r)
                        .ok_or_else(|| bad("unknown decline reason"))
                })
                .transpose()?,
        })
    }
}

const SELECT: &str = "SELECT r.id, r.reference, p.given_name, p.family_name, r.source, r.status, g.name AS programme_name,
        r.received_at, r.consent_contact, p.date_of_birth, p.postcode, p.phone, p.email, p.conditions, r.support_wanted,
        r.programme_id, r.decline_reason
     FROM referrals r JOIN people p ON p.id = r.person_id LEFT JOIN programmes g ON g.id = r.programme_id";

/// Stores a self-referral: the person, the referral (received) and its first event.
#[instrument(skip_all)]
pub async fn create_self_referral(
    tx: &mut Tx,
    organisation: OrganisationId,
    referral: &SelfReferral,
    reference: &str,
    now: DateTime<Utc>,
) -> DbResult<Uuid> {
    let person = Uuid::new_v4();
    let id = Uuid::new_v4();
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO people (id, organisation_id, given_name, family_name, date_of_birth, postcode, phone, email, conditions, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )
    .bind(person.to_string())
    .bind(organisation.to_string())
    .bind(&referral.given_name)
    .bind(&referral.family_name)
    .bind(referral.date_of_birth)
    .bind(referral.postcode.as_str())
    .bind(&referral.phone)
    .bind(referral.email.as_ref().map(|e| e.as_str().to_owned()))
    .bind(&referral.conditions)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO referrals (id, organisation_id, reference, person_id, source, status, support_wanted, consent_store, consent_contact, received_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)"
    )
    .bind(id.to_string())
    .bind(organisation.to_string())
    .bind(reference)
    .bind(person.to_string())
    .bind(ReferralSource::SelfReferral.as_str())
    .bind(ReferralStatus::Received.as_str())
    .bind(&referral.support_wanted)
    .bind(true)
    .bind(referral.consent_contact)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| DbError::from(e).unique_as("this reference is taken"))?;
    add_event(
        tx,
        organisation,
        id,
        ReferralStatus::Received,
        None,
        "referred themself online",
        now,
    )
    .await?;
    Ok(id)
}

async fn add_event(
    tx: &mut Tx,
    organisation: OrganisationId,
    referral: Uuid,
    status: ReferralStatus,
    actor: Option<AccountId>,
    note: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO referral_events (referral_id, organisation_id, status, actor_account_id, note, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(referral.to_string())
    .bind(organisation.to_string())
    .bind(status.as_str())
    .bind(actor.map(|a| a.to_string()))
    .bind(note)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// The organisation's referrals with the given statuses, oldest first.
#[instrument(skip_all)]
pub async fn queue(
    db: &Db,
    organisation: OrganisationId,
    statuses: &[ReferralStatus],
) -> DbResult<Vec<QueueEntry>> {
    if statuses.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..statuses.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "{SELECT} WHERE r.organisation_id = $1 AND r.status IN ({}) ORDER BY r.received_at, r.reference",
        placeholders.join(", ")
    );
    let rows: Vec<Row> = on_db!(db, |p| {
        let mut query = sqlx::query_as(&sql).bind(organisation.to_string());
        for status in statuses {
            query = query.bind(status.as_str());
        }
        query.fetch_all(p).await
    })?;
    rows.into_iter()
        .map(|row| ReferralRecord::try_from(row).map(|r| r.summary))
        .collect()
}

/// One referral of the organisation; another organisation's is not found.
#[instrument(skip_all)]
pub async fn find(db: &Db, organisation: OrganisationId, id: Uuid) -> DbResult<ReferralRecord> {
    let sql = format!("{SELECT} WHERE r.id = $1 AND r.organisation_id = $2");
    let row: Row = on_db!(db, |p| sqlx::query_as(&sql)
        .bind(id.to_string())
        .bind(organisation.to_string())
        .fetch_one(p)
        .await)?;
    row.try_into()
}

/// [`find`] inside a transaction, to read before a change.
#[instrument(skip_all)]
pub async fn find_in(
    tx: &mut Tx,
    organisation: OrganisationId,
    id: Uuid,
) -> DbResult<ReferralRecord> {
    let sql = format!("{SELECT} WHERE r.id = $1 AND r.organisation_id = $2");
    let row: Row = on_tx!(tx, |c| sqlx::query_as(&sql)
        .bind(id.to_string())
        .bind(organisation.to_string())
        .fetch_one(c)
        .await)?;
    row.try_into()
}

/// The history of a referral, oldest first.
#[instrument(skip_all)]
pub async fn history(
    db: &Db,
    organisation: OrganisationId,
    id: Uuid,
) -> DbResult<Vec<ReferralEventRecord>> {
    let rows = on_db!(db, |p| {
        sqlx::query_as(
        "SELECT e.status, a.display_name AS actor_name, e.note, e.occurred_at FROM referral_events e
         LEFT JOIN accounts a ON a.id = e.actor_account_id
         WHERE e.referral_id = $1 AND e.organisation_id = $2 ORDER BY e.id"
    )
    .bind(id.to_string())
    .bind(organisation.to_string())
    .fetch_all(p)
    .await
    })?;
    Ok(rows)
}

/// A status reached through the domain's state machine, with what was decided.
#[derive(Debug, Clone, Copy)]
pub struct StatusChange<'a> {
    /// The new status.
    pub status: ReferralStatus,
    /// The programme accepted onto (kept when not given).
    pub programme: Option<ProgrammeId>,
    /// The reason for declining.
    pub decline_reason: Option<DeclineReason>,
    /// Who decided.
    pub actor: AccountId,
    /// What was decided, in words, for the history.
    pub note: &'a str,
}

/// Stores a status change and its history entry.
#[instrument(skip_all)]
pub async fn change_status(
    tx: &mut Tx,
    organisation: OrganisationId,
    id: Uuid,
    change: StatusChange<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let done = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE referrals SET status = $1, programme_id = COALESCE($2, programme_id), decline_reason = COALESCE($3, decline_reason), updated_at = $4
         WHERE id = $5 AND organisation_id = $6"
    )
    .bind(change.status.as_str())
    .bind(change.programme.map(|p| p.to_string()))
    .bind(change.decline_reason.map(DeclineReason::as_str))
    .bind(now)
    .bind(id.to_string())
    .bind(organisation.to_string())
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if done == 0 {
        return Err(DbError::NotFound);
    }
    add_event(
        tx,
        organisation,
        id,
        change.status,
        Some(change.actor),
        change.note,
        now,
    )
    .await
}
