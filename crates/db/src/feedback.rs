//! What people said helped and got in the way (sealed at rest), and the
//! themes coordinators tag it with.

use alongside_domain::feedback::{Part, Reflection, ThemeName};
use alongside_domain::{AccountId, OrganisationId, ProgrammeId};
use chrono::{DateTime, NaiveDate, Utc};
use tracing::instrument;
use uuid::Uuid;

use crate::query::Run;
use crate::sealed::DataKey;
use crate::{Db, DbError, DbResult, Tx, UuidText};

/// A reflection to store.
#[derive(Debug, Clone)]
pub struct NewReflection<'a> {
    /// The person's referral.
    pub referral_id: Uuid,
    /// The timepoint it was asked at.
    pub timepoint: &'a str,
    /// What they said.
    pub reflection: &'a Reflection,
    /// Submitted (or kept as a draft).
    pub submit: bool,
    /// Staff entering it on the person's behalf.
    pub entered_by: Option<AccountId>,
    /// The day they answered (submitted ones).
    pub answered_on: Option<NaiveDate>,
}

/// A stored reflection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Its id.
    pub id: Uuid,
    /// What was said.
    pub reflection: Reflection,
    /// Whether it is submitted (then it is never changed).
    pub submitted: bool,
}

/// Keeps a draft or stores the submitted reflection of a timepoint. A
/// submitted one stays as it is: returns false when one was there already.
#[instrument(skip_all)]
pub async fn save(
    tx: &mut Tx,
    key: &DataKey,
    organisation: OrganisationId,
    new: &NewReflection<'_>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let existing: Option<String> = tx
        .optional_scalar(
            "SELECT status FROM reflections WHERE referral_id = $1 AND timepoint = $2 AND organisation_id = $3",
            (UuidText(new.referral_id), new.timepoint, organisation),
        )
        .await?;
    if existing.is_some_and(|status| status == "submitted") {
        return Ok(false);
    }
    tx.execute(
        "DELETE FROM reflections WHERE referral_id = $1 AND timepoint = $2 AND organisation_id = $3 AND status = 'draft'",
        (UuidText(new.referral_id), new.timepoint, organisation),
    )
    .await?;
    if !new.submit && new.reflection.is_empty() {
        return Ok(true);
    }
    let (helped, hindered) = (
        key.seal(&new.reflection.helped),
        key.seal(&new.reflection.hindered),
    );
    tx.execute(
        "INSERT INTO reflections (id, organisation_id, referral_id, timepoint, status, helped, hindered, entered_by,
            answered_on, created_at, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        (
            UuidText(Uuid::new_v4()),
            organisation,
            UuidText(new.referral_id),
            new.timepoint,
            if new.submit { "submitted" } else { "draft" },
            &helped,
            &hindered,
            new.entered_by,
            new.submit
                .then(|| new.answered_on.unwrap_or_else(|| now.date_naive())),
            now,
            new.submit.then_some(now),
        ),
    )
    .await?;
    Ok(true)
}

#[derive(sqlx::FromRow)]
struct ReflectionRow {
    id: UuidText,
    status: String,
    helped: String,
    hindered: String,
}

/// The reflection of a referral's timepoint, draft or submitted.
#[instrument(skip_all)]
pub async fn find(
    db: &Db,
    key: &DataKey,
    organisation: OrganisationId,
    referral: Uuid,
    timepoint: &str,
) -> DbResult<Option<Stored>> {
    let row: Option<ReflectionRow> = db
        .fetch_optional(
            "SELECT id, status, helped, hindered FROM reflections
             WHERE referral_id = $1 AND timepoint = $2 AND organisation_id = $3",
            (UuidText(referral), timepoint, organisation),
        )
        .await?;
    row.map(|row| {
        Ok(Stored {
            id: row.id.into(),
            reflection: Reflection {
                helped: key.open(&row.helped)?,
                hindered: key.open(&row.hindered)?,
            },
            submitted: row.status == "submitted",
        })
    })
    .transpose()
}

/// A theme of the organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
}

#[derive(sqlx::FromRow)]
struct ThemeRow {
    id: UuidText,
    name: String,
}

/// The organisation's themes, by name.
#[instrument(skip_all)]
pub async fn themes(db: &Db, organisation: OrganisationId) -> DbResult<Vec<Theme>> {
    let rows: Vec<ThemeRow> = db
        .fetch_all(
            "SELECT id, name FROM feedback_themes WHERE organisation_id = $1 ORDER BY name",
            (organisation,),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| Theme {
            id: row.id.into(),
            name: row.name,
        })
        .collect())
}

/// Adds a theme.
///
/// # Errors
/// [`DbError::Conflict`] when the organisation has one of that name.
#[instrument(skip_all)]
pub async fn add_theme(
    tx: &mut Tx,
    organisation: OrganisationId,
    name: &ThemeName,
    now: DateTime<Utc>,
) -> DbResult<Uuid> {
    let id = Uuid::new_v4();
    tx.execute(
        "INSERT INTO feedback_themes (id, organisation_id, name, created_at) VALUES ($1, $2, $3, $4)",
        (UuidText(id), organisation, name.as_str(), now),
    )
    .await
    .map_err(|e| e.unique_as("There is a theme with that name already"))?;
    Ok(id)
}

