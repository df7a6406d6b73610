//! Outcome questionnaires: a programme's instruments, private links, and
//! responses (drafts, then submitted versions that are never changed).

use alongside_domain::schedule::Schedule;
use alongside_domain::{AccountId, OrganisationId, ProgrammeId};
use chrono::{DateTime, NaiveDate, Utc};
use tracing::instrument;
use uuid::Uuid;

use crate::query::Run;
use crate::{Db, DbError, DbResult, Tx, UuidText};

/// The instrument codes a programme collects; empty when it keeps the
/// default set.
#[instrument(skip_all)]
pub async fn instruments(
    db: &Db,
    organisation: OrganisationId,
    programme: ProgrammeId,
) -> DbResult<Vec<String>> {
    let codes: String = db
        .scalar(
            "SELECT outcome_instruments FROM programmes WHERE id = $1 AND organisation_id = $2",
            (programme, organisation),
        )
        .await?;
    Ok(codes.lines().map(str::to_owned).collect())
}

/// Stores the instrument codes a programme collects.
#[instrument(skip_all)]
pub async fn set_instruments(
    tx: &mut Tx,
    organisation: OrganisationId,
    programme: ProgrammeId,
    codes: &[&str],
) -> DbResult<()> {
    tx.change(
        "UPDATE programmes SET outcome_instruments = $1 WHERE id = $2 AND organisation_id = $3",
        (codes.join("\n"), programme, organisation),
    )
    .await
}

fn read_schedule(stored: &str) -> DbResult<Schedule> {
    if stored.is_empty() {
        return Ok(Schedule::standard());
    }
    let parts: Schedule =
        serde_json::from_str(stored).map_err(|e| DbError::corrupt("schedule", e))?;
    Schedule::new(parts.timepoints, parts.window_days)
        .map_err(|e| DbError::corrupt("schedule", format!("{e:?}")))
}

/// A programme's outcome schedule: its own, or the standard one.
#[instrument(skip_all)]
pub async fn schedule(
    db: &Db,
    organisation: OrganisationId,
    programme: ProgrammeId,
) -> DbResult<Schedule> {
    let stored: String = db
        .scalar(
            "SELECT outcome_schedule FROM programmes WHERE id = $1 AND organisation_id = $2",
            (programme, organisation),
        )
        .await?;
    read_schedule(&stored)
}

#[derive(sqlx::FromRow)]
struct ScheduleRow {
    id: ProgrammeId,
    outcome_schedule: String,
}

/// Every programme's outcome schedule in the organisation, in the order the
/// programmes were made.
#[instrument(skip_all)]
pub async fn schedules(
    db: &Db,
    organisation: OrganisationId,
) -> DbResult<Vec<(ProgrammeId, Schedule)>> {
    let rows: Vec<ScheduleRow> = db
        .fetch_all(
            "SELECT id, outcome_schedule FROM programmes WHERE organisation_id = $1 ORDER BY created_at, id",
            (organisation,),
        )
        .await?;
    rows.into_iter()
        .map(|row| Ok((row.id, read_schedule(&row.outcome_schedule)?)))
        .collect()
}

/// Stores a programme's outcome schedule; the standard one is stored as
/// empty, so it follows any later change to the standard.
#[instrument(skip_all)]
pub async fn set_schedule(
    tx: &mut Tx,
    organisation: OrganisationId,
    programme: ProgrammeId,
    schedule: &Schedule,
) -> DbResult<()> {
    let stored = if *schedule == Schedule::standard() {
        String::new()
    } else {
        serde_json::to_string(schedule).map_err(|e| DbError::corrupt("schedule", e))?
    };
    tx.change(
        "UPDATE programmes SET outcome_schedule = $1 WHERE id = $2 AND organisation_id = $3",
        (&stored, programme, organisation),
    )
    .await
}

/// The timepoints of a programme that have responses (drafts included):
/// their names must stay while answers refer to them.
#[instrument(skip_all)]
pub async fn answered_timepoints(
    db: &Db,
    organisation: OrganisationId,
    programme: ProgrammeId,
) -> DbResult<Vec<String>> {
    db.scalars(
        "SELECT DISTINCT q.timepoint FROM questionnaire_responses q JOIN referrals r ON r.id = q.referral_id
         WHERE q.organisation_id = $1 AND r.programme_id = $2 ORDER BY q.timepoint",
        (organisation, programme),
    )
    .await
}

