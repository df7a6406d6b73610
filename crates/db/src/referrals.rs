//! Referrals and their history, within one organisation. Free text that may
//! hold sensitive details (the reason, risk information, history notes) is
//! sealed with the deployment's [`DataKey`].

use std::collections::HashMap;

use alongside_domain::consent::ConsentState;
use alongside_domain::referral::{DeclineReason, NewReferral, ReferralSource, ReferralStatus};
use alongside_domain::{AccountId, OrganisationId, ProgrammeId};
use chrono::{DateTime, Utc};
use sqlx::error::BoxDynError;
use tracing::instrument;
use uuid::Uuid;

use crate::people::{self, LikelyDuplicate, PersonRecord};
use crate::query::{Bind, Binder, Group, Run, placeholders};
use crate::sealed::DataKey;
use crate::{Db, DbError, DbResult, Tx, UuidText, uuid_texts};

/// A referral as the coordinator's queue lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    /// The referral's id.
    pub id: Uuid,
    /// The reference given to the person or referrer.
    pub reference: String,
    /// The person's id.
    pub person_id: Uuid,
    /// The person's name.
    pub name: String,
    /// Who referred.
    pub source: ReferralSource,
    /// Where it stands.
    pub status: ReferralStatus,
    /// The programme asked for or accepted onto, if any.
    pub programme_id: Option<ProgrammeId>,
    /// Its name.
    pub programme_name: Option<String>,
    /// Days the programme aims to make first contact within.
    pub waiting_target_days: u16,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// When the person was first contacted, if they have been.
    pub first_contact_at: Option<DateTime<Utc>>,
    /// When the person was placed, if they ever were.
    pub placed_at: Option<DateTime<Utc>>,
    /// When their support ended: the closure of a referral that was placed.
    pub ended_at: Option<DateTime<Utc>>,
    /// Whether the person agreed to be contacted in any way (and has not
    /// withdrawn it).
    pub may_contact: bool,
    /// Whether the referrer noted a risk.
    pub risk_noted: bool,
    /// Whether the person needs an interpreter.
    pub interpreter_needed: bool,
    /// Whether another record likely describes the same person (filled in
    /// by the queue; always false on a single referral, whose page lists
    /// the duplicates themselves).
    pub possible_duplicate: bool,
}

/// One referral with the person's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRecord {
    /// The queue's view of it.
    pub summary: QueueEntry,
    /// The person.
    pub person: PersonRecord,
    /// The reason for referral, or what the person said would help.
    pub reason: String,
    /// Its SNOMED CT code.
    pub reason_code: String,
    /// Risk information, when some was given.
    pub risk: Option<String>,
    /// The referrer's account, when they referred signed in.
    pub referrer_account_id: Option<AccountId>,
    /// Who referred, with their organisation and contact, unless self.
    pub referrer: Option<(String, String, String)>,
    /// Why it was declined, if it was.
    pub decline_reason: Option<DeclineReason>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// One step of a referral's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralEventRecord {
    /// The status reached.
    pub status: String,
    /// Who, by name; none for the person themself or an import.
    pub actor_name: Option<String>,
    /// Why, or what was decided.
    pub note: String,
    /// When.
    pub occurred_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: UuidText,
    reference: String,
    person_id: UuidText,
    given_name: String,
    family_name: String,
    source: String,
    status: String,
    programme_id: Option<ProgrammeId>,
    programme_name: Option<String>,
    waiting_target_days: Option<i64>,
    received_at: DateTime<Utc>,
    first_contact_at: Option<DateTime<Utc>>,
    placed_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    risk: Option<String>,
    interpreter_needed: bool,
    reason: String,
    reason_code: String,
    referrer_account_id: Option<AccountId>,
    referrer_name: Option<String>,
    referrer_organisation: Option<String>,
    referrer_contact: Option<String>,
    decline_reason: Option<String>,
    updated_at: DateTime<Utc>,
}

/// Days to first contact when a referral has no programme yet.
pub const DEFAULT_WAITING_TARGET_DAYS: u16 = 14;

