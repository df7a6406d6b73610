//! Private links: made by staff or emailed as a timepoint's window opens,
//! with a reminder, and answers given through them without an account.

use std::collections::HashMap;

use alongside_db::outbox::{self, Email};
use alongside_db::outcomes::{self, Link, NewLink};
use alongside_db::referrals::{self, ReferralRecord};
use alongside_domain::audit::AuditEvent;
use alongside_domain::consent::ConsentScope;
use alongside_domain::schedule::{Schedule, Span};
use alongside_domain::{AccountId, FieldErrors, OrganisationId, ProgrammeId};
use chrono::{Duration, NaiveDate};
use uuid::Uuid;

use super::responses::{Given, Questionnaire, ReadAnswers, check, questionnaire, store};
use super::schedule::{followed_programme, schedule_of, timepoint_at};
use crate::actions::EnterOutcomes;
use crate::tokens::{hash_token, new_token};
use crate::{Audit, Context, Error, Permit};

/// How long a private link works.
pub const LINK_DAYS: i64 = 30;

/// Days after an emailed link before a reminder goes, unless answered.
pub const REMIND_AFTER_DAYS: i64 = 7;

/// Makes a private link for the person to answer the questionnaires of the
/// timepoint at `index` of their programme's schedule (shown once, stored
/// only as a hash), and emails it with a reminder later when the person
/// agreed to email.
///
/// # Errors
/// [`Error::NotFound`] for an unknown timepoint; [`Error::Invalid`] when the
/// person is not on a programme or has not agreed to outcome
/// questionnaires.
pub async fn make_link(
    ctx: &Context,
    permit: &Permit<EnterOutcomes>,
    referral: Uuid,
    index: &str,
) -> Result<(String, LinkMade), Error> {
    let organisation = permit.actor().organisation_id;
    let record = referrals::find(ctx.db(), ctx.data_key(), organisation, referral).await?;
    let programme = followed_programme(&record)?;
    let timepoint = timepoint_at(&schedule_of(ctx, organisation, programme).await?, index)?;
    if !record
        .person
        .consents_in_force()
        .contains(&ConsentScope::OutcomeQuestionnaires)
    {
        return Err(FieldErrors::one(
            "timepoint",
            "The person has not agreed to outcome questionnaires: record their consent first",
        )
        .into());
    }
    let mut tx = ctx.db().begin().await?;
    let made = send_link(
        &mut tx,
        ctx,
        organisation,
        &record,
        &timepoint,
        Some(permit.actor().account_id),
    )
    .await?;
    Audit::created(
        "questionnaire_link",
        referral,
        format!(
            "private link made for {timepoint}{}",
            if made.emailed_to.is_some() {
                ", emailed"
            } else {
                ""
            }
        ),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok((timepoint, made))
}

/// The person's email address, when they agreed to be emailed.
fn email_of(record: &ReferralRecord) -> Option<String> {
    record.person.email.clone().filter(|_| {
        record
            .person
            .consents_in_force()
            .contains(&ConsentScope::ContactByEmail)
    })
}

/// Stores a new link for `timepoint` and, with an address the person
/// agreed to be emailed at, emails it now with a reminder waiting in the
/// outbox until it is answered.
async fn send_link(
    tx: &mut alongside_db::Tx,
    ctx: &Context,
    organisation: OrganisationId,
    record: &ReferralRecord,
    timepoint: &str,
    created_by: Option<AccountId>,
) -> Result<LinkMade, Error> {
    let token = new_token("q_");
    let now = ctx.now();
    let url = format!(
        "{}/q/{token}",
        ctx.settings().public_url.trim_end_matches('/')
    );
    let email_to = email_of(record);
    let mut reminder_id = None;
    if let Some(to) = &email_to {
        let name = if record.person.preferred_name.is_empty() {
            &record.person.given_name
        } else {
            &record.person.preferred_name
        };
        let body = format!(
            "Dear {name},\n\nWe would be grateful if you could answer a few short questions about how things are for you ({timepoint}). They help us know whether peer support is helping, and improve it.\n\n{url}\n\nThe link is yours alone, works once and lasts {LINK_DAYS} days. You can save your answers and finish later.\n"
        );
        let email = Email {
            organisation: Some(organisation),
            to,
            subject: "A few questions about how things are for you",
            body: &body,
        };
        outbox::enqueue(tx, ctx.data_key(), &email, now).await?;
        let reminder = Email {
            subject: "Reminder: a few questions about how things are for you",
            ..email.clone()
        };
        reminder_id = Some(
            outbox::schedule(
                tx,
                ctx.data_key(),
                &reminder,
                now,
                now + Duration::days(REMIND_AFTER_DAYS),
            )
            .await?,
        );
    }
    outcomes::create_link(
        tx,
        organisation,
        &NewLink {
            referral_id: record.summary.id,
            timepoint,
            token_hash: &hash_token(&token),
            created_by,
            expires_at: now + Duration::days(LINK_DAYS),
            reminder_id,
        },
        now,
    )
    .await?;
    Ok(LinkMade {
        url,
        emailed_to: email_to,
    })
}

/// Emails a private link to everyone whose timepoint window is open on
/// `today`, who has had no link and given no answers for it yet, and who
/// agreed both to outcome questionnaires and to email. Others are asked by
/// staff, who see the open window on the referral. Returns how many links
/// went.
///
/// # Errors
/// When the database fails; links already sent stay sent.
pub async fn send_links_as_windows_open(ctx: &Context, today: NaiveDate) -> Result<usize, Error> {
    let followed = outcomes::followed(ctx.db()).await?;
    let mut schedules: HashMap<OrganisationId, Vec<(ProgrammeId, Schedule)>> = HashMap::new();
    let mut sent = 0;
    for f in followed {
        if let std::collections::hash_map::Entry::Vacant(e) = schedules.entry(f.organisation_id) {
            e.insert(outcomes::schedules(ctx.db(), f.organisation_id).await?);
        }
        let Some((_, schedule)) = schedules[&f.organisation_id]
            .iter()
            .find(|(p, _)| *p == f.programme_id)
        else {
            continue;
        };
        let span = Span::between(f.placed_at, f.ended_at);
        let due: Vec<String> = schedule
            .open_on(span, today)
            .into_iter()
            .filter(|t| !f.asked.contains(&t.name))
            .map(|t| t.name.clone())
            .collect();
        if due.is_empty() {
            continue;
        }
        let record =
            referrals::find(ctx.db(), ctx.data_key(), f.organisation_id, f.referral_id).await?;
        let consents = record.person.consents_in_force();
        if !consents.contains(&ConsentScope::OutcomeQuestionnaires) || email_of(&record).is_none() {
            continue;
        }
        for timepoint in due {
            let mut tx = ctx.db().begin().await?;
            match send_link(&mut tx, ctx, f.organisation_id, &record, &timepoint, None).await {
                Ok(_) => {}
                // Another process sent it a moment ago.
                Err(Error::Conflict(_)) => continue,
                Err(e) => return Err(e),
            }
            let entry = alongside_db::audit::AuditEntry {
                organisation: Some(f.organisation_id),
                actor: None,
                event: AuditEvent::Create,
                entity: "questionnaire_link",
                entity_id: Some(f.referral_id.to_string()),
                detail: format!("private link emailed for {timepoint} as its window opened"),
                request_id: None,
            };
            alongside_db::audit::record(&mut tx, &entry, ctx.now()).await?;
            tx.commit().await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// A private link just made.
#[derive(Debug, Clone)]
pub struct LinkMade {
    /// The link (shown once; only its hash is kept).
    pub url: String,
    /// Where it was emailed, when it was.
    pub emailed_to: Option<String>,
}

/// Why a private link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// No such link.
    Unknown,
    /// Used to submit already, or out of date.
    Closed,
}

/// The link of `token` and its questionnaire.
///
/// # Errors
/// [`LinkProblem`] for an unknown, used or expired link; the database's
/// failure as [`Error`].
pub async fn open_link(
    ctx: &Context,
    token: &str,
) -> Result<Result<(Link, Questionnaire), LinkProblem>, Error> {
    let Some(link) = outcomes::find_link(ctx.db(), &hash_token(token)).await? else {
        return Ok(Err(LinkProblem::Unknown));
    };
    if link.used_at.is_some() || link.expires_at < ctx.now() {
        return Ok(Err(LinkProblem::Closed));
    }
    let q = questionnaire(
        ctx,
        link.organisation_id,
        link.programme_id,
        link.referral_id,
        &link.timepoint,
        false,
    )
    .await?;
    Ok(Ok((link, q)))
}

/// What became of answers sent through a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// Kept as a draft; the link still works.
    Saved,
    /// Submitted; the link is closed.
    Submitted,
}

/// Saves or submits answers given through the link of `token`, read from
/// its [`Questionnaire`] (see [`open_link`]).
///
/// # Errors
/// The link's problem, or [`Error::Invalid`] for answers that do not fit
/// the questionnaire, or the database's failure.
pub async fn answer_link(
    ctx: &Context,
    token: &str,
    answers: &ReadAnswers,
    submit: bool,
) -> Result<Answered, AnswerError> {
    let (link, q) = open_link(ctx, token)
        .await
        .map_err(AnswerError::Failed)?
        .map_err(AnswerError::Link)?;
    check(&q, answers, submit).map_err(AnswerError::Failed)?;
    let failed = |e: alongside_db::DbError| AnswerError::Failed(e.into());
    let mut tx = ctx.db().begin().await.map_err(failed)?;
    if submit {
        let used = outcomes::use_link(&mut tx, &hash_token(token), ctx.now())
            .await
            .map_err(failed)?;
        let Some(reminder) = used else {
            return Err(AnswerError::Link(LinkProblem::Closed));
        };
        // Answered: the reminder is no longer needed.
        if let Some(reminder) = reminder {
            outbox::cancel(&mut tx, reminder).await.map_err(failed)?;
        }
    }
    store(
        ctx,
        &mut tx,
        link.organisation_id,
        link.referral_id,
        &link.timepoint,
        answers,
        Given {
            submit,
            ..Given::default()
        },
    )
    .await
    .map_err(AnswerError::Failed)?;
    tx.commit().await.map_err(failed)?;
    Ok(if submit {
        Answered::Submitted
    } else {
        Answered::Saved
    })
}

/// Why answers through a link were not taken.
#[derive(Debug)]
pub enum AnswerError {
    /// The link cannot be used.
    Link(LinkProblem),
    /// Something failed.
    Failed(Error),
}
