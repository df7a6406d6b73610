//! Self-referral, the coordinator's queue, and triage.

use std::net::IpAddr;
use std::time::Instant;

use alongside_db::audit::{self as audit_log, AuditEntry};
use alongside_db::referrals::{
    self, QueueEntry, ReferralEventRecord, ReferralRecord, StatusChange,
};
use alongside_db::{DbError, organisations, programmes};
use alongside_domain::audit::AuditEvent;
use alongside_domain::programme::ProgrammeStatus;
use alongside_domain::referral::{
    DeclineReason, ReferralEvent, ReferralStatus, SelfReferral, SelfReferralInput,
};
use alongside_domain::validation::text;
use alongside_domain::{FieldErrors, ProgrammeId};
use chrono::Utc;
use rand::Rng as _;
use uuid::Uuid;

use super::{audit, audit_view};
use crate::auth::Permit;
use crate::auth::actions::{TriageReferrals, ViewReferrals};
use crate::{AppState, Error};

/// Letters of a reference: no 0/O, 1/I/L or U, so it can be read over the phone.
const REFERENCE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

fn new_reference() -> String {
    let mut rng = rand::thread_rng();
    let code: String = (0..8)
        .map(|_| char::from(REFERENCE_ALPHABET[rng.gen_range(0..REFERENCE_ALPHABET.len())]))
        .collect();
    format!("R-{}-{}", &code[..4], &code[4..])
}

/// What the public form answers.
#[derive(Debug)]
pub struct Referred {
    /// The reference to quote.
    pub reference: String,
}

/// The organisation a public referral link names.
///
/// # Errors
/// [`Error::NotFound`] for an unknown link.
pub async fn organisation(
    state: &AppState,
    slug: &str,
) -> Result<organisations::Organisation, Error> {
    organisations::find_by_slug(state.db(), slug)
        .await?
        .ok_or(Error::NotFound)
}