/// A submitted reflection for review: no names, the timepoint, the day and
/// the themes tagged so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewed {
    /// Its id.
    pub id: Uuid,
    /// The timepoint.
    pub timepoint: String,
    /// The day it was given.
    pub answered_on: Option<NaiveDate>,
    /// What was said.
    pub reflection: Reflection,
    /// The themes tagged, by part.
    pub tags: Vec<(Part, Uuid)>,
}

#[derive(sqlx::FromRow)]
struct ReviewedRow {
    id: UuidText,
    timepoint: String,
    answered_on: Option<NaiveDate>,
    helped: String,
    hindered: String,
}

#[derive(sqlx::FromRow)]
struct TagRow {
    reflection_id: UuidText,
    part: String,
    theme_id: UuidText,
}

/// The submitted reflections of the organisation or one programme, newest
/// first: two queries.
#[instrument(skip_all)]
pub async fn submitted(
    db: &Db,
    key: &DataKey,
    organisation: OrganisationId,
    programme: Option<ProgrammeId>,
) -> DbResult<Vec<Reviewed>> {
    let rows: Vec<ReviewedRow> = db
        .fetch_all(
            "SELECT f.id, f.timepoint, f.answered_on, f.helped, f.hindered
             FROM reflections f JOIN referrals r ON r.id = f.referral_id
             WHERE f.organisation_id = $1 AND f.status = 'submitted' AND ($2 IS NULL OR r.programme_id = $2)
             ORDER BY f.submitted_at DESC, f.id",
            (organisation, programme),
        )
        .await?;
    let tags: Vec<TagRow> = db
        .fetch_all(
            "SELECT t.reflection_id, t.part, t.theme_id FROM reflection_tags t
             JOIN reflections f ON f.id = t.reflection_id WHERE f.organisation_id = $1",
            (organisation,),
        )
        .await?;
    rows.into_iter()
        .map(|row| {
            let mine = tags
                .iter()
                .filter(|tag| tag.reflection_id == row.id)
                .map(|tag| {
                    Ok((
                        Part::parse(&tag.part).ok_or_else(|| DbError::corrupt("tag", &tag.part))?,
                        Uuid::from(tag.theme_id),
                    ))
                })
                .collect::<DbResult<Vec<_>>>()?;
            Ok(Reviewed {
                id: row.id.into(),
                timepoint: row.timepoint,
                answered_on: row.answered_on,
                reflection: Reflection {
                    helped: key.open(&row.helped)?,
                    hindered: key.open(&row.hindered)?,
                },
                tags: mine,
            })
        })
        .collect()
}

/// Replaces the themes of one part of a submitted reflection.
///
/// # Errors
/// [`DbError::NotFound`] for another organisation's reflection or theme.
#[instrument(skip_all)]
pub async fn set_tags(
    tx: &mut Tx,
    organisation: OrganisationId,
    reflection: Uuid,
    part: Part,
    themes: &[Uuid],
    by: AccountId,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let found: Option<UuidText> = tx
        .optional_scalar(
            "SELECT id FROM reflections WHERE id = $1 AND organisation_id = $2 AND status = 'submitted'",
            (UuidText(reflection), organisation),
        )
        .await?;
    found.ok_or(DbError::NotFound)?;
    tx.execute(
        "DELETE FROM reflection_tags WHERE reflection_id = $1 AND part = $2",
        (UuidText(reflection), part.as_str()),
    )
    .await?;
    for theme in themes {
        // Only the organisation's own themes can be applied.
        let done = tx
            .execute(
                "INSERT INTO reflection_tags (reflection_id, part, theme_id, tagged_by, tagged_at)
                 SELECT $1, $2, id, $3, $4 FROM feedback_themes WHERE id = $5 AND organisation_id = $6",
                (
                    UuidText(reflection),
                    part.as_str(),
                    by,
                    now,
                    UuidText(*theme),
                    organisation,
                ),
            )
            .await?;
        if done != 1 {
            return Err(DbError::NotFound);
        }
    }
    Ok(())
}

/// Counts for the report: for each part, how many answered it, how many of
/// those are not tagged yet, and people per theme.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ThemeCounts {
    /// By part: answers given (not empty).
    pub answered: Vec<(Part, u64)>,
    /// By part: answers given and not tagged.
    pub untagged: Vec<(Part, u64)>,
    /// By part and theme name: answers tagged with it.
    pub themes: Vec<(Part, String, u64)>,
}

/// The theme counts of the organisation or one programme. The answers are
/// opened only to see whether they are empty.
#[instrument(skip_all)]
pub async fn theme_counts(
    db: &Db,
    key: &DataKey,
    organisation: OrganisationId,
    programme: Option<ProgrammeId>,
) -> DbResult<ThemeCounts> {
    let reviewed = submitted(db, key, organisation, programme).await?;
    let themes = themes(db, organisation).await?;
    let mut counts = ThemeCounts::default();
    for part in Part::ALL {
        let given: Vec<&Reviewed> = reviewed
            .iter()
            .filter(|r| !r.reflection.answer(part).is_empty())
            .collect();
        counts.answered.push((part, given.len() as u64));
        counts.untagged.push((
            part,
            given
                .iter()
                .filter(|r| !r.tags.iter().any(|(p, _)| *p == part))
                .count() as u64,
        ));
        for theme in &themes {
            let n = reviewed
                .iter()
                .filter(|r| r.tags.contains(&(part, theme.id)))
                .count() as u64;
            if n > 0 {
                counts.themes.push((part, theme.name.clone(), n));
            }
        }
    }
    counts
        .themes
        .sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
    Ok(counts)
}
