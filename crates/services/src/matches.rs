//! Matching a person on a waiting list with a peer supporter by hand: the
//! candidates and why some cannot be chosen, the proposal, the answers of
//! both, and what follows (placed, or the pair excluded).

use alongside_db::matches::{self, MatchRecord};
use alongside_db::matching_runs;
use alongside_db::referrals::{self, ReferralRecord, StatusChange};
use alongside_db::supporters::{self, Supporter};
use alongside_domain::consent::may_share_with_peer;
use alongside_domain::peer_match::{ExclusionReason, MatchStatus, ProposalStatus, Side};
use alongside_domain::referral::{ReferralEvent, ReferralStatus};
use alongside_domain::supporter::not_matchable;
use alongside_domain::{FieldErrors, SupporterId};
use uuid::Uuid;

use crate::Audit;
use crate::Permit;
use crate::actions::MatchPeople;
use crate::{Context, Error};

/// Places left in a supporter's caseload, given every supporter's
/// proposed and agreed matches.
pub(crate) fn free_places(
    supporter: &Supporter,
    caseloads: &std::collections::HashMap<alongside_domain::SupporterId, u32>,
) -> u32 {
    let taken = caseloads.get(&supporter.id).copied().unwrap_or(0);
    u32::from(supporter.details.capacity).saturating_sub(taken)
}

/// The matches proposed for a person's referral, with where each stands.
///
/// # Errors
/// When the database fails.
pub async fn for_referral(
    ctx: &Context,
    permit: &Permit<MatchPeople>,
    referral: Uuid,
) -> Result<Vec<MatchRecord>, Error> {
    Ok(matches::for_referral(ctx.db(), permit.actor().organisation_id, referral).await?)
}

/// A supporter as a candidate for one person.
#[derive(Debug)]
pub struct Candidate {
    /// The supporter.
    pub supporter: Supporter,
    /// Places left in their caseload.
    pub free_places: u32,
    /// Why they cannot be chosen now; empty when they can.
    pub blocked: Vec<String>,
    /// What the two share, in words, to help the choice.
    pub in_common: Vec<String>,
}

/// The organisation's active supporters as candidates for the person of
/// `record`, those who can be chosen first.
///
/// # Errors
/// When the database fails.
pub async fn candidates(
    ctx: &Context,
    permit: &Permit<MatchPeople>,
    record: &ReferralRecord,
) -> Result<Vec<Candidate>, Error> {
    let organisation = permit.actor().organisation_id;
    let today = ctx.now().date_naive();
    let caseloads = matches::caseloads(ctx.db(), organisation).await?;
    let excluded = matches::exclusions_for(ctx.db(), organisation, record.person.id).await?;
    let person = &record.person;
    let mut out: Vec<Candidate> = supporters::list(ctx.db(), organisation, false)
        .await?
        .into_iter()
        .map(|supporter| {
            let free_places = free_places(&supporter, &caseloads);
            let mut blocked: Vec<String> =
                not_matchable(&supporter.details, supporter.status, &[], today)
                    .iter()
                    .map(ToString::to_string)
                    .collect();
            if free_places == 0 {
                blocked.push("No free place".to_owned());
            }
            if let Some(reason) = excluded.get(&supporter.id) {
                blocked.push(format!("Excluded: {}", reason.label()));
            }
            let mut in_common = Vec::new();
            let shared: Vec<&str> = person
                .conditions
                .iter()
                .filter(|(c, _)| {
                    supporter.details.conditions.iter().any(|s| {
                        let (a, b) = (s.to_lowercase(), c.to_lowercase());
                        a.contains(&b) || b.contains(&a)
                    })
                })
                .map(|(c, _)| c.as_str())
                .collect();
            if !shared.is_empty() {
                in_common.push(format!("Lived with {}", shared.join(", ")));
            }
            if supporter
                .details
                .languages
                .iter()
                .any(|l| l.eq_ignore_ascii_case(&person.language))
                && !person.language.eq_ignore_ascii_case("English")
            {
                in_common.push(format!("Speaks {}", person.language));
            }
            let times = supporter
                .details
                .availability
                .iter()
                .filter(|s| person.preferences.availability.contains(&s.as_string()))
                .count();
            if times > 0 {
                in_common.push(format!("{times} weekly times in common"));
            }
            if supporter.details.postcode.outward()
                == person.postcode.split(' ').next().unwrap_or_default()
            {
                in_common.push("Same area".to_owned());
            }
            Candidate {
                supporter,
                free_places,
                blocked,
                in_common,
            }
        })
        .collect();
    out.sort_by_key(|c| (!c.blocked.is_empty(), std::cmp::Reverse(c.in_common.len())));
    Ok(out)
}

/// Proposes a match of the person on referral `id` with `supporter`.
///
/// # Errors
/// [`Error::Invalid`] when the supporter cannot be chosen or a proposal is
/// already open; [`Error::NotFound`] for another organisation's records.
pub async fn propose(
    ctx: &Context,
    permit: &Permit<MatchPeople>,
    id: Uuid,
    supporter: &str,
) -> Result<Uuid, Error> {
    propose_from_run(ctx, permit, id, supporter, None).await
}

