//! People referred for support: their record, long-term conditions,
//! consents, and the duplicate check and merge of their records. Their
//! referrals are the referrals repository's: a merge that moves them calls
//! both, in one transaction.

use std::collections::HashMap;

use alongside_domain::consent::{ConsentMethod, ConsentScope, ConsentState};
use alongside_domain::preferences::PreferencesInput;
use alongside_domain::referral::{DuplicateReason, Identity, NewReferral, likely_duplicate};
use alongside_domain::{AccountId, OrganisationId};
use chrono::{DateTime, NaiveDate, Utc};
use tracing::instrument;
use uuid::Uuid;

use crate::query::{Group, Run, placeholders};
use crate::sealed::DataKey;
use crate::{Db, DbError, DbResult, Tx, UuidText, uuid_texts};

/// A person's record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    /// The record's id.
    pub id: Uuid,
    /// First name.
    pub given_name: String,
    /// Last name.
    pub family_name: String,
    /// What they like to be called; may be empty.
    pub preferred_name: String,
    /// Pronouns; may be empty.
    pub pronouns: String,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// NHS number digits, when known.
    pub nhs_number: Option<String>,
    /// Address lines.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// Phone.
    pub phone: String,
    /// Email.
    pub email: Option<String>,
    /// Preferred contact method's stored name.
    pub contact_method: Option<String>,
    /// Good times to contact.
    pub contact_times: String,
    /// Preferred language.
    pub language: String,
    /// Whether they need an interpreter.
    pub interpreter_needed: bool,
    /// Accessibility needs (opened from its sealed form).
    pub accessibility_needs: String,
    /// Whether they are a carer.
    pub is_carer: bool,
    /// Support preferences, as stored names.
    pub preferences: PreferencesInput,
    /// Long-term conditions: words and SNOMED CT code.
    pub conditions: Vec<(String, Option<String>)>,
    /// Every consent record, oldest first.
    pub consents: Vec<ConsentRecord>,
    /// The record this one was merged into, if it was.
    pub merged_into: Option<Uuid>,
}

impl PersonRecord {
    /// "Given Family".
    #[must_use]
    pub fn name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    /// The scopes of consent in force now.
    #[must_use]
    pub fn consents_in_force(&self) -> Vec<ConsentScope> {
        let states: Vec<ConsentState> = self.consents.iter().map(ConsentRecord::state).collect();
        alongside_domain::consent::in_force(&states)
    }
}

/// One consent record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    /// Its id.
    pub id: i64,
    /// What was agreed.
    pub scope: ConsentScope,
    /// How.
    pub method: ConsentMethod,
    /// Who recorded it, by name; none when the person gave it online.
    pub recorded_by: Option<String>,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// When it was withdrawn, if it was.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Who recorded the withdrawal.
    pub withdrawn_by: Option<String>,
    /// What the person said, or how they withdrew.
    pub withdrawal_note: String,
}