impl Row {
    fn summary(&self, consents: &[ConsentState]) -> DbResult<QueueEntry> {
        let bad = |e: &str| DbError::corrupt("referral", e);
        Ok(QueueEntry {
            id: self.id.into(),
            reference: self.reference.clone(),
            person_id: self.person_id.into(),
            name: format!("{} {}", self.given_name, self.family_name),
            source: self.source.parse().map_err(bad)?,
            status: self.status.parse().map_err(bad)?,
            programme_id: self.programme_id,
            programme_name: self.programme_name.clone(),
            waiting_target_days: self
                .waiting_target_days
                .and_then(|d| u16::try_from(d).ok())
                .unwrap_or(DEFAULT_WAITING_TARGET_DAYS),
            received_at: self.received_at,
            first_contact_at: self.first_contact_at,
            placed_at: self.placed_at,
            ended_at: self.placed_at.and(self.closed_at),
            may_contact: alongside_domain::consent::may_contact(consents),
            risk_noted: self.risk.is_some(),
            interpreter_needed: self.interpreter_needed,
            possible_duplicate: false,
        })
    }
}

const SELECT: &str = "SELECT r.id, r.reference, r.person_id, p.given_name, p.family_name, r.source, r.status,
        r.programme_id, g.name AS programme_name, g.waiting_target_days, r.received_at, r.first_contact_at,
        m.placed_at, m.closed_at,
        r.risk, p.interpreter_needed, r.reason, r.reason_code, r.referrer_account_id, r.referrer_name,
        r.referrer_organisation, r.referrer_contact, r.decline_reason, r.updated_at
     FROM referrals r JOIN people p ON p.id = r.person_id LEFT JOIN programmes g ON g.id = r.programme_id
       JOIN referral_moments m ON m.referral_id = r.id";

/// What [`create`] made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Created {
    /// The referral.
    pub referral: Uuid,
    /// The person's new record.
    pub person: Uuid,
}

/// Who made a referral, as the history records it.
#[derive(Debug, Clone, Copy)]
pub struct Submitted<'a> {
    /// The signed-in account, if any (none for self-referral or import).
    pub by: Option<AccountId>,
    /// The first history note ("referred themself online").
    pub note: &'a str,
    /// Who recorded the consents, when someone did.
    pub consent_recorded_by: Option<AccountId>,
}

/// Stores a new referral: the person's record, conditions and consents, the
/// referral (received) and its first history entry.
///
/// # Errors
/// [`DbError::Conflict`] when the reference is taken.
#[instrument(skip_all)]
pub async fn create(
    tx: &mut Tx,
    key: &DataKey,
    organisation: OrganisationId,
    referral: &NewReferral,
    reference: &str,
    submitted: Submitted<'_>,
    now: DateTime<Utc>,
) -> DbResult<Created> {
    let person = people::create(
        tx,
        key,
        organisation,
        referral,
        submitted.consent_recorded_by,
        now,
    )
    .await?;
    let id = Uuid::new_v4();
    let referrer = referral.referrer.as_ref();
    tx.execute(
        "INSERT INTO referrals (id, organisation_id, reference, person_id, source, status, programme_id, reason, reason_code,
            risk, referrer_account_id, referrer_name, referrer_organisation, referrer_contact, received_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)",
        (
            UuidText(id),
            organisation,
            reference,
            UuidText(person),
            referral.source.as_str(),
            ReferralStatus::Received.as_str(),
            referral.programme,
            key.seal(&referral.reason),
            referral.reason_code.as_str(),
            key.seal_opt(referral.risk.as_deref()),
            submitted.by,
            referrer.map(|r| r.name.clone()),
            referrer.map(|r| r.organisation.clone()),
            referrer.map(|r| r.contact.clone()),
            now,
        ),
    )
    .await
    .map_err(|e| e.unique_as("this reference is taken"))?;
    add_event(
        tx,
        key,
        organisation,
        id,
        ReferralStatus::Received,
        submitted.by,
        submitted.note,
        now,
    )
    .await?;
    Ok(Created {
        referral: id,
        person,
    })
}

