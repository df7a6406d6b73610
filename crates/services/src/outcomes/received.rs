//! Answers another system sends (a FHIR `QuestionnaireResponse`), for a
//! referral's timepoint.

use alongside_db::outcomes::{self, NewResponse};
use alongside_db::referrals;
use alongside_domain::FieldErrors;
use alongside_evaluation::instruments::Instrument;
use alongside_evaluation::questionnaire::Answers as OwnAnswers;
use chrono::NaiveDate;
use uuid::Uuid;

use super::schedule::known_timepoint;
use crate::actions::EnterOutcomes;
use crate::questionnaires::{self as own, Own};
use crate::{Audit, Context, Error, Permit};

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
    Audit::created(
        "questionnaire_response",
        referral,
        format!("{code} for {timepoint} received through FHIR"),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(id)
}