impl ConsentRecord {
    /// The record as the domain's consent rules read it.
    #[must_use]
    pub fn state(&self) -> ConsentState {
        ConsentState {
            scope: self.scope,
            withdrawn: self.withdrawn_at.is_some(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: UuidText,
    given_name: String,
    family_name: String,
    preferred_name: String,
    pronouns: String,
    date_of_birth: NaiveDate,
    nhs_number: Option<String>,
    address: String,
    postcode: String,
    phone: String,
    email: Option<String>,
    contact_method: Option<String>,
    contact_times: String,
    language: String,
    interpreter_needed: bool,
    accessibility_needs: String,
    is_carer: bool,
    preferences: String,
    merged_into: Option<UuidText>,
}

#[derive(sqlx::FromRow)]
struct ConditionRow {
    description: String,
    snomed_code: Option<String>,
}

/// A consent record as the consent rules read it, with whose it is: the
/// columns `person_id, scope, withdrawn` (`withdrawn_at IS NOT NULL`).
#[derive(sqlx::FromRow)]
pub(crate) struct ConsentStateRow {
    person_id: UuidText,
    scope: String,
    withdrawn: bool,
}

/// Adds each person's consent states, from their consent records, to `out`.
pub(crate) fn add_consent_states(
    out: &mut HashMap<Uuid, Vec<ConsentState>>,
    rows: Vec<ConsentStateRow>,
) -> DbResult<()> {
    for row in rows {
        let scope = row
            .scope
            .parse()
            .map_err(|e: &str| DbError::corrupt("consent", e))?;
        out.entry(row.person_id.into())
            .or_default()
            .push(ConsentState {
                scope,
                withdrawn: row.withdrawn,
            });
    }
    Ok(())
}

/// Stores the person of a new referral with their conditions and consents.
pub(crate) async fn create(
    tx: &mut Tx,
    key: &DataKey,
    organisation: OrganisationId,
    referral: &NewReferral,
    consent_recorded_by: Option<AccountId>,
    now: DateTime<Utc>,
) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    let p = &referral.person;
    let preferences = crate::stored_preferences::to_json(&referral.preferences.to_input());
    tx.execute(
        "INSERT INTO people (id, organisation_id, given_name, family_name, preferred_name, pronouns, date_of_birth, nhs_number,
            address, postcode, phone, email, contact_method, contact_times, language, interpreter_needed, accessibility_needs,
            is_carer, preferences, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
        (
            UuidText(id),
            organisation,
            &p.given_name,
            &p.family_name,
            &p.preferred_name,
            &p.pronouns,
            p.date_of_birth,
            p.nhs_number.map(|n| n.digits()),
            &p.address,
            p.postcode.as_str(),
            &p.phone,
            p.email.as_ref().map(|e| e.as_str().to_owned()),
            p.contact_method.map(|m| m.as_str()),
            &p.contact_times,
            &p.language,
            p.interpreter_needed,
            key.seal(&p.accessibility_needs),
            p.is_carer,
            preferences,
            now,
        ),
    )
    .await?;
    for condition in &p.conditions {
        tx.execute(
            "INSERT INTO person_conditions (person_id, description, snomed_code) VALUES ($1, $2, $3)",
            (
                UuidText(id),
                &condition.description,
                condition.code.as_ref().map(|c| c.as_str().to_owned()),
            ),
        )
        .await?;
    }
    for scope in &referral.consents {
        record_consent(
            tx,
            organisation,
            id,
            *scope,
            referral.consent_method,
            consent_recorded_by,
            now,
        )
        .await?;
    }
    Ok(id)
}

/// Records a consent the person gave.
#[instrument(skip_all)]
pub async fn record_consent(
    tx: &mut Tx,
    organisation: OrganisationId,
    person: Uuid,
    scope: ConsentScope,
    method: ConsentMethod,
    recorded_by: Option<AccountId>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "INSERT INTO consents (organisation_id, person_id, scope, method, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
        (
            organisation,
            UuidText(person),
            scope.as_str(),
            method.as_str(),
            recorded_by,
            now,
        ),
    )
    .await?;
    Ok(())
}

/// Records the withdrawal of every consent in force for `scope`; returns
/// how many records it closed (none when nothing was in force).
#[instrument(skip_all)]
pub async fn withdraw_consent(
    tx: &mut Tx,
    organisation: OrganisationId,
    person: Uuid,
    scope: ConsentScope,
    by: AccountId,
    note: &str,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    tx.execute(
        "UPDATE consents SET withdrawn_at = $1, withdrawn_by = $2, withdrawal_note = $3
         WHERE organisation_id = $4 AND person_id = $5 AND scope = $6 AND withdrawn_at IS NULL",
        (
            now,
            by,
            note,
            organisation,
            UuidText(person),
            scope.as_str(),
        ),
    )
    .await
}

const SELECT: &str = "SELECT id, given_name, family_name, preferred_name, pronouns, date_of_birth, nhs_number, address, postcode,
        phone, email, contact_method, contact_times, language, interpreter_needed, accessibility_needs, is_carer, preferences,
        merged_into FROM people";

/// A person's full record. Callers reach people through a referral of their
/// own organisation, so the id is already scoped.
#[instrument(skip_all)]
pub async fn find(db: &Db, key: &DataKey, id: Uuid) -> DbResult<PersonRecord> {
    let sql = format!("{SELECT} WHERE id = $1");
    let row: Row = db.fetch_one(&sql, (UuidText(id),)).await?;
    let conditions: Vec<ConditionRow> = db
        .fetch_all(
            "SELECT description, snomed_code FROM person_conditions WHERE person_id = $1 ORDER BY id",
            (UuidText(id),),
        )
        .await?;
    let consents = consents(db, id).await?;
    let bad = |e: String| DbError::corrupt("person", e);
    Ok(PersonRecord {
        id,
        given_name: row.given_name,
        family_name: row.family_name,
        preferred_name: row.preferred_name,
        pronouns: row.pronouns,
        date_of_birth: row.date_of_birth,
        nhs_number: row.nhs_number,
        address: row.address,
        postcode: row.postcode,
        phone: row.phone,
        email: row.email,
        contact_method: row.contact_method,
        contact_times: row.contact_times,
        language: row.language,
        interpreter_needed: row.interpreter_needed,
        accessibility_needs: key.open(&row.accessibility_needs)?,
        is_carer: row.is_carer,
        preferences: crate::stored_preferences::from_json(&row.preferences)
            .map_err(|e| bad(e.to_string()))?,
        conditions: conditions
            .into_iter()
            .map(|c| (c.description, c.snomed_code))
            .collect(),
        consents,
        merged_into: row.merged_into.map(Uuid::from),
    })
}

#[derive(sqlx::FromRow)]
struct ConsentRow {
    id: i64,
    scope: String,
    method: String,
    recorded_by: Option<String>,
    recorded_at: DateTime<Utc>,
    withdrawn_at: Option<DateTime<Utc>>,
    withdrawn_by: Option<String>,
    withdrawal_note: String,
}

async fn consents(db: &Db, person: Uuid) -> DbResult<Vec<ConsentRecord>> {
    let rows: Vec<ConsentRow> = db
        .fetch_all(
            "SELECT c.id, c.scope, c.method, a.display_name AS recorded_by, c.recorded_at, c.withdrawn_at,
                    w.display_name AS withdrawn_by, c.withdrawal_note
             FROM consents c LEFT JOIN accounts a ON a.id = c.recorded_by LEFT JOIN accounts w ON w.id = c.withdrawn_by
             WHERE c.person_id = $1 ORDER BY c.id",
            (UuidText(person),),
        )
        .await?;
    rows.into_iter()
        .map(|r| {
            let bad = |e: &str| DbError::corrupt("consent", e);
            Ok(ConsentRecord {
                id: r.id,
                scope: r.scope.parse().map_err(bad)?,
                method: r.method.parse().map_err(bad)?,
                recorded_by: r.recorded_by,
                recorded_at: r.recorded_at,
                withdrawn_at: r.withdrawn_at,
                withdrawn_by: r.withdrawn_by,
                withdrawal_note: r.withdrawal_note,
            })
        })
        .collect()
}

/// The consent states of many people at once, keyed by person id.
pub(crate) async fn consent_states(
    db: &Db,
    people: &[Uuid],
) -> DbResult<HashMap<Uuid, Vec<ConsentState>>> {
    let mut out: HashMap<Uuid, Vec<ConsentState>> = HashMap::new();
    // Chunks keep within every engine's limit on bound parameters.
    for chunk in people.chunks(500) {
        let sql = format!(
            "SELECT person_id, scope, withdrawn_at IS NOT NULL AS withdrawn FROM consents WHERE person_id IN ({})",
            placeholders(1, chunk.len())
        );
        let rows: Vec<ConsentStateRow> = db.fetch_all(&sql, uuid_texts(chunk)).await?;
        add_consent_states(&mut out, rows)?;
    }
    Ok(out)
}

/// Another record that likely describes the same person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikelyDuplicate {
    /// The other record's id.
    pub person_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its date of birth.
    pub date_of_birth: NaiveDate,
    /// Its postcode.
    pub postcode: String,
    /// Why it looks like the same person.
    pub reason: DuplicateReason,
    /// Its referrals, reference and id, oldest first: left empty by
    /// [`likely_duplicates`], which reads people alone, for the caller that
    /// shows them to fill in.
    pub referrals: Vec<(String, Uuid)>,
}

