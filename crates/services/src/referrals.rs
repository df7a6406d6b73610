//! Every way in (self-referral, professional referral, API), the
//! coordinator's queue, triage, consent changes and the merge of duplicates.

use std::net::IpAddr;
use std::time::Instant;

use alongside_db::audit::{self as audit_log, AuditEntry};
use alongside_db::people::{self, LikelyDuplicate};
use alongside_db::referrals::{
    self, QueueEntry, QueueFilter, ReferralEventRecord, ReferralRecord, StatusChange, Submitted,
};
use alongside_db::{DbError, idempotency, organisations, outbox, programmes};
use alongside_domain::audit::AuditEvent;
use alongside_domain::consent::{ConsentChange, ConsentScope};
use alongside_domain::programme::ProgrammeStatus;
use alongside_domain::referral::{
    NewReferral, ReferralEvent, ReferralInput, ReferralSource, ReferralStatus, SelfReferralInput,
    TriageDecision,
};
use alongside_domain::validation::text;
use alongside_domain::{FieldErrors, OrganisationId, ProgrammeId};
use rand::Rng as _;
use uuid::Uuid;

use super::{Audit, audit_view};
use crate::Permit;
use crate::actions::{MakeReferrals, MergeRecords, RecordConsent, TriageReferrals, ViewReferrals};
use crate::{Context, Error};

/// Letters of a reference: no 0/O, 1/I/L or U, so it can be read over the phone.
const REFERENCE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

fn new_reference() -> String {
    let mut rng = rand::thread_rng();
    let code: String = (0..8)
        .map(|_| char::from(REFERENCE_ALPHABET[rng.gen_range(0..REFERENCE_ALPHABET.len())]))
        .collect();
    format!("R-{}-{}", &code[..4], &code[4..])
}

/// What a new referral answers.
#[derive(Debug)]
pub struct Referred {
    /// The reference to quote.
    pub reference: String,
    /// The referral's id (nil for a dropped bot submission).
    pub id: Uuid,
}

/// The organisation a public referral link names.
///
/// # Errors
/// [`Error::NotFound`] for an unknown link.
pub async fn organisation(ctx: &Context, slug: &str) -> Result<organisations::Organisation, Error> {
    organisations::find_by_slug(ctx.db(), slug)
        .await?
        .ok_or(Error::NotFound)
}

/// The organisation of whoever reads its referrals: its name, and the web
/// address of its self-referral form.
///
/// # Errors
/// When the database fails.
pub async fn home(
    ctx: &Context,
    permit: &Permit<ViewReferrals>,
) -> Result<organisations::Organisation, Error> {
    Ok(organisations::find(ctx.db(), permit.actor().organisation_id).await?)
}

/// Takes a self-referral from the public form. A filled honeypot field means
/// a bot: it gets the same answer and nothing is stored.
///
/// # Errors
/// [`Error::Invalid`] with every problem; [`Error::TooManyRequests`] past the
/// per-address limit. Nothing is stored then.
pub async fn self_refer(
    ctx: &Context,
    slug: &str,
    input: &SelfReferralInput,
    honeypot: &str,
    client: IpAddr,
    request_id: Option<&str>,
) -> Result<Referred, Error> {
    let organisation = organisation(ctx, slug).await?;
    let referral = NewReferral::from_self_referral(input, ctx.now().date_naive())?;
    if !ctx.self_referral_limiter().allow(client, Instant::now()) {
        return Err(Error::TooManyRequests);
    }
    if !honeypot.trim().is_empty() {
        tracing::info!("self-referral with the hidden field filled in was dropped");
        return Ok(Referred {
            reference: new_reference(),
            id: Uuid::nil(),
        });
    }
    let submitted = Submitted {
        by: None,
        note: "referred themself online",
        consent_recorded_by: None,
    };
    // Only to someone who agreed to email; the message holds the reference and
    // nothing of what they wrote.
    let acknowledgement = referral
        .person
        .email
        .as_ref()
        .filter(|_| referral.consents.contains(&ConsentScope::ContactByEmail))
        .map(|to| (to.as_str().to_owned(), organisation.name.clone()));
    store(
        ctx,
        organisation.id,
        &referral,
        submitted,
        request_id,
        None,
        acknowledgement,
    )
    .await
}