/// Adds a history entry, sealing its note.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn add_event(
    tx: &mut Tx,
    key: &DataKey,
    organisation: OrganisationId,
    referral: Uuid,
    status: ReferralStatus,
    actor: Option<AccountId>,
    note: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "INSERT INTO referral_events (referral_id, organisation_id, status, actor_account_id, note, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)",
        (
            UuidText(referral),
            organisation,
            status.as_str(),
            actor,
            key.seal(note),
            now,
        ),
    )
    .await?;
    Ok(())
}

/// Which referrals the queue shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter<'a> {
    /// Statuses to include; none gives an empty list.
    pub statuses: &'a [ReferralStatus],
    /// Only this source.
    pub source: Option<ReferralSource>,
    /// Only this programme.
    pub programme: Option<ProgrammeId>,
    /// Part of the reference or the person's name, any case.
    pub search: Option<&'a str>,
    /// Only referrals made by this account.
    pub referrer: Option<AccountId>,
}

/// A value bound to the queue's query, in the order its placeholders are
/// written.
enum Param {
    Organisation(OrganisationId),
    Programme(ProgrammeId),
    Account(AccountId),
    Text(String),
}

impl<'q> Bind<'q> for Param {
    fn bind(self, args: &mut impl Binder<'q>) -> Result<(), BoxDynError> {
        match self {
            Param::Organisation(id) => args.push(id),
            Param::Programme(id) => args.push(id),
            Param::Account(id) => args.push(id),
            Param::Text(text) => args.push(text),
        }
    }
}

/// The organisation's referrals that pass `filter`, oldest first. Consents
/// are read for all of them in one more query.
#[instrument(skip_all)]
pub async fn queue(
    db: &Db,
    organisation: OrganisationId,
    filter: &QueueFilter<'_>,
) -> DbResult<Vec<QueueEntry>> {
    if filter.statuses.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = format!("{SELECT} WHERE r.organisation_id = $1");
    let mut binds: Vec<Param> = vec![Param::Organisation(organisation)];
    let next = |value: Param, binds: &mut Vec<Param>| {
        binds.push(value);
        format!("${}", binds.len())
    };
    let statuses: Vec<String> = filter
        .statuses
        .iter()
        .map(|s| next(Param::Text(s.as_str().to_owned()), &mut binds))
        .collect();
    sql.push_str(&format!(" AND r.status IN ({})", statuses.join(", ")));
    if let Some(source) = filter.source {
        sql.push_str(&format!(
            " AND r.source = {}",
            next(Param::Text(source.as_str().to_owned()), &mut binds)
        ));
    }
    if let Some(programme) = filter.programme {
        sql.push_str(&format!(
            " AND r.programme_id = {}",
            next(Param::Programme(programme), &mut binds)
        ));
    }
    if let Some(referrer) = filter.referrer {
        sql.push_str(&format!(
            " AND r.referrer_account_id = {}",
            next(Param::Account(referrer), &mut binds)
        ));
    }
    if let Some(search) = filter.search.map(str::trim).filter(|s| !s.is_empty()) {
        let escaped = search
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let p = next(Param::Text(format!("%{escaped}%")), &mut binds);
        sql.push_str(&format!(
            " AND (LOWER(r.reference) LIKE {p} ESCAPE '\\' OR LOWER(p.given_name || ' ' || p.family_name) LIKE {p} ESCAPE '\\'
               OR LOWER(p.preferred_name) LIKE {p} ESCAPE '\\')"
        ));
    }
    sql.push_str(" ORDER BY r.received_at, r.reference");
    let rows: Vec<Row> = db.fetch_all(&sql, binds).await?;
    let person_ids: Vec<Uuid> = rows.iter().map(|r| r.person_id.into()).collect();
    let consents = people::consent_states(db, &person_ids).await?;
    let duplicates = people::with_likely_duplicates(db, organisation, &person_ids).await?;
    rows.iter()
        .map(|row| {
            let person = Uuid::from(row.person_id);
            let mut entry = row.summary(consents.get(&person).map_or(&[], Vec::as_slice))?;
            entry.possible_duplicate = duplicates.contains(&person);
            Ok(entry)
        })
        .collect()
}

