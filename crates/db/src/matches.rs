//! Matches of people with peer supporters, and the pairs excluded from
//! being proposed again.

use std::collections::HashMap;

use alongside_domain::peer_match::{Answers, ExclusionReason, MatchStatus};
use alongside_domain::{AccountId, OrganisationId, SupporterId};
use chrono::{DateTime, Utc};
use tracing::instrument;
use uuid::Uuid;

use crate::query::Run;
use crate::{Db, DbError, DbResult, Tx, UuidText};

/// A match as its referral's page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchRecord {
    /// The match.
    pub id: Uuid,
    /// The referral it answers.
    pub referral_id: Uuid,
    /// The supporter.
    pub supporter_id: SupporterId,
    /// The supporter's name.
    pub supporter_name: String,
    /// Where it stands.
    pub status: MatchStatus,
    /// The answers so far.
    pub answers: Answers,
    /// Who proposed it, by name.
    pub proposed_by: Option<String>,
    /// When.
    pub proposed_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: UuidText,
    referral_id: UuidText,
    supporter_id: SupporterId,
    supporter_name: String,
    status: String,
    person_answer: Option<bool>,
    supporter_answer: Option<bool>,
    proposed_by: Option<String>,
    proposed_at: DateTime<Utc>,
}

impl TryFrom<Row> for MatchRecord {
    type Error = DbError;

    fn try_from(row: Row) -> DbResult<Self> {
        Ok(Self {
            id: row.id.into(),
            referral_id: row.referral_id.into(),
            supporter_id: row.supporter_id,
            supporter_name: row.supporter_name,
            status: row
                .status
                .parse()
                .map_err(|e: &str| DbError::corrupt("match", e))?,
            answers: Answers {
                person: row.person_answer,
                supporter: row.supporter_answer,
            },
            proposed_by: row.proposed_by,
            proposed_at: row.proposed_at,
        })
    }
}

const SELECT: &str = "SELECT m.id, m.referral_id, m.supporter_id, s.name AS supporter_name, m.status, m.person_answer,
        m.supporter_answer, a.display_name AS proposed_by, m.proposed_at
     FROM matches m JOIN supporters s ON s.id = m.supporter_id LEFT JOIN accounts a ON a.id = m.proposed_by";

/// Stores a proposed match.
#[instrument(skip_all)]
pub async fn propose(
    tx: &mut Tx,
    organisation: OrganisationId,
    referral: Uuid,
    supporter: SupporterId,
    by: AccountId,
    now: DateTime<Utc>,
) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    tx.execute(
        "INSERT INTO matches (id, organisation_id, referral_id, supporter_id, status, proposed_by, proposed_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        (
            UuidText(id),
            organisation,
            UuidText(referral),
            supporter,
            MatchStatus::Proposed.as_str(),
            by,
            now,
        ),
    )
    .await?;
    Ok(id)
}

/// The matches of a referral, newest first.
#[instrument(skip_all)]
pub async fn for_referral(
    db: &Db,
    organisation: OrganisationId,
    referral: Uuid,
) -> DbResult<Vec<MatchRecord>> {
    let sql = format!(
        "{SELECT} WHERE m.referral_id = $1 AND m.organisation_id = $2 ORDER BY m.proposed_at DESC, m.id"
    );
    let rows: Vec<Row> = db
        .fetch_all(&sql, (UuidText(referral), organisation))
        .await?;
    rows.into_iter().map(MatchRecord::try_from).collect()
}

/// One match, read inside a transaction before a change.
#[instrument(skip_all)]
pub async fn find_in(tx: &mut Tx, organisation: OrganisationId, id: Uuid) -> DbResult<MatchRecord> {
    let sql = format!("{SELECT} WHERE m.id = $1 AND m.organisation_id = $2");
    let row: Row = tx.fetch_one(&sql, (UuidText(id), organisation)).await?;
    row.try_into()
}

/// Stores a match's new status and answers.
#[instrument(skip_all)]
pub async fn set_status(
    tx: &mut Tx,
    organisation: OrganisationId,
    id: Uuid,
    status: MatchStatus,
    answers: Answers,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.change(
        "UPDATE matches SET status = $1, person_answer = $2, supporter_answer = $3, updated_at = $4
         WHERE id = $5 AND organisation_id = $6",
        (
            status.as_str(),
            answers.person,
            answers.supporter,
            now,
            UuidText(id),
            organisation,
        ),
    )
    .await
}

#[derive(sqlx::FromRow)]
struct CaseloadRow {
    supporter_id: SupporterId,
    places: i64,
}

/// Places taken in each supporter's caseload (proposed or agreed matches).
#[instrument(skip_all)]
pub async fn caseloads(
    db: &Db,
    organisation: OrganisationId,
) -> DbResult<HashMap<SupporterId, u32>> {
    let rows: Vec<CaseloadRow> = db
        .fetch_all(
            "SELECT supporter_id, COUNT(*) AS places FROM matches WHERE organisation_id = $1 AND status IN ('proposed', 'agreed')
             GROUP BY supporter_id",
            (organisation,),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                row.supporter_id,
                u32::try_from(row.places).unwrap_or(u32::MAX),
            )
        })
        .collect())
}

/// Records that a pair must not be proposed again (kept once per pair; a
/// later reason replaces an earlier one).
#[instrument(skip_all)]
pub async fn exclude(
    tx: &mut Tx,
    organisation: OrganisationId,
    person: Uuid,
    supporter: SupporterId,
    reason: ExclusionReason,
    by: AccountId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "INSERT INTO match_exclusions (organisation_id, person_id, supporter_id, reason, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (person_id, supporter_id) DO UPDATE SET reason = excluded.reason, recorded_by = excluded.recorded_by,
            recorded_at = excluded.recorded_at",
        (
            organisation,
            UuidText(person),
            supporter,
            reason.as_str(),
            by,
            now,
        ),
    )
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ExclusionRow {
    supporter_id: SupporterId,
    reason: String,
}

/// The supporters excluded for a person, with why.
#[instrument(skip_all)]
pub async fn exclusions_for(
    db: &Db,
    organisation: OrganisationId,
    person: Uuid,
) -> DbResult<HashMap<SupporterId, ExclusionReason>> {
    let rows: Vec<ExclusionRow> = db
        .fetch_all(
            "SELECT supporter_id, reason FROM match_exclusions WHERE organisation_id = $1 AND person_id = $2",
            (organisation, UuidText(person)),
        )
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok((
                row.supporter_id,
                row.reason
                    .parse()
                    .map_err(|e: &str| DbError::corrupt("exclusion", e))?,
            ))
        })
        .collect()
}
