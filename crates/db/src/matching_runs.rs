//! Matching runs: who is waiting on a programme, the programme's matching
//! rules, and the runs with their proposals and the people left unmatched.

use std::collections::HashMap;

use alongside_domain::consent::may_share_with_peer;
use alongside_domain::peer_match::{ExclusionReason, ProposalStatus};
use alongside_domain::preferences::PreferencesInput;
use alongside_domain::referral::ReferralStatus;
use alongside_domain::{AccountId, OrganisationId, ProgrammeId, SupporterId};
use alongside_matching::candidate::{Score, Weights};
use alongside_matching::plan::Why;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tracing::instrument;
use uuid::Uuid;

use crate::people::{ConsentStateRow, add_consent_states};
use crate::query::Run;
use crate::{Db, DbError, DbResult, Tx, UuidText};

/// A person on a programme's waiting list with no match under way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// Their referral.
    pub referral_id: Uuid,
    /// The referral's reference.
    pub reference: String,
    /// The person.
    pub person_id: Uuid,
    /// "Given Family".
    pub name: String,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Postcode.
    pub postcode: String,
    /// Preferred language.
    pub language: String,
    /// Whether they need an interpreter.
    pub interpreter_needed: bool,
    /// Whether they are a carer.
    pub is_carer: bool,
    /// Support preferences, as stored names.
    pub preferences: PreferencesInput,
    /// Long-term conditions, in words.
    pub conditions: Vec<String>,
    /// When the referral arrived.
    pub received_at: DateTime<Utc>,
    /// Whether their details may go to a peer supporter.
    pub may_share: bool,
}

#[derive(sqlx::FromRow)]
struct WaitingRow {
    referral_id: UuidText,
    reference: String,
    person_id: UuidText,
    given_name: String,
    family_name: String,
    date_of_birth: NaiveDate,
    postcode: String,
    language: String,
    interpreter_needed: bool,
    is_carer: bool,
    preferences: String,
    received_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ConditionRow {
    person_id: UuidText,
    description: String,
}

const WAITING: &str = "FROM referrals r JOIN people p ON p.id = r.person_id
     WHERE r.organisation_id = $1 AND r.programme_id = $2 AND r.status = $3
       AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.referral_id = r.id AND m.status IN ('proposed', 'agreed'))";