/// A private link to answer a timepoint's questionnaires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The organisation.
    pub organisation_id: OrganisationId,
    /// The person's referral.
    pub referral_id: Uuid,
    /// The programme the referral is on.
    pub programme_id: Option<ProgrammeId>,
    /// The timepoint.
    pub timepoint: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was used to submit, if it was.
    pub used_at: Option<DateTime<Utc>>,
}

/// A link to store.
#[derive(Debug, Clone)]
pub struct NewLink<'a> {
    /// The person's referral.
    pub referral_id: Uuid,
    /// The timepoint it answers.
    pub timepoint: &'a str,
    /// The SHA-256 of its token: the token itself is never stored.
    pub token_hash: &'a str,
    /// Who made it; none when it was sent on its own as a window opened.
    pub created_by: Option<AccountId>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// The reminder scheduled in the outbox, if one was.
    pub reminder_id: Option<Uuid>,
}

/// Stores a new link under the hash of its token.
///
/// # Errors
/// [`DbError::Conflict`] for a second link sent on its own (no maker) for
/// the same person and timepoint.
#[instrument(skip_all)]
pub async fn create_link(
    tx: &mut Tx,
    organisation: OrganisationId,
    link: &NewLink<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "INSERT INTO questionnaire_links (token_hash, organisation_id, referral_id, timepoint, created_by, created_at,
            expires_at, reminder_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        (
            link.token_hash,
            organisation,
            UuidText(link.referral_id),
            link.timepoint,
            link.created_by,
            now,
            link.expires_at,
            link.reminder_id.map(UuidText),
        ),
    )
    .await
    .map_err(|e| e.unique_as("a link for this timepoint was sent already"))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    organisation_id: OrganisationId,
    referral_id: UuidText,
    programme_id: Option<ProgrammeId>,
    timepoint: String,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
}

impl From<LinkRow> for Link {
    fn from(row: LinkRow) -> Self {
        Self {
            organisation_id: row.organisation_id,
            referral_id: row.referral_id.into(),
            programme_id: row.programme_id,
            timepoint: row.timepoint,
            expires_at: row.expires_at,
            used_at: row.used_at,
        }
    }
}

/// The link with this token hash, whatever its state.
#[instrument(skip_all)]
pub async fn find_link(db: &Db, token_hash: &str) -> DbResult<Option<Link>> {
    let row: Option<LinkRow> = db
        .fetch_optional(
            "SELECT l.organisation_id, l.referral_id, r.programme_id, l.timepoint, l.expires_at, l.used_at
             FROM questionnaire_links l JOIN referrals r ON r.id = l.referral_id WHERE l.token_hash = $1",
            (token_hash,),
        )
        .await?;
    Ok(row.map(Link::from))
}

