//! The wording of a licensed questionnaire, loaded under the
//! organisation's licence.

use alongside_evaluation::instruments::Instrument;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::programme::SavedQuery;
use crate::auth::{Authorised, CsrfForm};
use crate::html::{Layout, OrPage, PageError, PageResult, form_status, render};
use crate::services::Error as ServiceError;
use crate::services::outcomes as service;
use crate::{AppState, Error};

#[derive(Template)]
#[template(path = "outcomes/text.html")]
struct TextPage {
    layout: Layout,
    instrument: &'static Instrument,
    text: String,
    errors: alongside_domain::FieldErrors,
    notice: Option<&'static str>,
}

impl TextPage {
    fn hint(&self) -> String {
        format!(
            "Exactly as in your licensed copy, in order: {} lines.",
            self.instrument.item_count
        )
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct TextForm {
    items: String,
}

fn text_page(
    auth: &Authorised<crate::auth::actions::LoadLicensedText>,
    instrument: &'static Instrument,
    text: String,
    errors: alongside_domain::FieldErrors,
    notice: Option<&'static str>,
) -> Response {
    let status = form_status(errors.is_empty());
    render(
        status,
        &TextPage {
            layout: Layout::signed_in(
                format!("Wording of {}", instrument.title),
                "programmes",
                &auth.session,
            )
            .with_errors(!errors.is_empty()),
            instrument,
            text,
            errors,
            notice,
        },
    )
}

fn licensed(code: &str) -> Result<&'static Instrument, Error> {
    alongside_evaluation::instruments::by_code(code)
        .filter(|i| !i.has_text())
        .ok_or(Error::NotFound)
}

/// The wording of a licensed questionnaire, to load under licence.
pub async fn text_form(
    State(state): State<AppState>,
    auth: Authorised<crate::auth::actions::LoadLicensedText>,
    Path(code): Path<String>,
    axum::extract::Query(query): axum::extract::Query<SavedQuery>,
) -> PageResult {
    let instrument = licensed(&code).or_page(&auth)?;
    let loaded = service::askable(state.services(), auth.permit.actor().organisation_id)
        .await
        .or_page(&auth)?
        .into_iter()
        .find(|a| a.instrument.code == instrument.code)
        .map(|a| a.items.join("\n"))
        .unwrap_or_default();
    let notice = query
        .saved
        .is_some()
        .then_some("The wording has been saved.");
    Ok(text_page(
        &auth,
        instrument,
        loaded,
        alongside_domain::FieldErrors::default(),
        notice,
    ))
}

/// Loads the wording of a licensed questionnaire.
pub async fn load_text(
    State(state): State<AppState>,
    auth: Authorised<crate::auth::actions::LoadLicensedText>,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<TextForm>,
) -> PageResult {
    let instrument = licensed(&code).or_page(&auth)?;
    match service::load_text(state.services(), &auth.permit, instrument.code, &form.items).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/questionnaires/{code}/wording?saved=1")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            Ok(text_page(&auth, instrument, form.items, errors, None))
        }
        Err(e) => Err(PageError::new(e, &auth)),
    }
}
