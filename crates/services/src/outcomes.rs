//! Outcome questionnaires of a person's support: which are due, private
//! links to answer them without an account, answers entered by staff on the
//! person's behalf, drafts, and submitted responses that are never changed
//! (a correction is a new version).

use std::collections::HashMap;

use alongside_db::feedback::{self, NewReflection};
use alongside_db::outbox::{self, Email};
use alongside_db::outcomes::{self, Link, NewLink, NewResponse, Response};
use alongside_db::referrals::{self, QueueEntry, ReferralRecord};
use alongside_domain::audit::AuditEvent;
use alongside_domain::consent::ConsentScope;
use alongside_domain::feedback::Reflection;
use alongside_domain::referral::ReferralStatus;
use alongside_domain::schedule::{Anchor, Schedule, Span};
use alongside_domain::{FieldErrors, OrganisationId, ProgrammeId};
use alongside_evaluation::instruments::{self, Instrument};
use alongside_evaluation::questionnaire::{Answer as OwnAnswer, Answers as OwnAnswers, ItemType};
use chrono::{Duration, NaiveDate};
use uuid::Uuid;

use super::audit;
use super::questionnaires::{self as own, Own};
use crate::Permit;
use crate::actions::EnterOutcomes;
use crate::tokens::{hash_token, new_token};
use crate::{Context, Error};

/// How long a private link works.
pub const LINK_DAYS: i64 = 30;

/// Days after an emailed link before a reminder goes, unless answered.
pub const REMIND_AFTER_DAYS: i64 = 7;

/// A programme's outcome schedule: its own, or the standard one.
///
/// # Errors
/// [`Error::NotFound`] for another organisation's programme.
pub async fn schedule_of(
    ctx: &Context,
    organisation: OrganisationId,
    programme: ProgrammeId,
) -> Result<Schedule, Error> {
    Ok(outcomes::schedule(ctx.db(), organisation, programme).await?)
}

/// The dates of a person's support: from being placed to the closure of
/// the referral; none before they are placed.
#[must_use]
pub fn span_of(summary: &QueueEntry) -> Option<Span> {
    summary
        .placed_at
        .map(|start| Span::between(start, summary.ended_at))
}

/// Whether the person is, or was, in support on a programme: accepted,
/// placed, or closed after being placed (follow-ups go on after the end).
fn followed(summary: &QueueEntry) -> bool {
    summary.programme_id.is_some()
        && match summary.status {
            ReferralStatus::Accepted | ReferralStatus::Placed => true,
            ReferralStatus::Closed => summary.ended_at.is_some(),
            _ => false,
        }
}

/// The timepoint names of the referral's programme schedule; none when the
/// referral is not found or the person is not on a programme (which the
/// caller reports in its own words).
pub async fn timepoint_names(
    ctx: &Context,
    permit: &Permit<EnterOutcomes>,
    referral: Uuid,
) -> Option<Vec<String>> {
    let organisation = permit.actor().organisation_id;
    let record = referrals::find(ctx.db(), ctx.data_key(), organisation, referral)
        .await
        .ok()?;
    let programme = followed_programme(&record).ok()?;
    let schedule = schedule_of(ctx, organisation, programme).await.ok()?;
    Some(schedule.timepoints.into_iter().map(|t| t.name).collect())
}

/// The name of the timepoint at `index` (as pages number them) of the
/// schedule.
fn timepoint_at(schedule: &Schedule, index: &str) -> Result<String, Error> {
    index
        .parse::<usize>()
        .ok()
        .and_then(|i| schedule.timepoints.get(i))
        .map(|t| t.name.clone())
        .ok_or(Error::NotFound)
}