/// Marks a link used; false when it was used already (a second submission
/// racing the first). Returns the reminder it had scheduled, to take back.
#[instrument(skip_all)]
pub async fn use_link(
    tx: &mut Tx,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<Option<Uuid>>> {
    let done = tx
        .execute(
            "UPDATE questionnaire_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
            (now, token_hash),
        )
        .await?;
    if done != 1 {
        return Ok(None);
    }
    let reminder: Option<UuidText> = tx
        .scalar(
            "SELECT reminder_id FROM questionnaire_links WHERE token_hash = $1",
            (token_hash,),
        )
        .await?;
    Ok(Some(reminder.map(Uuid::from)))
}

/// A person followed by their programme's outcome schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Followed {
    /// The organisation.
    pub organisation_id: OrganisationId,
    /// The person's referral.
    pub referral_id: Uuid,
    /// Their programme.
    pub programme_id: ProgrammeId,
    /// When they were placed (the start of support).
    pub placed_at: DateTime<Utc>,
    /// When their support ended, once it has.
    pub ended_at: Option<DateTime<Utc>>,
    /// The timepoints they have had a link for or answered.
    pub asked: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct FollowedRow {
    organisation_id: OrganisationId,
    referral_id: UuidText,
    programme_id: ProgrammeId,
    placed_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct AskedRow {
    referral_id: UuidText,
    timepoint: String,
}

/// Everyone placed on a programme, in every organisation, with the
/// timepoints already asked: two queries, for the sweep that sends links as
/// windows open.
#[instrument(skip_all)]
pub async fn followed(db: &Db) -> DbResult<Vec<Followed>> {
    let rows: Vec<FollowedRow> = db
        .fetch_all(
            "SELECT r.organisation_id, r.id AS referral_id, r.programme_id, m.placed_at, m.closed_at
             FROM referrals r JOIN referral_moments m ON m.referral_id = r.id
             WHERE m.placed_at IS NOT NULL AND r.programme_id IS NOT NULL AND r.status IN ('placed', 'closed')
             ORDER BY r.organisation_id, r.id",
            (),
        )
        .await?;
    let asked: Vec<AskedRow> = db
        .fetch_all(
            "SELECT referral_id, timepoint FROM questionnaire_links
             UNION SELECT referral_id, timepoint FROM questionnaire_responses WHERE status = 'submitted'",
            (),
        )
        .await?;
    let mut by_referral: std::collections::HashMap<UuidText, Vec<String>> =
        std::collections::HashMap::new();
    for row in asked {
        by_referral
            .entry(row.referral_id)
            .or_default()
            .push(row.timepoint);
    }
    Ok(rows
        .into_iter()
        .map(|row| Followed {
            organisation_id: row.organisation_id,
            referral_id: row.referral_id.into(),
            programme_id: row.programme_id,
            placed_at: row.placed_at,
            ended_at: row.closed_at,
            asked: by_referral.remove(&row.referral_id).unwrap_or_default(),
        })
        .collect())
}

/// A draft or submitted response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// Its id.
    pub id: Uuid,
    /// The instrument's code.
    pub instrument: String,
    /// The timepoint.
    pub timepoint: String,
    /// Whether it is submitted (or a draft).
    pub submitted: bool,
    /// One answer per item (instruments).
    pub answers: Vec<Option<i32>>,
    /// The answers to an organisation's own questionnaire, sealed: the web
    /// layer opens and reads them.
    pub sealed: Option<String>,
    /// The score, once submitted and scorable.
    pub score: Option<f64>,
    /// Who entered it on the person's behalf, by name.
    pub entered_by: Option<String>,
    /// The response it corrects.
    pub amends: Option<Uuid>,
    /// When it was submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// The day the person answered (submitted responses).
    pub answered_on: Option<NaiveDate>,
}

/// A response to store.
#[derive(Debug, Clone)]
pub struct NewResponse<'a> {
    /// The person's referral.
    pub referral_id: Uuid,
    /// The instrument's code.
    pub instrument: &'a str,
    /// The timepoint.
    pub timepoint: &'a str,
    /// One answer per item (instruments; empty for an own questionnaire).
    pub answers: &'a [Option<i32>],
    /// The sealed answers of an organisation's own questionnaire, stored
    /// instead of `answers`.
    pub sealed: Option<&'a str>,
    /// The score (submitted responses).
    pub score: Option<f64>,
    /// Staff entering it on the person's behalf.
    pub entered_by: Option<AccountId>,
    /// The day the person answered, when not today (a paper form entered
    /// later).
    pub answered_on: Option<NaiveDate>,
}

fn answers_json(response: &NewResponse<'_>) -> DbResult<String> {
    match response.sealed {
        // A JSON string: sealed answers of an own questionnaire.
        Some(sealed) => serde_json::to_string(sealed),
        None => serde_json::to_string(response.answers),
    }
    .map_err(|e| DbError::corrupt("response", e))
}

/// Reads the stored answers: one per item, or an own questionnaire's sealed
/// answers.
fn read_answers(stored: &str) -> DbResult<(Vec<Option<i32>>, Option<String>)> {
    let value: serde_json::Value =
        serde_json::from_str(stored).map_err(|e| DbError::corrupt("response", e))?;
    match value {
        serde_json::Value::String(sealed) => Ok((Vec::new(), Some(sealed))),
        other => Ok((
            serde_json::from_value(other).map_err(|e| DbError::corrupt("response", e))?,
            None,
        )),
    }
}

/// Removes the draft of the response's instrument and timepoint, if any.
async fn delete_draft(
    tx: &mut Tx,
    organisation: OrganisationId,
    response: &NewResponse<'_>,
) -> DbResult<()> {
    tx.execute(
        "DELETE FROM questionnaire_responses
         WHERE referral_id = $1 AND instrument = $2 AND timepoint = $3 AND status = 'draft' AND organisation_id = $4",
        (
            UuidText(response.referral_id),
            response.instrument,
            response.timepoint,
            organisation,
        ),
    )
    .await?;
    Ok(())
}