/// Records of the organisation that likely describe the same person as
/// `person` (merged records left out).
#[instrument(skip_all)]
pub async fn likely_duplicates(
    db: &Db,
    organisation: OrganisationId,
    person: &PersonRecord,
) -> DbResult<Vec<LikelyDuplicate>> {
    let sql = format!(
        "{SELECT} WHERE organisation_id = $1 AND id <> $2 AND merged_into IS NULL
           AND (nhs_number = $3 OR (date_of_birth = $4 AND postcode = $5)) ORDER BY created_at"
    );
    let rows: Vec<Row> = db
        .fetch_all(
            &sql,
            (
                organisation,
                UuidText(person.id),
                person.nhs_number.clone(),
                person.date_of_birth,
                &person.postcode,
            ),
        )
        .await?;
    let this = Identity {
        given_name: &person.given_name,
        family_name: &person.family_name,
        date_of_birth: person.date_of_birth,
        postcode: &person.postcode,
        nhs_number: person.nhs_number.as_deref(),
    };
    let mut out = Vec::new();
    for row in rows {
        let other = Identity {
            given_name: &row.given_name,
            family_name: &row.family_name,
            date_of_birth: row.date_of_birth,
            postcode: &row.postcode,
            nhs_number: row.nhs_number.as_deref(),
        };
        if let Some(reason) = likely_duplicate(&this, &other) {
            out.push(LikelyDuplicate {
                person_id: row.id.into(),
                name: format!("{} {}", row.given_name, row.family_name),
                date_of_birth: row.date_of_birth,
                postcode: row.postcode.clone(),
                reason,
                referrals: Vec::new(),
            });
        }
    }
    Ok(out)
}

