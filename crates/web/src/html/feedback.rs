//! Reading what people said helped and got in the way, and tagging it with
//! themes.

use alongside_db::feedback::{Reviewed, Theme};
use alongside_domain::feedback::Part;
use alongside_domain::{FieldErrors, ProgrammeId};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use uuid::Uuid;

use super::{Layout, OrPage, PageError, PageResult, RecordId, form_status, render};
use crate::AppState;
use crate::auth::actions::ReviewFeedback;
use crate::auth::{Authorised, CsrfForm};
use crate::services::Error as ServiceError;
use crate::services::feedback as service;

#[derive(Template)]
#[template(path = "feedback/review.html")]
struct ReviewPage {
    layout: Layout,
    programme: String,
    themes: Vec<Theme>,
    reflections: Vec<Reviewed>,
    typed_theme: String,
    errors: FieldErrors,
    notice: Option<&'static str>,
}

impl ReviewPage {
    fn parts(&self, r: &Reviewed) -> Vec<(Part, String)> {
        Part::ALL
            .into_iter()
            .filter(|p| !r.reflection.answer(*p).is_empty())
            .map(|p| (p, r.reflection.answer(p).to_owned()))
            .collect()
    }

    fn tagged(&self, r: &Reviewed, part: &Part, theme: &Theme) -> bool {
        r.tags.contains(&(*part, theme.id))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewQuery {
    programme: String,
    saved: Option<String>,
}

async fn review_page(
    state: &AppState,
    auth: &Authorised<ReviewFeedback>,
    programme: &str,
    typed_theme: String,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> PageResult {
    let filter: Option<ProgrammeId> = programme.parse().ok();
    let review = service::review(state.services(), &auth.permit, filter)
        .await
        .or_page(auth)?;
    let status = form_status(errors.is_empty());
    Ok(render(
        status,
        &ReviewPage {
            layout: Layout::signed_in("What people said", "reports", &auth.session)
                .with_errors(!errors.is_empty()),
            programme: filter.map(|p| p.to_string()).unwrap_or_default(),
            themes: review.themes,
            reflections: review.reflections,
            typed_theme,
            errors,
            notice,
        },
    ))
}

/// The answers to the open questions, with their themes.
pub async fn review(
    State(state): State<AppState>,
    auth: Authorised<ReviewFeedback>,
    Query(query): Query<ReviewQuery>,
) -> PageResult {
    let notice = match query.saved.as_deref() {
        Some("theme") => Some("The theme has been added."),
        Some(_) => Some("The themes have been saved."),
        None => None,
    };
    review_page(
        &state,
        &auth,
        &query.programme,
        String::new(),
        FieldErrors::new(),
        notice,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ThemeForm {
    theme: String,
    programme: String,
}

/// Adds a theme.
pub async fn add_theme(
    State(state): State<AppState>,
    auth: Authorised<ReviewFeedback>,
    CsrfForm(form): CsrfForm<ThemeForm>,
) -> PageResult {
    match service::add_theme(state.services(), &auth.permit, &form.theme).await {
        Ok(()) => Ok(Redirect::to(&back(&form.programme, "theme")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            review_page(&state, &auth, &form.programme, form.theme, errors, None).await
        }
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

fn back(programme: &str, saved: &str) -> String {
    match programme.parse::<ProgrammeId>() {
        Ok(p) => format!("/feedback?programme={p}&saved={saved}"),
        Err(_) => format!("/feedback?saved={saved}"),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TagForm {
    helped: Vec<String>,
    hindered: Vec<String>,
    programme: String,
}

/// Sets the themes of one reflection.
pub async fn tag(
    State(state): State<AppState>,
    auth: Authorised<ReviewFeedback>,
    RecordId(id): RecordId<Uuid>,
    CsrfForm(form): CsrfForm<TagForm>,
) -> PageResult {
    let chosen = [(Part::Helped, form.helped), (Part::Hindered, form.hindered)];
    service::tag(state.services(), &auth.permit, id, &chosen)
        .await
        .or_page(&auth)?;
    Ok(Redirect::to(&format!(
        "{}#reflection-{id}",
        back(&form.programme, "tags")
    ))
    .into_response())
}