async fn record(db: &Db, key: &DataKey, row: Row) -> DbResult<ReferralRecord> {
    let person = people::find(db, key, row.person_id.into()).await?;
    let states: Vec<ConsentState> = person.consents.iter().map(|c| c.state()).collect();
    let summary = row.summary(&states)?;
    let referrer = match (row.referrer_name, row.referrer_organisation) {
        (Some(name), Some(organisation)) => {
            Some((name, organisation, row.referrer_contact.unwrap_or_default()))
        }
        _ => None,
    };
    Ok(ReferralRecord {
        summary,
        person,
        reason: key.open(&row.reason)?,
        reason_code: row.reason_code,
        risk: key.open_opt(row.risk.as_deref())?,
        referrer_account_id: row.referrer_account_id,
        referrer,
        decline_reason: row
            .decline_reason
            .as_deref()
            .map(|r| {
                DeclineReason::ALL
                    .into_iter()
                    .find(|d| d.as_str() == r)
                    .ok_or_else(|| DbError::corrupt("referral", "unknown decline reason"))
            })
            .transpose()?,
        updated_at: row.updated_at,
    })
}

/// One referral of the organisation with the person's record; another
/// organisation's is not found.
#[instrument(skip_all)]
pub async fn find(
    db: &Db,
    key: &DataKey,
    organisation: OrganisationId,
    id: Uuid,
) -> DbResult<ReferralRecord> {
    let sql = format!("{SELECT} WHERE r.id = $1 AND r.organisation_id = $2");
    let row: Row = db.fetch_one(&sql, (UuidText(id), organisation)).await?;
    record(db, key, row).await
}

/// The status and programme of a referral, read inside a transaction before
/// a change.
#[instrument(skip_all)]
pub async fn status_in(
    tx: &mut Tx,
    organisation: OrganisationId,
    id: Uuid,
) -> DbResult<ReferralStatus> {
    let status: String = tx
        .scalar(
            "SELECT status FROM referrals WHERE id = $1 AND organisation_id = $2",
            (UuidText(id), organisation),
        )
        .await?;
    status
        .parse()
        .map_err(|e: &str| DbError::corrupt("referral", e))
}

/// The referral with reference `reference`, if the organisation has one.
#[instrument(skip_all)]
pub async fn id_by_reference(
    db: &Db,
    organisation: OrganisationId,
    reference: &str,
) -> DbResult<Option<Uuid>> {
    let id: Option<UuidText> = db
        .optional_scalar(
            "SELECT id FROM referrals WHERE reference = $1 AND organisation_id = $2",
            (reference, organisation),
        )
        .await?;
    Ok(id.map(Uuid::from))
}

#[derive(sqlx::FromRow)]
struct EventRow {
    status: String,
    actor_name: Option<String>,
    note: String,
    occurred_at: DateTime<Utc>,
}

/// The history of a referral, oldest first, notes opened.
#[instrument(skip_all)]
pub async fn history(
    db: &Db,
    key: &DataKey,
    organisation: OrganisationId,
    id: Uuid,
) -> DbResult<Vec<ReferralEventRecord>> {
    let rows: Vec<EventRow> = db
        .fetch_all(
            "SELECT e.status, a.display_name AS actor_name, e.note, e.occurred_at FROM referral_events e
             LEFT JOIN accounts a ON a.id = e.actor_account_id
             WHERE e.referral_id = $1 AND e.organisation_id = $2 ORDER BY e.id",
            (UuidText(id), organisation),
        )
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok(ReferralEventRecord {
                status: row.status,
                actor_name: row.actor_name,
                note: key.open(&row.note)?,
                occurred_at: row.occurred_at,
            })
        })
        .collect()
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
    key: &DataKey,
    organisation: OrganisationId,
    id: Uuid,
    change: StatusChange<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.change(
        "UPDATE referrals SET status = $1, programme_id = COALESCE($2, programme_id), decline_reason = COALESCE($3, decline_reason), updated_at = $4
         WHERE id = $5 AND organisation_id = $6",
        (
            change.status.as_str(),
            change.programme,
            change.decline_reason.map(DeclineReason::as_str),
            now,
            UuidText(id),
            organisation,
        ),
    )
    .await?;
    add_event(
        tx,
        key,
        organisation,
        id,
        change.status,
        Some(change.actor),
        change.note,
        now,
    )
    .await
}

