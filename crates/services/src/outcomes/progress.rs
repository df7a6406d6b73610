//! Where each questionnaire of a person's support stands, timepoint by
//! timepoint, and the responses given.

use alongside_db::outcomes::{self, Response};
use alongside_db::referrals::{self, ReferralRecord};
use alongside_domain::schedule::Anchor;
use chrono::NaiveDate;
use uuid::Uuid;

use super::choice::asked_in;
use super::followed;
use super::schedule::{schedule_of, span_of};
use crate::actions::EnterOutcomes;
use crate::{Context, Error, Permit};

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
    // transaction only reads.
    let mut tx = ctx.db().begin().await?;
    referrals::status_in(&mut tx, organisation, referral).await?;
    tx.rollback().await?;
    crate::audit_view(
        ctx,
        permit,
        "questionnaire_response",
        referral,
        "responses read",
    )
    .await?;
    Ok(outcomes::for_referral(ctx.db(), organisation, referral).await?)
}