/// Keeps the answers so far as the one draft of this instrument and
/// timepoint.
#[instrument(skip_all)]
pub async fn save_draft(
    tx: &mut Tx,
    organisation: OrganisationId,
    response: &NewResponse<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let answers = answers_json(response)?;
    delete_draft(tx, organisation, response).await?;
    tx.execute(
        "INSERT INTO questionnaire_responses (id, organisation_id, referral_id, instrument, timepoint, status, answers,
            entered_by, created_at)
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8)",
        (
            UuidText(Uuid::new_v4()),
            organisation,
            UuidText(response.referral_id),
            response.instrument,
            response.timepoint,
            &answers,
            response.entered_by,
            now,
        ),
    )
    .await?;
    Ok(())
}

/// Stores a submitted response, replacing the draft; when one was
/// submitted before for the same instrument and timepoint, the new one is
/// its amended version. Returns its id.
#[instrument(skip_all)]
pub async fn submit(
    tx: &mut Tx,
    organisation: OrganisationId,
    response: &NewResponse<'_>,
    now: DateTime<Utc>,
) -> DbResult<Uuid> {
    let answers = answers_json(response)?;
    let previous: Option<UuidText> = tx
        .optional_scalar(
            "SELECT q.id FROM questionnaire_responses q
             WHERE q.referral_id = $1 AND q.instrument = $2 AND q.timepoint = $3 AND q.status = 'submitted'
               AND q.organisation_id = $4
               AND NOT EXISTS (SELECT 1 FROM questionnaire_responses n WHERE n.amends = q.id)",
            (
                UuidText(response.referral_id),
                response.instrument,
                response.timepoint,
                organisation,
            ),
        )
        .await?;
    delete_draft(tx, organisation, response).await?;
    let id = Uuid::new_v4();
    tx.execute(
        "INSERT INTO questionnaire_responses (id, organisation_id, referral_id, instrument, timepoint, status, answers,
            score, entered_by, amends, created_at, submitted_at, answered_on)
         VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $7, $8, $9, $10, $10, $11)",
        (
            UuidText(id),
            organisation,
            UuidText(response.referral_id),
            response.instrument,
            response.timepoint,
            &answers,
            response.score,
            response.entered_by,
            previous,
            now,
            response.answered_on.unwrap_or_else(|| now.date_naive()),
        ),
    )
    .await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct ResponseRow {
    id: UuidText,
    instrument: String,
    timepoint: String,
    status: String,
    answers: String,
    score: Option<f64>,
    entered_by: Option<String>,
    amends: Option<UuidText>,
    submitted_at: Option<DateTime<Utc>>,
    answered_on: Option<NaiveDate>,
}

impl TryFrom<ResponseRow> for Response {
    type Error = DbError;

    fn try_from(row: ResponseRow) -> DbResult<Self> {
        let (answers, sealed) = read_answers(&row.answers)?;
        Ok(Self {
            id: row.id.into(),
            instrument: row.instrument,
            timepoint: row.timepoint,
            submitted: row.status == "submitted",
            answers,
            sealed,
            score: row.score,
            entered_by: row.entered_by,
            amends: row.amends.map(Uuid::from),
            submitted_at: row.submitted_at,
            answered_on: row.answered_on,
        })
    }
}

/// The current responses of a referral: its drafts and the newest version
/// of each submitted response, by timepoint and instrument.
#[instrument(skip_all)]
pub async fn for_referral(
    db: &Db,
    organisation: OrganisationId,
    referral: Uuid,
) -> DbResult<Vec<Response>> {
    let rows: Vec<ResponseRow> = db
        .fetch_all(
            "SELECT q.id, q.instrument, q.timepoint, q.status, q.answers, q.score, a.display_name AS entered_by, q.amends, q.submitted_at, q.answered_on
             FROM questionnaire_responses q LEFT JOIN accounts a ON a.id = q.entered_by
             WHERE q.referral_id = $1 AND q.organisation_id = $2
               AND NOT EXISTS (SELECT 1 FROM questionnaire_responses n WHERE n.amends = q.id)
             ORDER BY q.timepoint, q.instrument, q.status, q.id",
            (UuidText(referral), organisation),
        )
        .await?;
    rows.into_iter().map(Response::try_from).collect()
}