/// Adds a note to a referral's history without changing its status.
#[instrument(skip_all)]
pub async fn note(
    tx: &mut Tx,
    key: &DataKey,
    organisation: OrganisationId,
    id: Uuid,
    actor: AccountId,
    note: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let status = status_in(tx, organisation, id).await?;
    add_event(tx, key, organisation, id, status, Some(actor), note, now).await
}

/// Records the first contact with the person (the waiting-time clock stops);
/// a later call keeps the first time.
#[instrument(skip_all)]
pub async fn record_first_contact(
    tx: &mut Tx,
    key: &DataKey,
    organisation: OrganisationId,
    id: Uuid,
    actor: AccountId,
    note: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.change(
        "UPDATE referrals SET first_contact_at = COALESCE(first_contact_at, $1), updated_at = $1 WHERE id = $2 AND organisation_id = $3",
        (now, UuidText(id), organisation),
    )
    .await?;
    self::note(tx, key, organisation, id, actor, note, now).await
}

#[derive(sqlx::FromRow)]
struct StatusRow {
    id: UuidText,
    status: String,
}

/// Moves every referral of person `from` to person `to`, for a merge of
/// duplicate records: a history entry goes on each referral of either.
#[instrument(skip_all)]
pub async fn move_to_person(
    tx: &mut Tx,
    key: &DataKey,
    organisation: OrganisationId,
    from: Uuid,
    to: Uuid,
    actor: AccountId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let note = "two records of the same person were merged";
    let rows: Vec<StatusRow> = tx
        .fetch_all(
            "SELECT id, status FROM referrals WHERE organisation_id = $1 AND person_id IN ($2, $3)",
            (organisation, UuidText(from), UuidText(to)),
        )
        .await?;
    tx.execute(
        "UPDATE referrals SET person_id = $1, updated_at = $2 WHERE organisation_id = $3 AND person_id = $4",
        (UuidText(to), now, organisation, UuidText(from)),
    )
    .await?;
    for row in rows {
        let status: ReferralStatus = row
            .status
            .parse()
            .map_err(|e: &str| DbError::corrupt("referral", e))?;
        add_event(
            tx,
            key,
            organisation,
            row.id.into(),
            status,
            Some(actor),
            note,
            now,
        )
        .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ReferenceRow {
    person_id: UuidText,
    reference: String,
    id: UuidText,
}

/// Fills in the referrals (reference and id, oldest first) of each likely
/// duplicate the people repository found: one query.
#[instrument(skip_all)]
pub async fn add_references(
    db: &Db,
    organisation: OrganisationId,
    duplicates: &mut [LikelyDuplicate],
) -> DbResult<()> {
    let ids: Vec<Uuid> = duplicates.iter().map(|d| d.person_id).collect();
    let mut references = references_of(db, organisation, &ids).await?;
    for duplicate in duplicates {
        duplicate.referrals = references.remove(&duplicate.person_id).unwrap_or_default();
    }
    Ok(())
}

/// The references and ids of each person's referrals, oldest first.
async fn references_of(
    db: &Db,
    organisation: OrganisationId,
    people: &[Uuid],
) -> DbResult<HashMap<Uuid, Vec<(String, Uuid)>>> {
    let mut out: HashMap<Uuid, Vec<(String, Uuid)>> = HashMap::new();
    if people.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT person_id, reference, id FROM referrals WHERE organisation_id = $1 AND person_id IN ({}) ORDER BY received_at",
        placeholders(2, people.len())
    );
    let rows: Vec<ReferenceRow> = db
        .fetch_all(&sql, (organisation, Group(uuid_texts(people))))
        .await?;
    for row in rows {
        out.entry(row.person_id.into())
            .or_default()
            .push((row.reference, row.id.into()));
    }
    Ok(out)
}
