//! What aggregate reports are computed from: one row per referral with its
//! dates, read in one query; no names.

use alongside_domain::referral::{ReferralSource, ReferralStatus};
use alongside_domain::{OrganisationId, ProgrammeId};
use chrono::{DateTime, Utc};
use tracing::instrument;

use crate::{Db, DbError, DbResult, on_db};

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

/// The organisation's referrals (of one programme, if given), as facts.
#[instrument(skip_all)]
pub async fn referral_facts(
    db: &Db,
    organisation: OrganisationId,
    programme: Option<ProgrammeId>,
) -> DbResult<Vec<ReferralFact>> {
    type Row = (
        String,
        String,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    );
    let rows: Vec<Row> = on_db!(db, |p| {
        sqlx::query_as(
            "SELECT r.source, r.status, r.received_at, r.first_contact_at,
                    (SELECT MIN(e.occurred_at) FROM referral_events e WHERE e.referral_id = r.id AND e.status = 'placed')
             FROM referrals r WHERE r.organisation_id = $1 AND ($2 IS NULL OR r.programme_id = $2)"
        )
        .bind(organisation)
        .bind(programme)
        .fetch_all(p)
        .await
    })?;
    let bad = |e: &str| DbError::corrupt("referral", e);
    rows.into_iter()
        .map(
            |(source, status, received_at, first_contact_at, placed_at)| {
                Ok(ReferralFact {
                    source: source.parse().map_err(bad)?,
                    status: status.parse().map_err(bad)?,
                    received_at,
                    first_contact_at,
                    placed_at,
                })
            },
        )
        .collect()
}

/// Matches by status (proposed, agreed, declined, withdrawn), for the
/// organisation or one programme.
#[instrument(skip_all)]
pub async fn match_counts(
    db: &Db,
    organisation: OrganisationId,
    programme: Option<ProgrammeId>,
) -> DbResult<Vec<(String, i64)>> {
    let rows = on_db!(db, |p| sqlx::query_as(
        "SELECT m.status, COUNT(*) FROM matches m JOIN referrals r ON r.id = m.referral_id
         WHERE m.organisation_id = $1 AND ($2 IS NULL OR r.programme_id = $2)
         GROUP BY m.status ORDER BY m.status"
    )
    .bind(organisation)
    .bind(programme)
    .fetch_all(p)
    .await)?;
    Ok(rows)
}