/// One submitted score, newest version only, for reports: whose, which
/// instrument, which timepoint. No names.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreFact {
    /// The referral (stands for the person).
    pub referral_id: Uuid,
    /// The instrument's code.
    pub instrument: String,
    /// The timepoint.
    pub timepoint: String,
    /// The score; none when not scorable on its own (ONS4).
    pub score: Option<f64>,
    /// The answers, for instruments whose items are reported apart.
    pub answers: Vec<Option<i32>>,
    /// The day the person answered.
    pub answered_on: NaiveDate,
    /// The programme the person is on.
    pub programme_id: Option<ProgrammeId>,
    /// When the person was placed (the start of support).
    pub placed_at: Option<DateTime<Utc>>,
    /// When their support ended, once it has.
    pub ended_at: Option<DateTime<Utc>>,
}

/// Every current submitted response of the organisation, or of one
/// programme: one query.
#[instrument(skip_all)]
pub async fn score_facts(
    db: &Db,
    organisation: OrganisationId,
    programme: Option<ProgrammeId>,
) -> DbResult<Vec<ScoreFact>> {
    let rows: Vec<ScoreRow> = db
        .fetch_all(
            "SELECT q.referral_id, q.instrument, q.timepoint, q.score, q.answers,
                    q.answered_on, q.submitted_at, r.programme_id, m.placed_at, m.closed_at
             FROM questionnaire_responses q JOIN referrals r ON r.id = q.referral_id
               JOIN referral_moments m ON m.referral_id = r.id
             WHERE q.organisation_id = $1 AND q.status = 'submitted'
               AND ($2 IS NULL OR r.programme_id = $2)
               AND NOT EXISTS (SELECT 1 FROM questionnaire_responses n WHERE n.amends = q.id)
             ORDER BY q.referral_id, q.instrument, q.timepoint",
            (organisation, programme),
        )
        .await?;
    rows.into_iter().map(ScoreFact::try_from).collect()
}

#[derive(sqlx::FromRow)]
struct ScoreRow {
    referral_id: UuidText,
    instrument: String,
    timepoint: String,
    score: Option<f64>,
    answers: String,
    answered_on: Option<NaiveDate>,
    submitted_at: Option<DateTime<Utc>>,
    programme_id: Option<ProgrammeId>,
    placed_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
}

impl TryFrom<ScoreRow> for ScoreFact {
    type Error = DbError;

    fn try_from(row: ScoreRow) -> DbResult<Self> {
        Ok(Self {
            referral_id: row.referral_id.into(),
            instrument: row.instrument,
            timepoint: row.timepoint,
            score: row.score,
            answers: read_answers(&row.answers)?.0,
            // Responses from before the day was kept count from their
            // submission.
            answered_on: row
                .answered_on
                .or(row.submitted_at.map(|at| at.date_naive()))
                .ok_or_else(|| DbError::corrupt("response", "submitted without a date"))?,
            programme_id: row.programme_id,
            placed_at: row.placed_at,
            ended_at: row.placed_at.and(row.closed_at),
        })
    }
}

#[derive(sqlx::FromRow)]
struct TextRow {
    instrument: String,
    items: String,
}

/// The licensed wording an organisation has loaded, by instrument code.
#[instrument(skip_all)]
pub async fn texts(
    db: &Db,
    organisation: OrganisationId,
) -> DbResult<std::collections::HashMap<String, Vec<String>>> {
    let rows: Vec<TextRow> = db
        .fetch_all(
            "SELECT instrument, items FROM instrument_texts WHERE organisation_id = $1",
            (organisation,),
        )
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok((
                row.instrument,
                serde_json::from_str(&row.items)
                    .map_err(|e| DbError::corrupt("instrument text", e))?,
            ))
        })
        .collect()
}

/// Stores (or replaces) the wording of a licensed instrument.
#[instrument(skip_all)]
pub async fn set_text(
    tx: &mut Tx,
    organisation: OrganisationId,
    instrument: &str,
    items: &[String],
    by: AccountId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let items = serde_json::to_string(items).map_err(|e| DbError::corrupt("instrument text", e))?;
    tx.execute(
        "INSERT INTO instrument_texts (organisation_id, instrument, items, loaded_by, loaded_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (organisation_id, instrument) DO UPDATE SET items = excluded.items,
            loaded_by = excluded.loaded_by, loaded_at = excluded.loaded_at",
        (organisation, instrument, &items, by, now),
    )
    .await?;
    Ok(())
}