/// Takes a self-referral from the public form. A filled honeypot field means
/// a bot: it gets the same answer and nothing is stored.
///
/// # Errors
/// [`Error::Invalid`] with every problem; [`Error::TooManyRequests`] past the
/// per-address limit. Nothing is stored then.
pub async fn self_refer(
    state: &AppState,
    slug: &str,
    input: &SelfReferralInput,
    honeypot: &str,
    client: IpAddr,
    request_id: Option<&str>,
) -> Result<Referred, Error> {
    let organisation = organisation(state, slug).await?;
    let referral = SelfReferral::validate(input, Utc::now().date_naive())?;
    if !state.self_referral_limiter().allow(client, Instant::now()) {
        return Err(Error::TooManyRequests);
    }
    if !honeypot.trim().is_empty() {
        tracing::info!("self-referral with the hidden field filled in was dropped");
        return Ok(Referred {
            reference: new_reference(),
        });
    }
    // A clash of references is one in a trillion; try again rather than fail.
    for _ in 0..3 {
        let reference = new_reference();
        let now = Utc::now();
        let mut tx = state.db().begin().await?;
        let id = match referrals::create_self_referral(
            &mut tx,
            organisation.id,
            &referral,
            &reference,
            now,
        )
        .await
        {
            Ok(id) => id,
            Err(DbError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        let entry = AuditEntry {
            organisation: Some(organisation.id),
            actor: None,
            event: AuditEvent::Create,
            entity: "referral",
            entity_id: Some(id.to_string()),
            detail: "self-referral received".into(),
            request_id,
        };
        audit_log::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        return Ok(Referred { reference });
    }
    Err(Error::Internal(
        "could not choose a free referral reference".into(),
    ))
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

/// The queue, oldest first.
///
/// # Errors
/// When the database fails.
pub async fn queue(
    state: &AppState,
    permit: &Permit<ViewReferrals>,
    view: QueueView,
) -> Result<Vec<QueueEntry>, Error> {
    Ok(referrals::queue(state.db(), permit.actor().organisation_id, view.statuses()).await?)
}

/// A referral with the person's details and its history; the view is audited.
///
/// # Errors
/// [`Error::NotFound`] for another organisation's referral.
pub async fn show(
    state: &AppState,
    permit: &Permit<ViewReferrals>,
    id: Uuid,
) -> Result<(ReferralRecord, Vec<ReferralEventRecord>), Error> {
    let organisation = permit.actor().organisation_id;
    let record = referrals::find(state.db(), organisation, id).await?;
    let history = referrals::history(state.db(), organisation, id).await?;
    audit_view(state, permit, "referral", id, "referral and person viewed").await?;
    Ok((record, history))
}

/// What the coordinator decided, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TriageInput {
    /// start, accept, signpost, decline or close.
    pub decision: String,
    /// The programme to accept onto.
    pub programme: String,
    /// The reason for declining.
    pub reason: String,
    /// Where the person was signposted, or any other note.
    pub note: String,
}

/// Moves a referral on through the domain's state machine, with its history
/// entry and audit entry in one transaction.
///
/// # Errors
/// [`Error::Invalid`] for a missing choice; [`Error::IllegalTransition`] for a
/// move the status does not allow.
pub async fn triage(
    state: &AppState,
    permit: &Permit<TriageReferrals>,
    id: Uuid,
    input: &TriageInput,
) -> Result<ReferralStatus, Error> {
    let organisation = permit.actor().organisation_id;
    let mut errors = FieldErrors::new();
    let note = errors
        .check("note", text(&input.note, "a note", 0, 2000))
        .unwrap_or_default();
    let mut programme = None;
    let mut decline_reason = None;
    let event = match input.decision.as_str() {
        "start" => Some(ReferralEvent::StartTriage),
        "accept" => {
            match input.programme.parse::<ProgrammeId>() {
                Ok(p) => programme = Some(p),
                Err(_) => errors.add(
                    "programme",
                    "Choose the programme whose waiting list the person joins",
                ),
            }
            Some(ReferralEvent::Accept)
        }
        "signpost" => {
            if note.is_empty() {
                errors.add("note", "Say where the person was signposted to");
            }
            Some(ReferralEvent::Signpost)
        }
        "decline" => match DeclineReason::ALL
            .into_iter()
            .find(|r| r.as_str() == input.reason)
        {
            Some(reason) => {
                decline_reason = Some(reason);
                Some(ReferralEvent::Decline(reason))
            }
            None => {
                errors.add("reason", "Choose why the referral is declined");
                None
            }
        },
        "close" => Some(ReferralEvent::Close),
        _ => {
            errors.add("decision", "Choose what happens next");
            None
        }
    };
    let Some(event) = event.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };

    let mut tx = state.db().begin().await?;
    if let Some(p) = programme {
        let chosen = programmes::find_in(&mut tx, organisation, p)
            .await
            .map_err(|e| match e {
                DbError::NotFound => FieldErrors::one(
                    "programme",
                    "Choose the programme whose waiting list the person joins",
                )
                .into(),
                other => Error::from(other),
            })?;
        if chosen.status != ProgrammeStatus::Active {
            return Err(FieldErrors::one(
                "programme",
                "That programme is archived: choose an active one",
            )
            .into());
        }
    }
    let current = referrals::find_in(&mut tx, organisation, id).await?;
    let status = current.summary.status.apply(event)?;
    let words = match (event, decline_reason) {
        (ReferralEvent::Decline(_), Some(reason)) if note.is_empty() => reason.label().to_owned(),
        (ReferralEvent::Decline(_), Some(reason)) => format!("{}: {note}", reason.label()),
        _ if note.is_empty() => event.done().to_owned(),
        _ => format!("{}: {note}", event.done()),
    };
    let change = StatusChange {
        status,
        programme,
        decline_reason,
        actor: permit.actor().account_id,
        note: &words,
    };
    referrals::change_status(&mut tx, organisation, id, change, Utc::now()).await?;
    audit(
        &mut tx,
        permit,
        AuditEvent::Update,
        "referral",
        id,
        format!("{} → {}", current.summary.status.as_str(), status.as_str()),
    )
    .await?;
    tx.commit().await?;
    Ok(status)
}