/// Merges the record `from` into `keep`: conditions, consents and match
/// exclusions move to `keep`, details `keep` lacks are filled from `from`,
/// and `from` stays, marked as merged, so both histories are kept. The
/// person's referrals are not touched: the caller moves them in the same
/// transaction.
///
/// # Errors
/// [`DbError::NotFound`] when either record is not the organisation's or
/// was already merged; [`DbError::Conflict`] for a record merged into
/// itself.
#[instrument(skip_all)]
pub async fn merge(
    tx: &mut Tx,
    organisation: OrganisationId,
    keep: Uuid,
    from: Uuid,
) -> DbResult<()> {
    if keep == from {
        return Err(DbError::Conflict("a record cannot be merged into itself"));
    }
    let open: i64 = tx
        .scalar(
            "SELECT COUNT(*) FROM people WHERE organisation_id = $1 AND id IN ($2, $3) AND merged_into IS NULL",
            (organisation, UuidText(keep), UuidText(from)),
        )
        .await?;
    if open != 2 {
        return Err(DbError::NotFound);
    }
    for statement in MERGE {
        tx.execute(statement, (UuidText(keep), UuidText(from)))
            .await?;
    }
    Ok(())
}

/// The statements of a merge, in order, each with the record kept as `$1`
/// and the one merged into it as `$2`.
const MERGE: [&str; 5] = [
    // Details the kept record lacks, from the other.
    "UPDATE people SET
        nhs_number = COALESCE(nhs_number, (SELECT o.nhs_number FROM people o WHERE o.id = $2)),
        email = COALESCE(email, (SELECT o.email FROM people o WHERE o.id = $2)),
        phone = CASE WHEN phone = '' THEN (SELECT o.phone FROM people o WHERE o.id = $2) ELSE phone END,
        address = CASE WHEN address = '' THEN (SELECT o.address FROM people o WHERE o.id = $2) ELSE address END
     WHERE id = $1",
    // Conditions the kept record does not have already.
    "UPDATE person_conditions SET person_id = $1 WHERE person_id = $2
       AND LOWER(description) NOT IN (SELECT LOWER(description) FROM person_conditions WHERE person_id = $1)",
    // Exclusions of supporters the kept record has none for.
    "UPDATE match_exclusions SET person_id = $1 WHERE person_id = $2
       AND supporter_id NOT IN (SELECT supporter_id FROM match_exclusions WHERE person_id = $1)",
    "UPDATE consents SET person_id = $1 WHERE person_id = $2",
    "UPDATE people SET merged_into = $1 WHERE id = $2",
];

/// A record and another of the same organisation that the SQL pre-filter
/// found alike.
#[derive(sqlx::FromRow)]
struct PairRow {
    id: UuidText,
    given_name: String,
    family_name: String,
    date_of_birth: NaiveDate,
    postcode: String,
    nhs_number: Option<String>,
    other_given_name: String,
    other_family_name: String,
    other_date_of_birth: NaiveDate,
    other_postcode: String,
    other_nhs_number: Option<String>,
}

/// Which of `people` have another record in the organisation that likely
/// describes the same person: one query for a whole list.
pub(crate) async fn with_likely_duplicates(
    db: &Db,
    organisation: OrganisationId,
    people: &[Uuid],
) -> DbResult<std::collections::HashSet<Uuid>> {
    let mut out = std::collections::HashSet::new();
    for chunk in people.chunks(500) {
        let sql = format!(
            "SELECT p.id, p.given_name, p.family_name, p.date_of_birth, p.postcode, p.nhs_number,
                    o.given_name AS other_given_name, o.family_name AS other_family_name,
                    o.date_of_birth AS other_date_of_birth, o.postcode AS other_postcode,
                    o.nhs_number AS other_nhs_number
             FROM people p JOIN people o ON o.organisation_id = p.organisation_id AND o.id <> p.id
                AND o.merged_into IS NULL
                AND (o.nhs_number = p.nhs_number OR (o.date_of_birth = p.date_of_birth AND o.postcode = p.postcode))
             WHERE p.organisation_id = $1 AND p.id IN ({})",
            placeholders(2, chunk.len())
        );
        let rows: Vec<PairRow> = db
            .fetch_all(&sql, (organisation, Group(uuid_texts(chunk))))
            .await?;
        for r in rows {
            let this = Identity {
                given_name: &r.given_name,
                family_name: &r.family_name,
                date_of_birth: r.date_of_birth,
                postcode: &r.postcode,
                nhs_number: r.nhs_number.as_deref(),
            };
            let other = Identity {
                given_name: &r.other_given_name,
                family_name: &r.other_family_name,
                date_of_birth: r.other_date_of_birth,
                postcode: &r.other_postcode,
                nhs_number: r.other_nhs_number.as_deref(),
            };
            if likely_duplicate(&this, &other).is_some() {
                out.insert(r.id.into());
            }
        }
    }
    Ok(out)
}
