//! Reading referrals: the coordinator's queue and a referral's page, and a
//! referrer's own referrals.

use alongside_db::people::{self, LikelyDuplicate};
use alongside_db::referrals::{self, QueueEntry, QueueFilter, ReferralEventRecord, ReferralRecord};
use alongside_domain::ProgrammeId;
use alongside_domain::referral::{ReferralSource, ReferralStatus};
use uuid::Uuid;

use crate::actions::{MakeReferrals, ViewReferrals};
use crate::{Context, Error, Permit, audit_view};

/// The referrals the signed-in person made, newest first, with their outcome.
///
/// # Errors
/// When the database fails.
pub async fn mine(ctx: &Context, permit: &Permit<MakeReferrals>) -> Result<Vec<QueueEntry>, Error> {
    let filter = QueueFilter {
        statuses: &ReferralStatus::ALL,
        referrer: Some(permit.actor().account_id),
        ..QueueFilter::default()
    };
    let mut entries = referrals::queue(ctx.db(), permit.actor().organisation_id, &filter).await?;
    entries.reverse();
    Ok(entries)
}

/// One referral the signed-in person made; anyone else's is not found.
///
/// # Errors
/// [`Error::NotFound`] for a referral someone else made.
pub async fn one_of_mine(
    ctx: &Context,
    permit: &Permit<MakeReferrals>,
    id: Uuid,
) -> Result<ReferralRecord, Error> {
    let record =
        referrals::find(ctx.db(), ctx.data_key(), permit.actor().organisation_id, id).await?;
    if record.referrer_account_id != Some(permit.actor().account_id) {
        return Err(Error::NotFound);
    }
    Ok(record)
}

/// Which part of the queue to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueView {
    /// Received or in triage: work to do.
    New,
    /// Accepted onto a waiting list.
    Waiting,
    /// Signposted, declined, placed or closed.
    Done,
}

impl QueueView {
    /// The view a query value names; anything else is the new referrals.
    #[must_use]
    pub fn from_query(value: &str) -> Self {
        match value {
            "waiting" => Self::Waiting,
            "done" => Self::Done,
            _ => Self::New,
        }
    }

    fn statuses(self) -> &'static [ReferralStatus] {
        match self {
            Self::New => &[ReferralStatus::Received, ReferralStatus::InTriage],
            Self::Waiting => &[ReferralStatus::Accepted],
            Self::Done => &[
                ReferralStatus::Signposted,
                ReferralStatus::Declined,
                ReferralStatus::Placed,
                ReferralStatus::Closed,
            ],
        }
    }
}

/// Filters of the queue.
#[derive(Debug, Clone, Default)]
pub struct QueueSearch {
    /// Part of a name or reference (empty for any).
    pub q: String,
    /// Only referrals from this source.
    pub source: Option<ReferralSource>,
    /// Only referrals for this programme.
    pub programme: Option<ProgrammeId>,
}

/// The queue, oldest first, filtered.
///
/// # Errors
/// When the database fails.
pub async fn queue(
    ctx: &Context,
    permit: &Permit<ViewReferrals>,
    view: QueueView,
    search: &QueueSearch,
) -> Result<Vec<QueueEntry>, Error> {
    let filter = QueueFilter {
        statuses: view.statuses(),
        source: search.source,
        programme: search.programme,
        search: Some(search.q.as_str()),
        referrer: None,
    };
    Ok(referrals::queue(ctx.db(), permit.actor().organisation_id, &filter).await?)
}

/// A referral as its page shows it.
#[derive(Debug)]
pub struct ReferralPage {
    /// The referral and the person's record.
    pub record: ReferralRecord,
    /// Its history.
    pub history: Vec<ReferralEventRecord>,
    /// Other records that look like the same person.
    pub duplicates: Vec<LikelyDuplicate>,
}

/// A referral with the person's record, its history and likely duplicates;
/// the view is audited.
///
/// # Errors
/// [`Error::NotFound`] for another organisation's referral.
pub async fn show(
    ctx: &Context,
    permit: &Permit<ViewReferrals>,
    id: Uuid,
) -> Result<ReferralPage, Error> {
    let organisation = permit.actor().organisation_id;
    let record = referrals::find(ctx.db(), ctx.data_key(), organisation, id).await?;
    let history = referrals::history(ctx.db(), ctx.data_key(), organisation, id).await?;
    let duplicates = if record.person.merged_into.is_none() {
        let mut found = people::likely_duplicates(ctx.db(), organisation, &record.person).await?;
        referrals::add_references(ctx.db(), organisation, &mut found).await?;
        found
    } else {
        Vec::new()
    };
    audit_view(ctx, permit, "referral", id, "referral and person viewed").await?;
    Ok(ReferralPage {
        record,
        history,
        duplicates,
    })
}
