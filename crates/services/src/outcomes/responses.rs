//! Answers to a timepoint's questionnaires: the questionnaire with the
//! answers so far, storing drafts and submitted responses, and staff
//! entering answers on the person's behalf.

use std::collections::HashMap;

use alongside_db::feedback::{self, NewReflection};
use alongside_db::outcomes::{self, NewResponse};
use alongside_db::referrals::{self, ReferralRecord};
use alongside_domain::feedback::Reflection;
use alongside_domain::{AccountId, FieldErrors, OrganisationId, ProgrammeId};
use alongside_evaluation::instruments::Instrument;
use alongside_evaluation::questionnaire::Answers as OwnAnswers;
use chrono::NaiveDate;
use uuid::Uuid;

use super::choice::{Asked, asked_in};
use super::schedule::{followed_programme, schedule_of, timepoint_at};
use crate::actions::EnterOutcomes;
use crate::questionnaires::{self as own, Own};
use crate::{Audit, Context, Error, Permit};

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
pub(super) async fn questionnaire(
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

/// One instrument's answers, one per item.
pub type Answers = (&'static Instrument, Vec<Option<i32>>);

/// Answers to a timepoint's questionnaires, as a face read them: each
/// instrument's, each own questionnaire's, and what the person said helped
/// and got in the way when they were asked.
#[derive(Debug, Clone)]
pub struct ReadAnswers {
    /// Each instrument's answers.
    pub instruments: Vec<Answers>,
    /// What helped and what got in the way, when asked.
    pub reflection: Option<Reflection>,
    /// Each own questionnaire's answers.
    pub own: Vec<(Own, OwnAnswers)>,
}

/// How answers were given: submitted or kept as a draft, by whom, when.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Given {
    /// Submitted (or kept as a draft).
    pub(super) submit: bool,
    /// Staff entering them on the person's behalf; none for the person.
    pub(super) entered_by: Option<AccountId>,
    /// The day the person answered; none for today.
    pub(super) answered_on: Option<NaiveDate>,
}

/// Stores answers [`check`]ed against their questionnaire: drafts, or submitted responses
/// with their scores. `given` says who gave them and when.
pub(super) async fn store(
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

/// Saves or submits answers staff entered on the person's behalf for the
/// timepoint at `index`, given on `answered_on` (never in the future).
///
/// # Errors
/// [`Error::Invalid`] for a day in the future or, when submitting, answers
/// that cannot be scored; [`Error::NotFound`] for another organisation's
/// referral or an unknown timepoint.
pub async fn enter(
    ctx: &Context,
    permit: &Permit<EnterOutcomes>,
    referral: Uuid,
    index: &str,
    answers: &ReadAnswers,
    answered_on: NaiveDate,
    submit: bool,
) -> Result<(), Error> {
    if answered_on > ctx.now().date_naive() {
        return Err(FieldErrors::one(
            "answered_on",
            "The day they answered cannot be in the future",
        )
        .into());
    }
    let (_, q) = staff_questionnaire(ctx, permit, referral, index).await?;
    check(&q, answers, submit)?;
    let organisation = permit.actor().organisation_id;
    let mut tx = ctx.db().begin().await?;
    store(
        ctx,
        &mut tx,
        organisation,
        referral,
        &q.timepoint,
        answers,
        Given {
            submit,
            entered_by: Some(permit.actor().account_id),
            answered_on: Some(answered_on),
        },
    )
    .await?;
    Audit::created(
        "questionnaire_response",
        referral,
        format!(
            "{} answers for {} entered on the person's behalf",
            if submit { "submitted" } else { "draft" },
            q.timepoint
        ),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(())
}

/// Holds answers to what the questionnaire asks, whichever face read them:
/// each of its instruments and own questionnaires answered once, only with
/// the answers each item offers, and, to submit, every one scorable and
/// complete. A face reports problems by field before calling; this guards
/// what is stored.
pub(super) fn check(q: &Questionnaire, read: &ReadAnswers, submit: bool) -> Result<(), Error> {
    let refuse = |message: String| Err(FieldErrors::one("answers", message).into());
    if read.instruments.len() != q.instruments.len()
        || read.own.len() != q.own.len()
        || read.reflection.is_some() != q.reflection.is_some()
    {
        return refuse("Answer the questionnaires of this timepoint".to_owned());
    }
    for (asked, (instrument, given)) in q.instruments.iter().zip(&read.instruments) {
        let fits = given.len() == instrument.item_count
            && given
                .iter()
                .flatten()
                .all(|v| instrument.options.iter().any(|(o, _)| o == v));
        if asked.instrument.code != instrument.code || !fits {
            return refuse(format!("{}: choose one of the answers", instrument.title));
        }
        if submit && let Err(why) = instrument.score(given) {
            return refuse(format!("{}: {why}", instrument.title));
        }
    }
    for ((asked, _), (o, given)) in q.own.iter().zip(&read.own) {
        if asked.id != o.id {
            return refuse("Answer the questionnaires of this timepoint".to_owned());
        }
        if let Err(problems) = asked.custom.check_answers(given, submit) {
            let first = problems
                .first()
                .map(|p| p.message.clone())
                .unwrap_or_default();
            return refuse(format!("{}: {first}", asked.custom.title));
        }
    }
    Ok(())
}