/// Proposes a match as [`propose`] does; with `proposal`, the matching
/// run's proposal it comes from is marked accepted in the same transaction.
///
/// # Errors
/// As [`propose`]; [`Error::NotFound`] when the run's proposal was decided
/// meanwhile.
pub async fn propose_from_run(
    ctx: &Context,
    permit: &Permit<MatchPeople>,
    id: Uuid,
    supporter: &str,
    proposal: Option<Uuid>,
) -> Result<Uuid, Error> {
    let organisation = permit.actor().organisation_id;
    let record = referrals::find(ctx.db(), ctx.data_key(), organisation, id).await?;
    if record.summary.status != ReferralStatus::Accepted {
        return Err(FieldErrors::one(
            "supporter",
            "Only a person on a waiting list can be matched",
        )
        .into());
    }
    // A withdrawal is honoured here too: no consent to keep their details,
    // or sharing with a peer withdrawn, and there is no match to propose.
    let states: Vec<_> = record
        .person
        .consents
        .iter()
        .map(alongside_db::people::ConsentRecord::state)
        .collect();
    if !may_share_with_peer(&states) {
        return Err(FieldErrors::one(
            "supporter",
            "The person has withdrawn their consent to share their details with a peer supporter",
        )
        .into());
    }
    let open = matches::for_referral(ctx.db(), organisation, id).await?;
    if open.iter().any(|m| m.status == MatchStatus::Proposed) {
        return Err(FieldErrors::one(
            "supporter",
            "A match is already proposed: record the answers or withdraw it first",
        )
        .into());
    }
    let chosen: SupporterId = supporter
        .parse()
        .map_err(|_| FieldErrors::one("supporter", "Choose a peer supporter"))?;
    let candidates = candidates(ctx, permit, &record).await?;
    let Some(candidate) = candidates.iter().find(|c| c.supporter.id == chosen) else {
        return Err(FieldErrors::one("supporter", "Choose a peer supporter from the list").into());
    };
    if let Some(why) = candidate.blocked.first() {
        return Err(FieldErrors::one(
            "supporter",
            format!(
                "{} cannot be matched: {why}",
                candidate.supporter.details.name
            ),
        )
        .into());
    }
    let now = ctx.now();
    let account = permit.actor().account_id;
    let mut tx = ctx.db().begin().await?;
    let match_id = matches::propose(&mut tx, organisation, id, chosen, account, now).await?;
    if let Some(proposal) = proposal {
        matching_runs::decide(
            &mut tx,
            proposal,
            ProposalStatus::Accepted,
            Some(match_id),
            "",
            account,
            now,
        )
        .await?;
    }
    referrals::note(
        &mut tx,
        ctx.data_key(),
        organisation,
        id,
        account,
        &format!("match proposed with {}", candidate.supporter.details.name),
        now,
    )
    .await?;
    Audit::created("match", match_id, "match proposed")
        .commit(ctx, tx, permit)
        .await?;
    Ok(match_id)
}

/// What a coordinator recorded about a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// One side answered.
    Answer(Side, bool),
    /// The coordinator took the proposal back.
    Withdraw,
}

/// Records an answer or a withdrawal. Both yes: the match is agreed and the
/// referral placed. One no: the pair is excluded from later proposals.
/// Returns the referral the match belongs to.
///
/// # Errors
/// [`Error::IllegalTransition`] for a proposal no longer open.
pub async fn decide(
    ctx: &Context,
    permit: &Permit<MatchPeople>,
    match_id: Uuid,
    decision: Decision,
) -> Result<Uuid, Error> {
    let organisation = permit.actor().organisation_id;
    let account = permit.actor().account_id;
    let now = ctx.now();
    let mut tx = ctx.db().begin().await?;
    let current: MatchRecord = matches::find_in(&mut tx, organisation, match_id).await?;
    let (status, answers, words) = match decision {
        Decision::Answer(side, yes) => {
            let (status, answers) = current.status.answer(current.answers, side, yes)?;
            let who = match side {
                Side::Person => "the person",
                Side::Supporter => current.supporter_name.as_str(),
            };
            let said = if yes { "said yes" } else { "said no" };
            (status, answers, format!("{who} {said} to the match"))
        }
        Decision::Withdraw => (
            current.status.withdraw()?,
            current.answers,
            format!("match with {} withdrawn", current.supporter_name),
        ),
    };
    matches::set_status(&mut tx, organisation, match_id, status, answers, now).await?;
    let referral = current.referral_id;
    match status {
        MatchStatus::Agreed => {
            let placed = referrals::status_in(&mut tx, organisation, referral)
                .await?
                .apply(ReferralEvent::Place)?;
            let note = format!(
                "{words}; matched with {}, both agreed",
                current.supporter_name
            );
            let change = StatusChange {
                status: placed,
                programme: None,
                decline_reason: None,
                actor: account,
                note: &note,
            };
            referrals::change_status(&mut tx, ctx.data_key(), organisation, referral, change, now)
                .await?;
        }
        MatchStatus::Declined => {
            let person = referrals::find(ctx.db(), ctx.data_key(), organisation, referral)
                .await?
                .person
                .id;
            matches::exclude(
                &mut tx,
                organisation,
                person,
                current.supporter_id,
                ExclusionReason::DeclinedBefore,
                account,
                now,
            )
            .await?;
        }
        MatchStatus::Proposed | MatchStatus::Withdrawn => {}
    }
    // Placing writes its own history entry; every other answer is noted.
    if status != MatchStatus::Agreed {
        referrals::note(
            &mut tx,
            ctx.data_key(),
            organisation,
            referral,
            account,
            &words,
            now,
        )
        .await?;
    }
    Audit::updated(
        "match",
        match_id,
        format!("{} → {}", current.status.as_str(), status.as_str()),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(referral)
}
