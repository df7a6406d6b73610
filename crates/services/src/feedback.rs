//! What people said helped and got in the way: read by coordinators, who
//! tag it with themes, and counted by theme in reports.

use alongside_db::feedback::{self, Reviewed, Theme};
use alongside_domain::ProgrammeId;
use alongside_domain::feedback::{Part, ThemeName};
use alongside_evaluation::report::Shown;
use uuid::Uuid;

use super::{Audit, audit_view};
use crate::Permit;
use crate::actions::{ReviewFeedback, ViewReports};
use crate::{Context, Error};

/// The submitted reflections to review, with the organisation's themes.
#[derive(Debug, Clone)]
pub struct Review {
    /// The themes, by name.
    pub themes: Vec<Theme>,
    /// The reflections, newest first.
    pub reflections: Vec<Reviewed>,
}

/// The reflections of the organisation or one programme, to read and tag
/// (the view is audited: these are people's own words).
///
/// # Errors
/// When the database fails.
pub async fn review(
    ctx: &Context,
    permit: &Permit<ReviewFeedback>,
    programme: Option<ProgrammeId>,
) -> Result<Review, Error> {
    let organisation = permit.actor().organisation_id;
    let reflections =
        feedback::submitted(ctx.db(), ctx.data_key(), organisation, programme).await?;
    let themes = feedback::themes(ctx.db(), organisation).await?;
    audit_view(
        ctx,
        permit,
        "reflection",
        programme.map_or_else(|| "all".to_owned(), |p| p.to_string()),
        format!("{} reflections read", reflections.len()),
    )
    .await?;
    Ok(Review {
        themes,
        reflections,
    })
}

/// Adds a theme to tag reflections with.
///
/// # Errors
/// [`Error::Invalid`] for a bad or repeated name.
pub async fn add_theme(
    ctx: &Context,
    permit: &Permit<ReviewFeedback>,
    name: &str,
) -> Result<(), Error> {
    let name =
        ThemeName::parse(name).map_err(|m| alongside_domain::FieldErrors::one("theme", m))?;
    let mut tx = ctx.db().begin().await?;
    let id = feedback::add_theme(&mut tx, permit.actor().organisation_id, &name, ctx.now())
        .await
        .map_err(|e| match e {
            alongside_db::DbError::Conflict(m) => {
                alongside_domain::FieldErrors::one("theme", m).into()
            }
            other => Error::from(other),
        })?;
    Audit::created("feedback_theme", id, format!("theme added: {name}"))
        .commit(ctx, tx, permit)
        .await?;
    Ok(())
}

/// Sets the themes of both parts of a reflection from the ids chosen.
///
/// # Errors
/// [`Error::NotFound`] for another organisation's reflection or theme, or
/// an id that is not one.
pub async fn tag(
    ctx: &Context,
    permit: &Permit<ReviewFeedback>,
    reflection: Uuid,
    chosen: &[(Part, Vec<String>)],
) -> Result<(), Error> {
    let organisation = permit.actor().organisation_id;
    let mut tx = ctx.db().begin().await?;
    let mut said = Vec::new();
    for (part, ids) in chosen {
        let ids = ids
            .iter()
            .map(|i| Uuid::try_parse(i).map_err(|_| Error::NotFound))
            .collect::<Result<Vec<_>, _>>()?;
        feedback::set_tags(
            &mut tx,
            organisation,
            reflection,
            *part,
            &ids,
            permit.actor().account_id,
            ctx.now(),
        )
        .await?;
        said.push(format!("{}: {}", part.as_str(), ids.len()));
    }
    Audit::updated(
        "reflection",
        reflection,
        format!("themes tagged ({})", said.join(", ")),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(())
}

/// One question's counts in a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartCounts {
    /// The question.
    pub part: Part,
    /// People who answered it.
    pub answered: Shown,
    /// Answers not tagged yet.
    pub untagged: Shown,
    /// Answers per theme, most first.
    pub themes: Vec<(String, Shown)>,
}

/// Theme counts for a report; none when no one has answered the open
/// questions. With `exact` false, counts from 1 to 4 are hidden.
///
/// # Errors
/// When the database fails.
pub async fn counts(
    ctx: &Context,
    permit: &Permit<ViewReports>,
    programme: Option<ProgrammeId>,
    exact: bool,
) -> Result<Option<Vec<PartCounts>>, Error> {
    let counts = feedback::theme_counts(
        ctx.db(),
        ctx.data_key(),
        permit.actor().organisation_id,
        programme,
    )
    .await?;
    if counts.answered.iter().all(|(_, n)| *n == 0) {
        return Ok(None);
    }
    let of = |list: &[(Part, u64)], part: Part| {
        Shown::count(
            list.iter().find(|(p, _)| *p == part).map_or(0, |(_, n)| *n),
            exact,
        )
    };
    Ok(Some(
        Part::ALL
            .into_iter()
            .map(|part| PartCounts {
                part,
                answered: of(&counts.answered, part),
                untagged: of(&counts.untagged, part),
                themes: counts
                    .themes
                    .iter()
                    .filter(|(p, _, _)| *p == part)
                    .map(|(_, name, n)| (name.clone(), Shown::count(*n, exact)))
                    .collect(),
            })
            .collect(),
    ))
}
