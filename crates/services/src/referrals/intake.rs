//! Every way in: the public self-referral form, a signed-in referrer, the
//! API (with idempotent retries) and an import, each stored with its
//! reference, history entry and audit entry.

use std::net::IpAddr;
use std::time::Instant;

use crate::{Audit, Context, Error, Permit};
use alongside_db::audit::{self as audit_log, AuditEntry};
use alongside_db::referrals::{self, Submitted};
use alongside_db::{DbError, idempotency, organisations, outbox, programmes};
use alongside_domain::audit::AuditEvent;
use alongside_domain::consent::ConsentScope;
use alongside_domain::programme::ProgrammeStatus;
use alongside_domain::referral::{NewReferral, ReferralInput, SelfReferralInput};
use alongside_domain::{FieldErrors, OrganisationId, ProgrammeId};
use rand::Rng as _;
use uuid::Uuid;

use crate::actions::{MakeReferrals, TriageReferrals, ViewReferrals};

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