/// The programme's waiting list, oldest referral first: three queries
/// whatever its length.
#[instrument(skip_all)]
pub async fn waiting_list(
    db: &Db,
    organisation: OrganisationId,
    programme: ProgrammeId,
) -> DbResult<Vec<Waiting>> {
    let accepted = ReferralStatus::Accepted.as_str();
    let sql = format!(
        "SELECT r.id AS referral_id, r.reference, p.id AS person_id, p.given_name, p.family_name, p.date_of_birth,
            p.postcode, p.language, p.interpreter_needed, p.is_carer, p.preferences, r.received_at
         {WAITING} ORDER BY r.received_at, r.id"
    );
    // What `WAITING` binds, in each of the three queries.
    let waiting = (organisation, programme, accepted);
    let rows: Vec<WaitingRow> = db.fetch_all(&sql, waiting).await?;
    let sql = format!(
        "SELECT pc.person_id, pc.description FROM person_conditions pc
         WHERE pc.person_id IN (SELECT r.person_id {WAITING}) ORDER BY pc.id"
    );
    let conditions: Vec<ConditionRow> = db.fetch_all(&sql, waiting).await?;
    let sql = format!(
        "SELECT c.person_id, c.scope, c.withdrawn_at IS NOT NULL AS withdrawn FROM consents c
         WHERE c.person_id IN (SELECT r.person_id {WAITING}) ORDER BY c.id"
    );
    let consents: Vec<ConsentStateRow> = db.fetch_all(&sql, waiting).await?;
    let mut conditions_of: HashMap<UuidText, Vec<String>> = HashMap::new();
    for row in conditions {
        conditions_of
            .entry(row.person_id)
            .or_default()
            .push(row.description);
    }
    let mut consents_of = HashMap::new();
    add_consent_states(&mut consents_of, consents)?;
    rows.into_iter()
        .map(|row| {
            let preferences = crate::stored_preferences::from_json(&row.preferences)
                .map_err(|e| DbError::corrupt("person", e))?;
            Ok(Waiting {
                referral_id: row.referral_id.into(),
                reference: row.reference,
                name: format!("{} {}", row.given_name, row.family_name),
                date_of_birth: row.date_of_birth,
                postcode: row.postcode,
                language: row.language,
                interpreter_needed: row.interpreter_needed,
                is_carer: row.is_carer,
                preferences,
                conditions: conditions_of.remove(&row.person_id).unwrap_or_default(),
                received_at: row.received_at,
                may_share: may_share_with_peer(
                    consents_of
                        .get(&row.person_id.into())
                        .map_or(&[][..], Vec::as_slice),
                ),
                person_id: row.person_id.into(),
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct ExclusionRow {
    person_id: UuidText,
    supporter_id: SupporterId,
    reason: String,
}

/// Every excluded pair of the organisation: (person, supporter, why).
#[instrument(skip_all)]
pub async fn exclusions(
    db: &Db,
    organisation: OrganisationId,
) -> DbResult<Vec<(Uuid, SupporterId, ExclusionReason)>> {
    let rows: Vec<ExclusionRow> = db
        .fetch_all(
            "SELECT person_id, supporter_id, reason FROM match_exclusions WHERE organisation_id = $1",
            (organisation,),
        )
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok((
                row.person_id.into(),
                row.supporter_id,
                row.reason
                    .parse()
                    .map_err(|e: &str| DbError::corrupt("exclusion", e))?,
            ))
        })
        .collect()
}

/// A programme's matching rules.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MatchingRules {
    /// Courses every supporter must have done.
    pub required_training: Vec<String>,
    /// How much each part of the score counts.
    pub weights: Weights,
}

/// The programme's matching rules (the defaults until someone sets them).
#[instrument(skip_all)]
pub async fn rules(
    db: &Db,
    organisation: OrganisationId,
    programme: ProgrammeId,
) -> DbResult<MatchingRules> {
    let row: RulesRow = db
        .fetch_one(
            "SELECT required_training, matching_weights FROM programmes WHERE id = $1 AND organisation_id = $2",
            (programme, organisation),
        )
        .await?;
    row.try_into()
}

#[derive(sqlx::FromRow)]
struct RulesRow {
    required_training: String,
    matching_weights: String,
}

impl TryFrom<RulesRow> for MatchingRules {
    type Error = DbError;

    fn try_from(row: RulesRow) -> DbResult<Self> {
        Ok(Self {
            required_training: row
                .required_training
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            weights: if row.matching_weights.is_empty() {
                Weights::default()
            } else {
                serde_json::from_str(&row.matching_weights)
                    .map_err(|e| DbError::corrupt("programme", e))?
            },
        })
    }
}

/// Stores the programme's matching rules.
#[instrument(skip_all)]
pub async fn set_rules(
    tx: &mut Tx,
    organisation: OrganisationId,
    programme: ProgrammeId,
    rules: &MatchingRules,
) -> DbResult<()> {
    let weights =
        serde_json::to_string(&rules.weights).map_err(|e| DbError::corrupt("programme", e))?;
    tx.change(
        "UPDATE programmes SET required_training = $1, matching_weights = $2 WHERE id = $3 AND organisation_id = $4",
        (
            rules.required_training.join("\n"),
            &weights,
            programme,
            organisation,
        ),
    )
    .await
}

/// A proposal to store.
#[derive(Debug, Clone)]
pub struct NewProposal {
    /// The person's referral.
    pub referral_id: Uuid,
    /// The supporter.
    pub supporter_id: SupporterId,
    /// The pair's score.
    pub score: Score,
    /// How many candidates the person had.
    pub candidates: usize,
}

/// A run to store.
#[derive(Debug, Clone)]
pub struct NewRun {
    /// The programme.
    pub programme_id: ProgrammeId,
    /// Who ran it.
    pub run_by: AccountId,
    /// When.
    pub run_at: DateTime<Utc>,
    /// People on the waiting list.
    pub people: usize,
    /// Supporters considered.
    pub supporters: usize,
    /// Candidate pairs considered.
    pub candidate_pairs: usize,
    /// Sum of the proposals' scores.
    pub total_score: i64,
    /// The rules it used.
    pub rules: MatchingRules,
    /// Its proposals.
    pub proposals: Vec<NewProposal>,
    /// People left unmatched: referral and why.
    pub unmatched: Vec<(Uuid, Why)>,
}

fn json<T: Serialize>(value: &T) -> DbResult<String> {
    serde_json::to_string(value).map_err(|e| DbError::corrupt("matching run", e))
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Stores a run with its proposals and unmatched people; its id.
#[instrument(skip_all)]
pub async fn create(tx: &mut Tx, organisation: OrganisationId, run: &NewRun) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    let rules = json(&run.rules)?;
    tx.execute(
        "INSERT INTO matching_runs (id, organisation_id, programme_id, run_by, run_at, people, supporters,
            candidate_pairs, total_score, rules)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        (
            UuidText(id),
            organisation,
            run.programme_id,
            run.run_by,
            run.run_at,
            count(run.people),
            count(run.supporters),
            count(run.candidate_pairs),
            run.total_score,
            &rules,
        ),
    )
    .await?;
    for proposal in &run.proposals {
        let parts = json(&proposal.score.parts)?;
        tx.execute(
            "INSERT INTO matching_proposals (id, run_id, referral_id, supporter_id, score, parts, candidates, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            (
                UuidText(Uuid::new_v4()),
                UuidText(id),
                UuidText(proposal.referral_id),
                proposal.supporter_id,
                proposal.score.total,
                &parts,
                count(proposal.candidates),
                ProposalStatus::Open.as_str(),
            ),
        )
        .await?;
    }
    for (referral, why) in &run.unmatched {
        tx.execute(
            "INSERT INTO matching_unmatched (run_id, referral_id, why) VALUES ($1, $2, $3)",
            (UuidText(id), UuidText(*referral), json(why)?),
        )
        .await?;
    }
    Ok(id)
}