/// Sets a programme's outcome schedule. A timepoint that already has
/// answers keeps its name, so the answers still say when they were given.
///
/// # Errors
/// [`Error::Invalid`] for a schedule the domain refuses, or one that drops
/// or renames an answered timepoint.
pub async fn set_schedule<A>(
    ctx: &Context,
    permit: &Permit<A>,
    programme: ProgrammeId,
    schedule: Schedule,
) -> Result<(), Error> {
    let organisation = permit.actor().organisation_id;
    let answered = outcomes::answered_timepoints(ctx.db(), organisation, programme).await?;
    let lost: Vec<&str> = answered
        .iter()
        .filter(|name| schedule.timepoint(name).is_none())
        .map(String::as_str)
        .collect();
    if !lost.is_empty() {
        return Err(FieldErrors::one(
            "timepoints",
            format!(
                "Keep {}: answers were given for {}",
                lost.iter()
                    .map(|n| format!("\u{201c}{n}\u{201d}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if lost.len() == 1 { "it" } else { "them" }
            ),
        )
        .into());
    }
    let mut tx = ctx.db().begin().await?;
    outcomes::set_schedule(&mut tx, organisation, programme, &schedule).await?;
    audit(
        ctx,
        &mut tx,
        permit,
        AuditEvent::Update,
        "programme",
        programme,
        format!(
            "outcome schedule: {}, {} days either side",
            schedule
                .timepoints
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            schedule.window_days
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An instrument as this organisation asks it: with its wording, shipped
/// with Alongside or loaded under the organisation's licence.
#[derive(Debug, Clone)]
pub struct Asked {
    /// The instrument.
    pub instrument: &'static Instrument,
    /// Its items' wording.
    pub items: Vec<String>,
}

/// The instruments the organisation can ask, with their wording: those
/// whose text ships, and licensed ones whose text it loaded.
///
/// # Errors
/// When the database fails.
pub async fn askable(ctx: &Context, organisation: OrganisationId) -> Result<Vec<Asked>, Error> {
    let loaded = outcomes::texts(ctx.db(), organisation).await?;
    Ok(instruments::ALL
        .iter()
        .filter_map(|i| {
            let items = if i.has_text() {
                i.items.iter().map(|t| (*t).to_owned()).collect()
            } else {
                loaded.get(i.code)?.clone()
            };
            Some(Asked {
                instrument: i,
                items,
            })
        })
        .collect())
}

/// The questionnaires a programme collects, in the order chosen (its
/// choice, or the default set): the shipped instruments with their wording,
/// and the organisation's own (retired ones still collect until the
/// programme drops them). The choice is read once.
///
/// # Errors
/// When the database fails.
pub async fn asked_in(
    ctx: &Context,
    organisation: OrganisationId,
    programme: ProgrammeId,
) -> Result<(Vec<Asked>, Vec<Own>), Error> {
    let codes = codes_of(ctx, organisation, programme).await?;
    let askable = askable(ctx, organisation).await?;
    let shipped = codes
        .iter()
        .filter_map(|c| askable.iter().find(|a| a.instrument.code == c).cloned())
        .collect();
    let ids: Vec<Uuid> = codes.iter().filter_map(|c| own::id_in(c)).collect();
    let mine = if ids.is_empty() {
        Vec::new()
    } else {
        let all = own::list(ctx, organisation).await?;
        ids.iter()
            .filter_map(|id| all.iter().find(|o| o.id == *id).cloned())
            .collect()
    };
    Ok((shipped, mine))
}

/// Loads the wording of a licensed instrument under the organisation's
/// licence: one line per item.
///
/// # Errors
/// [`Error::Invalid`] for an instrument whose text ships, or the wrong
/// number of items.
pub async fn load_text(
    ctx: &Context,
    permit: &Permit<crate::actions::LoadLicensedText>,
    code: &str,
    text: &str,
) -> Result<(), Error> {
    let Some(instrument) = instruments::by_code(code).filter(|i| !i.has_text()) else {
        return Err(Error::NotFound);
    };
    let items: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if items.len() != instrument.item_count {
        return Err(FieldErrors::one(
            "items",
            format!(
                "Enter the {} items of {}, one per line: there are {}",
                instrument.item_count,
                instrument.title,
                items.len()
            ),
        )
        .into());
    }
    if items.iter().any(|i| i.chars().count() > 300) {
        return Err(FieldErrors::one("items", "Each item must be 300 characters or fewer").into());
    }
    let mut tx = ctx.db().begin().await?;
    outcomes::set_text(
        &mut tx,
        permit.actor().organisation_id,
        instrument.code,
        &items,
        permit.actor().account_id,
        ctx.now(),
    )
    .await?;
    audit(
        ctx,
        &mut tx,
        permit,
        AuditEvent::Update,
        "instrument_text",
        instrument.code,
        "licensed wording loaded",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The instrument codes a programme collects now (its choice, or the
/// default set).
///
/// # Errors
/// [`Error::NotFound`] for another organisation's programme.
pub async fn chosen_codes<A>(
    ctx: &Context,
    permit: &Permit<A>,
    programme: ProgrammeId,
) -> Result<Vec<String>, Error> {
    codes_of(ctx, permit.actor().organisation_id, programme).await
}

async fn codes_of(
    ctx: &Context,
    organisation: OrganisationId,
    programme: ProgrammeId,
) -> Result<Vec<String>, Error> {
    let codes = outcomes::instruments(ctx.db(), organisation, programme).await?;
    Ok(if codes.is_empty() {
        instruments::DEFAULT
            .iter()
            .map(|i| i.code.to_owned())
            .collect()
    } else {
        codes
    })
}

/// Chooses the instruments a programme collects.
///
/// # Errors
/// [`Error::Invalid`] for none chosen, an unknown code, or a licensed
/// instrument whose text is not loaded.
pub async fn choose<A>(
    ctx: &Context,
    permit: &Permit<A>,
    programme: ProgrammeId,
    codes: &[String],
) -> Result<(), Error> {
    let askable = askable(ctx, permit.actor().organisation_id).await?;
    let mine = own::list(ctx, permit.actor().organisation_id).await?;
    let mut chosen: Vec<String> = Vec::new();
    for code in codes {
        if let Some(id) = own::id_in(code) {
            match mine.iter().find(|o| o.id == id && o.active) {
                Some(o) => chosen.push(o.code()),
                None => return Err(FieldErrors::one("instruments", "Choose from the list").into()),
            }
            continue;
        }
        match instruments::by_code(code) {
            Some(i) if askable.iter().any(|a| a.instrument.code == i.code) => {
                chosen.push(i.code.to_owned());
            }
            Some(i) => {
                return Err(FieldErrors::one(
                    "instruments",
                    format!(
                        "{} needs its item text loaded under your licence first",
                        i.title
                    ),
                )
                .into());
            }
            None => return Err(FieldErrors::one("instruments", "Choose from the list").into()),
        }
    }
    if chosen.is_empty() {
        return Err(FieldErrors::one("instruments", "Choose at least one questionnaire").into());
    }
    let chosen: Vec<&str> = chosen.iter().map(String::as_str).collect();
    let mut tx = ctx.db().begin().await?;
    outcomes::set_instruments(&mut tx, permit.actor().organisation_id, programme, &chosen).await?;
    audit(
        ctx,
        &mut tx,
        permit,
        AuditEvent::Update,
        "programme",
        programme,
        format!("outcome questionnaires: {}", chosen.join(", ")),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Where one instrument stands at one timepoint.
#[derive(Debug, Clone)]
pub enum State {
    /// Nothing yet.
    NotYet,
    /// Answers saved, not submitted.
    Draft,
    /// Submitted.
    Submitted {
        /// The score, when it has one.
        score: Option<f64>,
        /// Staff who entered it, when not the person.
        entered_by: Option<String>,
        /// Whether it corrects an earlier version.
        amended: bool,
    },
}

/// A timepoint of a person's support, with each instrument's state.
#[derive(Debug, Clone)]
pub struct TimepointRow {
    /// Its name.
    pub name: String,
    /// When it is due, once known.
    pub due: Option<NaiveDate>,
    /// The first and last day answers count for it, once known.
    pub window: Option<(NaiveDate, NaiveDate)>,
    /// Whether today is within that window.
    pub open: bool,
    /// What sets the due date, while it is not known ("the person is
    /// placed").
    pub known_once: &'static str,
    /// Each instrument and where it stands.
    pub instruments: Vec<(String, State)>,
}

/// The outcome questionnaires of the referral in `record`; empty unless the
/// person is on a programme.
///
/// # Errors
/// When the database fails.
pub async fn for_referral(
    ctx: &Context,
    permit: &Permit<EnterOutcomes>,
    record: &ReferralRecord,
) -> Result<Vec<TimepointRow>, Error> {
    let organisation = permit.actor().organisation_id;
    let Some(programme) = record
        .summary
        .programme_id
        .filter(|_| followed(&record.summary))
    else {
        return Ok(Vec::new());
    };
    let (chosen, own) = asked_in(ctx, organisation, programme).await?;
    let asked: Vec<(String, String)> = chosen
        .iter()
        .map(|a| (a.instrument.code.to_owned(), a.instrument.title.to_owned()))
        .chain(own.iter().map(|o| (o.code(), o.custom.title.clone())))
        .collect();
    let responses = outcomes::for_referral(ctx.db(), organisation, record.summary.id).await?;
    let schedule = schedule_of(ctx, organisation, programme).await?;
    let span = span_of(&record.summary);
    let today = ctx.now().date_naive();
    Ok(schedule
        .timepoints
        .iter()
        .map(|t| {
            let window = span.and_then(|span| schedule.window(t, span));
            TimepointRow {
                name: t.name.clone(),
                due: span.and_then(|span| t.due(span)),
                window,
                known_once: match t.anchor {
                    Anchor::Start => "the person is placed",
                    Anchor::End => "their support ends",
                },
                open: window.is_some_and(|(from, to)| (from..=to).contains(&today)),
                instruments: asked
                    .iter()
                    .map(|(code, title)| (title.clone(), state_of(&responses, &t.name, code)))
                    .collect(),
            }
        })
        .collect())
}

fn state_of(responses: &[Response], timepoint: &str, code: &str) -> State {
    let here = |submitted: bool| {
        responses
            .iter()
            .find(|r| r.timepoint == timepoint && r.instrument == code && r.submitted == submitted)
    };
    if let Some(r) = here(true) {
        State::Submitted {
            score: r.score,
            entered_by: r.entered_by.clone(),
            amended: r.amends.is_some(),
        }
    } else if here(false).is_some() {
        State::Draft
    } else {
        State::NotYet
    }
}

/// The referral's programme, when the person is followed by its schedule.
fn followed_programme(record: &ReferralRecord) -> Result<ProgrammeId, Error> {
    record
        .summary
        .programme_id
        .filter(|_| followed(&record.summary))
        .ok_or_else(|| {
            FieldErrors::one("timepoint", "Questionnaires are for people on a programme").into()
        })
}

/// The timepoint named `name` of the referral's programme schedule.
async fn known_timepoint(
    ctx: &Context,
    organisation: OrganisationId,
    record: &ReferralRecord,
    name: &str,
) -> Result<String, Error> {
    let programme = followed_programme(record)?;
    let schedule = schedule_of(ctx, organisation, programme).await?;
    schedule
        .timepoint(name)
        .map(|t| t.name.clone())
        .ok_or_else(|| {
            FieldErrors::one(
                "timepoint",
                format!(
                    "Choose a timepoint of the programme's schedule: {}",
                    schedule
                        .timepoints
                        .iter()
                        .map(|t| t.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .into()
        })
}

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
    audit(
        ctx,
        &mut tx,
        permit,
        AuditEvent::Create,
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
    .await?;
    tx.commit().await?;
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
    created_by: Option<alongside_domain::AccountId>,
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

/// A questionnaire to show: the instruments of a timepoint and the answers
/// so far.
#[derive(Debug, Clone)]
pub struct Questionnaire {
    /// The timepoint.
    pub timepoint: String,
    /// The instruments with their wording, in order.
    pub instruments: Vec<Asked>,
    /// Answers so far by instrument code (drafts, or the submitted ones
    /// when staff correct them).
    pub answers: HashMap<&'static str, Vec<Option<i32>>>,
    /// At the timepoint where people are also asked what helped and what
    /// got in the way, and until they have answered: the draft so far.
    pub reflection: Option<Reflection>,
    /// The organisation's own questionnaires, with the answers so far.
    pub own: Vec<(Own, OwnAnswers)>,
}

/// Why a private link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// No such link.
    Unknown,
    /// Used to submit already, or out of date.
    Closed,
}

async fn questionnaire(
    ctx: &Context,
    organisation: OrganisationId,
    programme: Option<ProgrammeId>,
    referral: Uuid,
    timepoint: &str,
    with_submitted: bool,
) -> Result<Questionnaire, Error> {
    let (chosen, mine, reflects) = match programme {
        Some(p) => {
            let schedule = schedule_of(ctx, organisation, p).await?;
            let reflects = schedule
                .reflection_timepoint()
                .is_some_and(|t| t.name == timepoint);
            let (shipped, mine) = asked_in(ctx, organisation, p).await?;
            (shipped, mine, reflects)
        }
        None => (Vec::new(), Vec::new(), false),
    };
    let responses = outcomes::for_referral(ctx.db(), organisation, referral).await?;
    let mut answers = HashMap::new();
    for asked in &chosen {
        let i = asked.instrument;
        let found = responses
            .iter()
            .filter(|r| r.timepoint == timepoint && r.instrument == i.code)
            .filter(|r| with_submitted || !r.submitted)
            // A draft, when there is one, is the latest work.
            .min_by_key(|r| r.submitted);
        if let Some(r) = found {
            answers.insert(i.code, r.answers.clone());
        }
    }
    let mut own = Vec::new();
    for o in mine {
        let found = responses
            .iter()
            .filter(|r| r.timepoint == timepoint && r.instrument == o.code())
            .filter(|r| with_submitted || !r.submitted)
            .min_by_key(|r| r.submitted);
        let answers = match found.and_then(|r| r.sealed.as_deref()) {
            Some(sealed) => own::answers_from_json(&ctx.data_key().open(sealed)?)?,
            None => OwnAnswers::new(),
        };
        own.push((o, answers));
    }
    let reflection = if reflects {
        match feedback::find(ctx.db(), ctx.data_key(), organisation, referral, timepoint).await? {
            // Once given, what someone said stays as they said it.
            Some(stored) if stored.submitted => None,
            Some(draft) => Some(draft.reflection),
            None => Some(Reflection::default()),
        }
    } else {
        None
    };
    Ok(Questionnaire {
        timepoint: timepoint.to_owned(),
        instruments: chosen,
        answers,
        reflection,
        own,
    })
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

/// One instrument's answers, one per item.
pub type Answers = (&'static Instrument, Vec<Option<i32>>);

/// A problem with one answer, for the error summary: the field's id and
/// what to do.
pub type AnswerProblem = (String, String);

/// Answers read from a form: each instrument's, and what the person said
/// helped and got in the way when they were asked.
#[derive(Debug, Clone)]
pub struct ReadAnswers {
    /// Each instrument's answers.
    pub instruments: Vec<Answers>,
    /// What helped and what got in the way, when asked.
    pub reflection: Option<Reflection>,
    /// Each own questionnaire's answers.
    pub own: Vec<(Own, OwnAnswers)>,
}

/// Reads the answers of `q`'s instruments from a form (`{code}-{item}`
/// fields, and `helped` and `hindered` when asked); with `submit`, each
/// instrument must be scorable.
///
/// # Errors
/// Each problem, by field.
pub fn read_answers(
    q: &Questionnaire,
    form: &HashMap<String, String>,
    submit: bool,
) -> Result<ReadAnswers, Vec<AnswerProblem>> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for asked in &q.instruments {
        let i = asked.instrument;
        let mut answers = Vec::with_capacity(i.item_count);
        for item in 1..=i.item_count {
            let field = format!("{}-{item}", i.code);
            let value = form.get(&field).map(|v| v.trim()).unwrap_or_default();
            if value.is_empty() {
                answers.push(None);
                continue;
            }
            match value.parse::<i32>() {
                Ok(v) if i.options.iter().any(|(o, _)| *o == v) => answers.push(Some(v)),
                _ => {
                    problems.push((
                        field,
                        format!("{}, question {item}: choose one of the answers", i.title),
                    ));
                    answers.push(None);
                }
            }
        }
        if submit && let Err(why) = i.score(&answers) {
            let first_missing = answers.iter().position(Option::is_none).unwrap_or(0) + 1;
            problems.push((
                format!("{}-{first_missing}", i.code),
                format!(
                    "{}: {why}. Answer question {first_missing}, or save and finish later",
                    i.title
                ),
            ));
        }
        out.push((i, answers));
    }
    let mut own_answers = Vec::new();
    for (o, _) in &q.own {
        let (given, mut found) = read_own(o, form);
        if found.is_empty()
            && let Err(wrong) = o.custom.check_answers(&given, submit)
        {
            found = wrong
                .into_iter()
                .map(|p| {
                    (
                        format!("{}.{}", o.code(), p.at),
                        format!("{}: {}", o.custom.title, p.message),
                    )
                })
                .collect();
        }
        problems.extend(found);
        own_answers.push((o.clone(), given));
    }
    let mut reflection = None;
    if q.reflection.is_some() {
        let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
        match Reflection::new(field("helped"), field("hindered")) {
            Ok(r) => reflection = Some(r),
            Err(errors) => problems.extend(
                errors
                    .as_slice()
                    .iter()
                    .map(|e| (e.field.to_owned(), e.message.clone())),
            ),
        }
    }
    if problems.is_empty() {
        Ok(ReadAnswers {
            instruments: out,
            reflection,
            own: own_answers,
        })
    } else {
        Err(problems)
    }
}

/// Reads an own questionnaire's answers from a form: `{code}.{linkId}`
/// fields, and `{code}.{linkId}.{n}` for each ticked option of a choice
/// that takes several. Returns what could be read and what could not.
fn read_own(own: &Own, form: &HashMap<String, String>) -> (OwnAnswers, Vec<AnswerProblem>) {
    let mut answers = OwnAnswers::new();
    let mut problems = Vec::new();
    let code = own.code();
    for item in own.custom.all_items() {
        if !item.kind.answered() {
            continue;
        }
        let field = format!("{code}.{}", item.link_id);
        let mut given = Vec::new();
        if item.kind == ItemType::Choice && item.repeats {
            for n in 0..item.options.len() {
                if let Some(v) = form.get(&format!("{field}.{n}")) {
                    given.push(OwnAnswer::Choice(v.clone()));
                }
            }
        } else {
            let typed = form.get(&field).map(|v| v.trim()).unwrap_or_default();
            if !typed.is_empty() {
                let read = match item.kind {
                    ItemType::Boolean => match typed {
                        "yes" => Some(OwnAnswer::Boolean(true)),
                        "no" => Some(OwnAnswer::Boolean(false)),
                        _ => None,
                    },
                    ItemType::Integer => typed.parse().ok().map(OwnAnswer::Integer),
                    ItemType::Decimal => typed
                        .parse::<f64>()
                        .ok()
                        .filter(|d| d.is_finite())
                        .map(OwnAnswer::Decimal),
                    ItemType::Choice => Some(OwnAnswer::Choice(typed.to_owned())),
                    _ => Some(OwnAnswer::Text(typed.to_owned())),
                };
                match read {
                    Some(a) => given.push(a),
                    None => problems.push((
                        field.clone(),
                        format!(
                            "{}: {}",
                            own.custom.title,
                            match item.kind {
                                ItemType::Integer => "answer with a whole number, like 3",
                                ItemType::Decimal => "answer with a number, like 2.5",
                                _ => "choose yes or no",
                            }
                        ),
                    )),
                }
            }
        }
        if !given.is_empty() {
            answers.insert(item.link_id.clone(), given);
        }
    }
    (answers, problems)
}

/// How answers were given: submitted or kept as a draft, by whom, when.
#[derive(Debug, Clone, Copy, Default)]
struct Given {
    /// Submitted (or kept as a draft).
    submit: bool,
    /// Staff entering them on the person's behalf; none for the person.
    entered_by: Option<alongside_domain::AccountId>,
    /// The day the person answered; none for today.
    answered_on: Option<NaiveDate>,
}

/// Stores answers read by [`read_answers`]: drafts, or submitted responses
/// with their scores. `given` says who gave them and when.
async fn store(
    ctx: &Context,
    tx: &mut alongside_db::Tx,
    organisation: OrganisationId,
    referral: Uuid,
    timepoint: &str,
    read: &ReadAnswers,
    given: Given,
) -> Result<(), Error> {
    let Given {
        submit,
        entered_by,
        answered_on,
    } = given;
    let now = ctx.now();
    if let Some(reflection) = &read.reflection {
        let new = NewReflection {
            referral_id: referral,
            timepoint,
            reflection,
            submit,
            entered_by,
            answered_on,
        };
        feedback::save(tx, ctx.data_key(), organisation, &new, now).await?;
    }
    for (o, given) in &read.own {
        let code = o.code();
        let sealed = ctx.data_key().seal(&own::answers_to_json(given));
        let response = NewResponse {
            referral_id: referral,
            instrument: &code,
            timepoint,
            answers: &[],
            sealed: Some(&sealed),
            score: if submit { o.custom.score(given) } else { None },
            entered_by,
            answered_on,
        };
        if submit {
            outcomes::submit(tx, organisation, &response, now).await?;
        } else if !given.is_empty() {
            outcomes::save_draft(tx, organisation, &response, now).await?;
        }
    }
    for (instrument, given) in &read.instruments {
        let score = if submit {
            instrument.score(given).ok().and_then(|s| s.total())
        } else {
            None
        };
        let response = NewResponse {
            referral_id: referral,
            instrument: instrument.code,
            timepoint,
            answers: given,
            sealed: None,
            score,
            entered_by,
            answered_on,
        };
        if submit {
            outcomes::submit(tx, organisation, &response, now).await?;
        } else if given.iter().any(Option::is_some) {
            outcomes::save_draft(tx, organisation, &response, now).await?;
        }
    }
    Ok(())
}

/// What became of answers sent through a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// Kept as a draft; the link still works.
    Saved,
    /// Submitted; the link is closed.
    Submitted,
}

/// Saves or submits answers given through the link of `token`.
///
/// # Errors
/// The link's problem, or the answers' problems, or the database's failure.
pub async fn answer_link(
    ctx: &Context,
    token: &str,
    form: &HashMap<String, String>,
    submit: bool,
) -> Result<Result<Answered, (Questionnaire, Vec<AnswerProblem>)>, AnswerError> {
    let (link, q) = open_link(ctx, token)
        .await
        .map_err(AnswerError::Failed)?
        .map_err(AnswerError::Link)?;
    let answers = match read_answers(&q, form, submit) {
        Ok(a) => a,
        Err(problems) => return Ok(Err((q, problems))),
    };
    let mut tx = ctx
        .db()
        .begin()
        .await
        .map_err(|e| AnswerError::Failed(e.into()))?;
    if submit {
        let used = outcomes::use_link(&mut tx, &hash_token(token), ctx.now())
            .await
            .map_err(|e| AnswerError::Failed(e.into()))?;
        let Some(reminder) = used else {
            return Err(AnswerError::Link(LinkProblem::Closed));
        };
        // Answered: the reminder is no longer needed.
        if let Some(reminder) = reminder {
            outbox::cancel(&mut tx, reminder)
                .await
                .map_err(|e| AnswerError::Failed(e.into()))?;
        }
    }
    store(
        ctx,
        &mut tx,
        link.organisation_id,
        link.referral_id,
        &link.timepoint,
        &answers,
        Given {
            submit,
            ..Given::default()
        },
    )
    .await
    .map_err(AnswerError::Failed)?;
    tx.commit()
        .await
        .map_err(|e| AnswerError::Failed(e.into()))?;
    Ok(Ok(if submit {
        Answered::Submitted
    } else {
        Answered::Saved
    }))
}

/// Why answers through a link were not taken.
#[derive(Debug)]
pub enum AnswerError {
    /// The link cannot be used.
    Link(LinkProblem),
    /// Something failed.
    Failed(Error),
}

/// The questionnaire of the timepoint at `index` of the person's programme
/// schedule, for staff entering answers on their behalf, with the current
/// answers (a submitted response is shown to be corrected as a new
/// version).
///
/// # Errors
/// [`Error::NotFound`] for another organisation's referral or an unknown
/// timepoint; [`Error::Invalid`] when the person is not on a programme.
pub async fn staff_questionnaire(
    ctx: &Context,
    permit: &Permit<EnterOutcomes>,
    referral: Uuid,
    index: &str,
) -> Result<(ReferralRecord, Questionnaire), Error> {
    let organisation = permit.actor().organisation_id;
    let record = referrals::find(ctx.db(), ctx.data_key(), organisation, referral).await?;
    let programme = followed_programme(&record)?;
    let timepoint = timepoint_at(&schedule_of(ctx, organisation, programme).await?, index)?;
    let q = questionnaire(
        ctx,
        organisation,
        Some(programme),
        referral,
        &timepoint,
        true,
    )
    .await?;
    Ok((record, q))
}

/// Reads the day the person answered from a staff form (`answered_on`,
/// `YYYY-MM-DD`): today when left empty, never in the future.
fn answered_on(
    form: &HashMap<String, String>,
    today: NaiveDate,
) -> Result<NaiveDate, AnswerProblem> {
    let typed = form
        .get("answered_on")
        .map(|v| v.trim())
        .unwrap_or_default();
    if typed.is_empty() {
        return Ok(today);
    }
    let problem = |m: &str| ("answered_on".to_owned(), m.to_owned());
    let day = NaiveDate::parse_from_str(typed, "%Y-%m-%d")
        .map_err(|_| problem("Enter the day they answered as a real date, like 2026-03-31"))?;
    if day > today {
        return Err(problem("The day they answered cannot be in the future"));
    }
    Ok(day)
}

/// Saves or submits answers staff entered on the person's behalf, given on
/// the day in the form's `answered_on` (today when empty).
///
/// # Errors
/// The answers' problems (with the questionnaire to show again), or the
/// database's failure.
pub async fn enter(
    ctx: &Context,
    permit: &Permit<EnterOutcomes>,
    referral: Uuid,
    index: &str,
    form: &HashMap<String, String>,
    submit: bool,
) -> Result<Result<(), (ReferralRecord, Questionnaire, Vec<AnswerProblem>)>, Error> {
    let (record, q) = staff_questionnaire(ctx, permit, referral, index).await?;
    let day = answered_on(form, ctx.now().date_naive());
    let answers = match (read_answers(&q, form, submit), day) {
        (Ok(a), Ok(day)) => (a, day),
        (Ok(_), Err(problem)) => return Ok(Err((record, q, vec![problem]))),
        (Err(mut problems), day) => {
            problems.extend(day.err());
            return Ok(Err((record, q, problems)));
        }
    };
    let (answers, day) = answers;
    let organisation = permit.actor().organisation_id;
    let mut tx = ctx.db().begin().await?;
    store(
        ctx,
        &mut tx,
        organisation,
        referral,
        &q.timepoint,
        &answers,
        Given {
            submit,
            entered_by: Some(permit.actor().account_id),
            answered_on: Some(day),
        },
    )
    .await?;
    audit(
        ctx,
        &mut tx,
        permit,
        AuditEvent::Create,
        "questionnaire_response",
        referral,
        format!(
            "{} answers for {} entered on the person's behalf",
            if submit { "submitted" } else { "draft" },
            q.timepoint
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// The answers another system sends: to a shipped instrument, one per
/// item, or to one of the organisation's own questionnaires, by item.
#[derive(Debug, Clone, Copy)]
pub enum Answering<'a> {
    /// A shipped instrument's answers.
    Instrument(&'static Instrument, &'a [Option<i32>]),
    /// An own questionnaire's answers, checked against it already.
    Own(&'a Own, &'a OwnAnswers),
}

/// One questionnaire's answers for a referral's timepoint, as another
/// system sends them.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    /// The person's referral.
    pub referral: Uuid,
    /// The timepoint's name.
    pub timepoint: &'a str,
    /// The answers.
    pub answering: Answering<'a>,
    /// Submitted (or a draft).
    pub submit: bool,
    /// The day the person answered, when known (else today).
    pub answered_on: Option<NaiveDate>,
}

/// Records one questionnaire's answers for a referral's timepoint, as a
/// professional's system sends them (FHIR QuestionnaireResponse): a draft,
/// or a submitted response (a new version when one exists). Returns the
/// response's id (none for a draft).
///
/// # Errors
/// [`Error::NotFound`] for another organisation's referral;
/// [`Error::Invalid`] for a timepoint not in the schedule, a referral not on
/// a programme, or submitted answers that cannot be scored.
pub async fn record(
    ctx: &Context,
    permit: &Permit<EnterOutcomes>,
    received: &Received<'_>,
) -> Result<Option<Uuid>, Error> {
    let Received {
        referral,
        timepoint,
        answering,
        submit,
        answered_on,
    } = *received;
    let organisation = permit.actor().organisation_id;
    let record = referrals::find(ctx.db(), ctx.data_key(), organisation, referral).await?;
    let timepoint = known_timepoint(ctx, organisation, &record, timepoint).await?;
    let (code, answers, sealed, score) = match answering {
        Answering::Instrument(instrument, answers) => {
            let score = if submit {
                match instrument.score(answers) {
                    Ok(scored) => scored.total(),
                    Err(why) => {
                        return Err(FieldErrors::one(
                            "item",
                            format!("{}: {why}", instrument.title),
                        )
                        .into());
                    }
                }
            } else {
                None
            };
            (instrument.code.to_owned(), answers, None, score)
        }
        Answering::Own(o, given) => (
            o.code(),
            &[][..],
            Some(ctx.data_key().seal(&own::answers_to_json(given))),
            if submit { o.custom.score(given) } else { None },
        ),
    };
    let response = NewResponse {
        referral_id: referral,
        instrument: &code,
        timepoint: &timepoint,
        answers,
        sealed: sealed.as_deref(),
        score,
        entered_by: Some(permit.actor().account_id),
        answered_on,
    };
    let now = ctx.now();
    let mut tx = ctx.db().begin().await?;
    let id = if submit {
        Some(outcomes::submit(&mut tx, organisation, &response, now).await?)
    } else {
        outcomes::save_draft(&mut tx, organisation, &response, now).await?;
        None
    };
    audit(
        ctx,
        &mut tx,
        permit,
        AuditEvent::Create,
        "questionnaire_response",
        referral,
        format!("{code} for {timepoint} received through FHIR"),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The current responses of a referral (the view is audited).
///
/// # Errors
/// [`Error::NotFound`] for another organisation's referral.
pub async fn responses(
    ctx: &Context,
    permit: &Permit<EnterOutcomes>,
    referral: Uuid,
) -> Result<Vec<Response>, Error> {
    let organisation = permit.actor().organisation_id;
    // Reading the referral's status proves it is this organisation's; the
    // transaction only reads, and is rolled back when dropped.
    let mut tx = ctx.db().begin().await?;
    referrals::status_in(&mut tx, organisation, referral).await?;
    drop(tx);
    super::audit_view(
        ctx,
        permit,
        "questionnaire_response",
        referral,
        "responses read",
    )
    .await?;
    Ok(outcomes::for_referral(ctx.db(), organisation, referral).await?)
}