/// Stores a valid referral with its audit entry, choosing a free reference.
/// `also` runs in the same transaction once the referral exists (to
/// remember an idempotency key).
async fn store(
    ctx: &Context,
    organisation: OrganisationId,
    referral: &NewReferral,
    submitted: Submitted<'_>,
    request_id: Option<&str>,
    also: Option<(&str, &str)>,
    acknowledge: Option<(String, String)>,
) -> Result<Referred, Error> {
    // A clash of references is one in a trillion; try again rather than fail.
    for _ in 0..3 {
        let reference = new_reference();
        let now = ctx.now();
        let mut tx = ctx.db().begin().await?;
        let created = match referrals::create(
            &mut tx,
            ctx.data_key(),
            organisation,
            referral,
            &reference,
            submitted,
            now,
        )
        .await
        {
            Ok(created) => created,
            Err(DbError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        if let (Some((key, hash)), Some(account)) = (also, submitted.by) {
            let remembered = idempotency::Remembered {
                request_hash: hash.to_owned(),
                referral: created.referral,
            };
            idempotency::remember(&mut tx, account, key, &remembered, now).await?;
        }
        let entry = AuditEntry {
            organisation: Some(organisation),
            actor: submitted.by,
            event: AuditEvent::Create,
            entity: "referral",
            entity_id: Some(created.referral.to_string()),
            detail: format!("{} referral received", referral.source.as_str()),
            request_id,
        };
        audit_log::record(&mut tx, &entry, now).await?;
        if let Some((to, organisation_name)) = &acknowledge {
            let body = format!(
                "Thank you for asking {organisation_name} for peer support.\n\n\
                 Your reference is {reference}. Please quote it if you get in touch.\n\n\
                 A coordinator reads every request, usually within a week, and will contact you to talk about what would help.\n\n\
                 If you feel unwell or need help urgently, call 111, or 999 in an emergency.\n"
            );
            let email = outbox::Email {
                organisation: Some(organisation),
                to,
                subject: &format!("We have your request ({reference})"),
                body: &body,
            };
            outbox::enqueue(&mut tx, ctx.data_key(), &email, now).await?;
        }
        tx.commit().await?;
        return Ok(Referred {
            reference,
            id: created.referral,
        });
    }
    Err(Error::Internal(
        "could not choose a free referral reference".into(),
    ))
}

/// Checks that a programme asked for is one of the organisation's active ones.
async fn check_programme(
    ctx: &Context,
    organisation: OrganisationId,
    programme: Option<ProgrammeId>,
    field: &'static str,
) -> Result<(), Error> {
    let Some(programme) = programme else {
        return Ok(());
    };
    match programmes::find(ctx.db(), organisation, programme).await {
        Ok(p) if p.status == ProgrammeStatus::Active => Ok(()),
        Ok(_) => {
            Err(FieldErrors::one(field, "That programme is archived: choose an active one").into())
        }
        Err(DbError::NotFound) => {
            Err(FieldErrors::one(field, "Choose a programme from the list").into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Takes a referral from a signed-in referrer, coordinator or admin.
///
/// # Errors
/// [`Error::Invalid`] with every problem; nothing is stored then.
pub async fn refer(
    ctx: &Context,
    permit: &Permit<MakeReferrals>,
    input: &ReferralInput,
) -> Result<Referred, Error> {
    let referral = NewReferral::from_professional(input, ctx.now().date_naive())?;
    let organisation = permit.actor().organisation_id;
    check_programme(ctx, organisation, referral.programme, "programme").await?;
    let submitted = Submitted {
        by: Some(permit.actor().account_id),
        note: "referred by a professional",
        consent_recorded_by: Some(permit.actor().account_id),
    };
    store(
        ctx,
        organisation,
        &referral,
        submitted,
        permit.request_id.as_deref(),
        None,
        None,
    )
    .await
}

/// What an idempotent request answered.
#[derive(Debug)]
pub enum Outcome {
    /// A new referral was made.
    Created(Referred),
    /// The same request came before: its referral.
    Replayed(Uuid),
}

/// [`refer`] for the API: a request repeated with the same `key` and the same
/// body answers with the first referral; the same key with another body is
/// refused.
///
/// # Errors
/// As [`refer`]; [`Error::Conflict`] when the key was used for another request.
pub async fn refer_once(
    ctx: &Context,
    permit: &Permit<MakeReferrals>,
    key: &str,
    request_hash: &str,
    input: &ReferralInput,
) -> Result<Outcome, Error> {
    let account = permit.actor().account_id;
    let earlier = |remembered: idempotency::Remembered| {
        if remembered.request_hash == request_hash {
            Ok(Outcome::Replayed(remembered.referral))
        } else {
            Err(Error::Conflict(
                "This Idempotency-Key was used for a different request: use a new key for a new referral"
                    .into(),
            ))
        }
    };
    if let Some(remembered) = idempotency::find(ctx.db(), account, key).await? {
        return earlier(remembered);
    }
    let referral = NewReferral::from_professional(input, ctx.now().date_naive())?;
    let organisation = permit.actor().organisation_id;
    check_programme(ctx, organisation, referral.programme, "programme").await?;
    let submitted = Submitted {
        by: Some(account),
        note: "referred through the API",
        consent_recorded_by: Some(account),
    };
    match store(
        ctx,
        organisation,
        &referral,
        submitted,
        permit.request_id.as_deref(),
        Some((key, request_hash)),
        None,
    )
    .await
    {
        Ok(referred) => Ok(Outcome::Created(referred)),
        // A concurrent retry won the race: answer as it did.
        Err(Error::Conflict(_)) => match idempotency::find(ctx.db(), account, key).await? {
            Some(remembered) => earlier(remembered),
            None => Err(Error::internal("idempotency key vanished")),
        },
        Err(e) => Err(e),
    }
}

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

/// Moves a referral on through the domain's state machine, with its history
/// entry and audit entry in one transaction.
///
/// # Errors
/// [`Error::Invalid`] for a programme that is not there or archived;
/// [`Error::IllegalTransition`] for a move the status does not allow.
pub async fn triage(
    ctx: &Context,
    permit: &Permit<TriageReferrals>,
    id: Uuid,
    decision: &TriageDecision,
) -> Result<ReferralStatus, Error> {
    let organisation = permit.actor().organisation_id;
    let event = decision.event();
    let programme = decision.programme();
    let decline_reason = decision.decline_reason();
    let note = decision.note.as_str();

    let mut tx = ctx.db().begin().await?;
    let mut programme_name = None;
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
        programme_name = Some(chosen.details.name);
    }
    let current = referrals::status_in(&mut tx, organisation, id).await?;
    let status = current.apply(event)?;
    let words = match (event, decline_reason, programme_name) {
        (ReferralEvent::Decline(_), Some(reason), _) if note.is_empty() => {
            reason.label().to_owned()
        }
        (ReferralEvent::Decline(_), Some(reason), _) => format!("{}: {note}", reason.label()),
        (ReferralEvent::Signpost, _, Some(name)) if note.is_empty() => {
            format!("signposted to {name}")
        }
        (ReferralEvent::Signpost, _, Some(name)) => format!("signposted to {name}: {note}"),
        _ if note.is_empty() => event.done().to_owned(),
        _ => format!("{}: {note}", event.done()),
    };
    let change = StatusChange {
        status,
        // A signpost names the programme in the history; the referral's
        // programme stays the one asked for.
        programme: programme.filter(|_| event == ReferralEvent::Accept),
        decline_reason,
        actor: permit.actor().account_id,
        note: &words,
    };
    referrals::change_status(&mut tx, ctx.data_key(), organisation, id, change, ctx.now()).await?;
    Audit::updated(
        "referral",
        id,
        format!("{} → {}", current.as_str(), status.as_str()),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(status)
}

/// Records the first contact with the person: the waiting-time flag clears.
///
/// # Errors
/// [`Error::NotFound`] for another organisation's referral.
pub async fn record_first_contact(
    ctx: &Context,
    permit: &Permit<TriageReferrals>,
    id: Uuid,
    note: &str,
) -> Result<(), Error> {
    let note = text(note, "a note", 0, 2000).map_err(|e| FieldErrors::one("contact_note", e))?;
    let words = if note.is_empty() {
        "first contact made".to_owned()
    } else {
        format!("first contact made: {note}")
    };
    let mut tx = ctx.db().begin().await?;
    referrals::record_first_contact(
        &mut tx,
        ctx.data_key(),
        permit.actor().organisation_id,
        id,
        permit.actor().account_id,
        &words,
        ctx.now(),
    )
    .await?;
    Audit::updated("referral", id, "first contact recorded")
        .commit(ctx, tx, permit)
        .await?;
    Ok(())
}

/// Records a consent given, or its withdrawal, on the person of a referral.
///
/// # Errors
/// [`Error::Invalid`] when withdrawing a consent that is not in force.
pub async fn change_consent(
    ctx: &Context,
    permit: &Permit<RecordConsent>,
    id: Uuid,
    change: &ConsentChange,
) -> Result<(), Error> {
    let organisation = permit.actor().organisation_id;
    let scope = change.scope();
    let record = referrals::find(ctx.db(), ctx.data_key(), organisation, id).await?;
    let person = record.person.id;
    let now = ctx.now();
    let mut tx = ctx.db().begin().await?;
    let detail = if let ConsentChange::Given(_, method) = *change {
        people::record_consent(
            &mut tx,
            organisation,
            person,
            scope,
            method,
            Some(permit.actor().account_id),
            now,
        )
        .await?;
        format!("consent given: {} ({})", scope.as_str(), method.as_str())
    } else {
        let note = match change {
            ConsentChange::Withdrawn(_, note) => note.as_str(),
            ConsentChange::Given(..) => "",
        };
        let closed = people::withdraw_consent(
            &mut tx,
            organisation,
            person,
            scope,
            permit.actor().account_id,
            note,
            now,
        )
        .await?;
        if closed == 0 {
            return Err(FieldErrors::one(
                "scope",
                "That consent is not in force, so there is nothing to withdraw",
            )
            .into());
        }
        format!("consent withdrawn: {}", scope.as_str())
    };
    Audit::updated("person", person, detail)
        .commit(ctx, tx, permit)
        .await?;
    Ok(())
}

/// Merges another record of the same person into the person of referral
/// `id`; both histories are kept.
///
/// # Errors
/// [`Error::NotFound`] when the other record is not a likely duplicate in
/// this organisation.
pub async fn merge(
    ctx: &Context,
    permit: &Permit<MergeRecords>,
    id: Uuid,
    other: Uuid,
) -> Result<(), Error> {
    let organisation = permit.actor().organisation_id;
    let record = referrals::find(ctx.db(), ctx.data_key(), organisation, id).await?;
    // Only a record the duplicate check found may be merged from this page.
    let duplicates = people::likely_duplicates(ctx.db(), organisation, &record.person).await?;
    if !duplicates.iter().any(|d| d.person_id == other) {
        return Err(Error::NotFound);
    }
    let mut tx = ctx.db().begin().await?;
    people::merge(&mut tx, organisation, record.person.id, other).await?;
    referrals::move_to_person(
        &mut tx,
        ctx.data_key(),
        organisation,
        other,
        record.person.id,
        permit.actor().account_id,
        ctx.now(),
    )
    .await?;
    Audit::updated("person", other, format!("merged into {}", record.person.id))
        .commit(ctx, tx, permit)
        .await?;
    Ok(())
}

/// Stores many valid referrals in one transaction (an import): all of them
/// or, on any failure, none.
///
/// # Errors
/// When the database fails; nothing is stored then.
pub(crate) async fn store_all(
    ctx: &Context,
    permit: &Permit<TriageReferrals>,
    referrals_to_store: &[NewReferral],
    note: &str,
) -> Result<Vec<Referred>, Error> {
    let organisation = permit.actor().organisation_id;
    let account = permit.actor().account_id;
    let now = ctx.now();
    let mut tx = ctx.db().begin().await?;
    let mut stored = Vec::with_capacity(referrals_to_store.len());
    for referral in referrals_to_store {
        let submitted = Submitted {
            by: Some(account),
            note,
            consent_recorded_by: Some(account),
        };
        // A clash of references is one in a trillion; a clash fails the
        // whole import, which can simply be run again.
        let reference = new_reference();
        let created = referrals::create(
            &mut tx,
            ctx.data_key(),
            organisation,
            referral,
            &reference,
            submitted,
            now,
        )
        .await?;
        stored.push(Referred {
            reference,
            id: created.referral,
        });
    }
    Audit::created(
        "referral",
        Uuid::nil(),
        format!("{} referrals imported", stored.len()),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(stored)
}