/// A stored proposal, with the names a page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalRecord {
    /// The proposal.
    pub id: Uuid,
    /// The run it belongs to.
    pub run_id: Uuid,
    /// The person's referral.
    pub referral_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// The person.
    pub person_id: Uuid,
    /// The person, "Given Family".
    pub person_name: String,
    /// The supporter.
    pub supporter_id: SupporterId,
    /// The supporter's name.
    pub supporter_name: String,
    /// The pair's score and its parts.
    pub score: Score,
    /// How many candidates the person had.
    pub candidates: u32,
    /// Where it stands.
    pub status: ProposalStatus,
    /// The match made when it was accepted.
    pub match_id: Option<Uuid>,
    /// Why it was rejected.
    pub reject_reason: String,
}

#[derive(sqlx::FromRow)]
struct ProposalRow {
    id: UuidText,
    run_id: UuidText,
    referral_id: UuidText,
    reference: String,
    person_id: UuidText,
    given_name: String,
    family_name: String,
    supporter_id: SupporterId,
    supporter_name: String,
    score: i64,
    parts: String,
    candidates: i64,
    status: String,
    match_id: Option<UuidText>,
    reject_reason: String,
}

impl TryFrom<ProposalRow> for ProposalRecord {
    type Error = DbError;

    fn try_from(row: ProposalRow) -> DbResult<Self> {
        Ok(Self {
            id: row.id.into(),
            run_id: row.run_id.into(),
            referral_id: row.referral_id.into(),
            reference: row.reference,
            person_id: row.person_id.into(),
            person_name: format!("{} {}", row.given_name, row.family_name),
            supporter_id: row.supporter_id,
            supporter_name: row.supporter_name,
            score: Score {
                parts: serde_json::from_str(&row.parts)
                    .map_err(|e| DbError::corrupt("proposal", e))?,
                total: row.score,
            },
            candidates: u32::try_from(row.candidates).unwrap_or(u32::MAX),
            status: row
                .status
                .parse()
                .map_err(|e: &str| DbError::corrupt("proposal", e))?,
            match_id: row.match_id.map(Uuid::from),
            reject_reason: row.reject_reason,
        })
    }
}

const PROPOSALS: &str = "SELECT mp.id, mp.run_id, mp.referral_id, r.reference, p.id AS person_id, p.given_name, p.family_name, mp.supporter_id,
        s.name AS supporter_name, mp.score, mp.parts, mp.candidates, mp.status, mp.match_id, mp.reject_reason
     FROM matching_proposals mp JOIN matching_runs mr ON mr.id = mp.run_id
       JOIN referrals r ON r.id = mp.referral_id JOIN people p ON p.id = r.person_id
       JOIN supporters s ON s.id = mp.supporter_id";

/// A person a run left unmatched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmatchedRecord {
    /// Their referral.
    pub referral_id: Uuid,
    /// Its reference.
    pub reference: String,
    /// The person, "Given Family".
    pub person_name: String,
    /// Why.
    pub why: Why,
}

#[derive(sqlx::FromRow)]
struct UnmatchedRow {
    referral_id: UuidText,
    reference: String,
    given_name: String,
    family_name: String,
    why: String,
}

impl TryFrom<UnmatchedRow> for UnmatchedRecord {
    type Error = DbError;

    fn try_from(row: UnmatchedRow) -> DbResult<Self> {
        Ok(Self {
            referral_id: row.referral_id.into(),
            reference: row.reference,
            person_name: format!("{} {}", row.given_name, row.family_name),
            why: serde_json::from_str(&row.why).map_err(|e| DbError::corrupt("matching run", e))?,
        })
    }
}

