//! What aggregate reports are computed from: one row per referral with its
//! dates, read in one query; no names.

use alongside_domain::referral::{ReferralSource, ReferralStatus};
use alongside_domain::{OrganisationId, ProgrammeId};
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::query::Run;
use crate::{Db, DbError, DbResult};

/// The facts of one referral a report counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralFact {
    /// Who referred.
    pub source: ReferralSource,
    /// Where it stands.
    pub status: ReferralStatus,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// When the person was first contacted.
    pub first_contact_at: Option<DateTime<Utc>>,
    /// When the person was placed (matched or in a group).
    pub placed_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct FactRow {
    source: String,
    status: String,
    received_at: DateTime<Utc>,
    first_contact_at: Option<DateTime<Utc>>,
    placed_at: Option<DateTime<Utc>>,
}

impl TryFrom<FactRow> for ReferralFact {
    type Error = DbError;

    fn try_from(row: FactRow) -> DbResult<Self> {
        let bad = |e: &str| DbError::corrupt("referral", e);
        Ok(Self {
            source: row.source.parse().map_err(bad)?,
            status: row.status.parse().map_err(bad)?,
            received_at: row.received_at,
            first_contact_at: row.first_contact_at,
            placed_at: row.placed_at,
        })
    }
}

/// The organisation's referrals (of one programme, if given), as facts.
#[instrument(skip_all)]
pub async fn referral_facts(
    db: &Db,
    organisation: OrganisationId,
    programme: Option<ProgrammeId>,
) -> DbResult<Vec<ReferralFact>> {
    let rows: Vec<FactRow> = db
        .fetch_all(
            "SELECT r.source, r.status, r.received_at, r.first_contact_at, m.placed_at
             FROM referrals r JOIN referral_moments m ON m.referral_id = r.id
             WHERE r.organisation_id = $1 AND ($2 IS NULL OR r.programme_id = $2)",
            (organisation, programme),
        )
        .await?;
    rows.into_iter().map(ReferralFact::try_from).collect()
}

/// Matches by status (proposed, agreed, declined, withdrawn), for the
/// organisation or one programme.
#[instrument(skip_all)]
pub async fn match_counts(
    db: &Db,
    organisation: OrganisationId,
    programme: Option<ProgrammeId>,
) -> DbResult<Vec<(String, i64)>> {
    let rows: Vec<MatchCount> = db
        .fetch_all(
            "SELECT m.status, COUNT(*) AS matches FROM matches m JOIN referrals r ON r.id = m.referral_id
             WHERE m.organisation_id = $1 AND ($2 IS NULL OR r.programme_id = $2)
             GROUP BY m.status ORDER BY m.status",
            (organisation, programme),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.status, row.matches))
        .collect())
}

#[derive(sqlx::FromRow)]
struct MatchCount {
    status: String,
    matches: i64,
}