/// A stored run with everything it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    /// The run.
    pub id: Uuid,
    /// The programme.
    pub programme_id: ProgrammeId,
    /// Who ran it, by name.
    pub run_by: Option<String>,
    /// When.
    pub run_at: DateTime<Utc>,
    /// People on the waiting list.
    pub people: u32,
    /// Supporters considered.
    pub supporters: u32,
    /// Candidate pairs considered.
    pub candidate_pairs: u32,
    /// Sum of the proposals' scores.
    pub total_score: i64,
    /// The rules it used.
    pub rules: MatchingRules,
    /// Proposals, by person's name.
    pub proposals: Vec<ProposalRecord>,
    /// People left unmatched, by name.
    pub unmatched: Vec<UnmatchedRecord>,
}

#[derive(sqlx::FromRow)]
struct RunRow {
    id: UuidText,
    programme_id: ProgrammeId,
    run_by: Option<String>,
    run_at: DateTime<Utc>,
    people: i64,
    supporters: i64,
    candidate_pairs: i64,
    total_score: i64,
    rules: String,
}

fn small(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One run of the organisation, with its proposals and unmatched people:
/// three queries.
#[instrument(skip_all)]
pub async fn find(db: &Db, organisation: OrganisationId, id: Uuid) -> DbResult<RunRecord> {
    let row: RunRow = db
        .fetch_one(
            "SELECT mr.id, mr.programme_id, a.display_name AS run_by, mr.run_at, mr.people, mr.supporters,
                mr.candidate_pairs, mr.total_score, mr.rules
             FROM matching_runs mr LEFT JOIN accounts a ON a.id = mr.run_by
             WHERE mr.id = $1 AND mr.organisation_id = $2",
            (UuidText(id), organisation),
        )
        .await?;
    let sql = format!(
        "{PROPOSALS} WHERE mp.run_id = $1 AND mr.organisation_id = $2 ORDER BY p.family_name, p.given_name, mp.id"
    );
    let proposals: Vec<ProposalRow> = db.fetch_all(&sql, (UuidText(id), organisation)).await?;
    let unmatched: Vec<UnmatchedRow> = db
        .fetch_all(
            "SELECT mu.referral_id, r.reference, p.given_name, p.family_name, mu.why
             FROM matching_unmatched mu JOIN referrals r ON r.id = mu.referral_id JOIN people p ON p.id = r.person_id
             WHERE mu.run_id = $1 AND r.organisation_id = $2 ORDER BY p.family_name, p.given_name, r.id",
            (UuidText(id), organisation),
        )
        .await?;
    Ok(RunRecord {
        id: row.id.into(),
        programme_id: row.programme_id,
        run_by: row.run_by,
        run_at: row.run_at,
        people: small(row.people),
        supporters: small(row.supporters),
        candidate_pairs: small(row.candidate_pairs),
        total_score: row.total_score,
        rules: serde_json::from_str(&row.rules).map_err(|e| DbError::corrupt("matching run", e))?,
        proposals: proposals
            .into_iter()
            .map(ProposalRecord::try_from)
            .collect::<DbResult<_>>()?,
        unmatched: unmatched
            .into_iter()
            .map(UnmatchedRecord::try_from)
            .collect::<DbResult<_>>()?,
    })
}

/// The newest run of a programme, if any.
#[instrument(skip_all)]
pub async fn latest(
    db: &Db,
    organisation: OrganisationId,
    programme: ProgrammeId,
) -> DbResult<Option<Uuid>> {
    let id: Option<UuidText> = db
        .optional_scalar(
            "SELECT id FROM matching_runs WHERE organisation_id = $1 AND programme_id = $2
             ORDER BY run_at DESC, id DESC LIMIT 1",
            (organisation, programme),
        )
        .await?;
    Ok(id.map(Uuid::from))
}

/// One proposal, read inside a transaction before a decision.
#[instrument(skip_all)]
pub async fn proposal_in(
    tx: &mut Tx,
    organisation: OrganisationId,
    id: Uuid,
) -> DbResult<ProposalRecord> {
    let sql = format!("{PROPOSALS} WHERE mp.id = $1 AND mr.organisation_id = $2");
    let row: ProposalRow = tx.fetch_one(&sql, (UuidText(id), organisation)).await?;
    row.try_into()
}

/// Records the coordinator's decision on a proposal.
#[instrument(skip_all)]
pub async fn decide(
    tx: &mut Tx,
    id: Uuid,
    status: ProposalStatus,
    match_id: Option<Uuid>,
    reject_reason: &str,
    by: AccountId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.change(
        "UPDATE matching_proposals SET status = $1, match_id = $2, reject_reason = $3, decided_by = $4, decided_at = $5
         WHERE id = $6 AND status = $7",
        (
            status.as_str(),
            match_id.map(UuidText),
            reject_reason,
            by,
            now,
            UuidText(id),
            ProposalStatus::Open.as_str(),
        ),
    )
    .await
}
