//! A programme's outcomes page: the questionnaires it collects and its
//! schedule of timepoints.

use std::collections::HashMap;

use alongside_domain::ProgrammeId;
use alongside_domain::schedule::{Anchor, Schedule, Timepoint};
use alongside_evaluation::instruments::Instrument;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};

use crate::AppState;
use crate::auth::actions::ManageProgrammes;
use crate::auth::{Authorised, CsrfForm};
use crate::html::{Layout, OrPage, PageError, PageResult, RecordId, form_status, render};
use crate::services::Error as ServiceError;
use crate::services::outcomes as service;

/// A timepoint row of the schedule form, as stored or as typed.
#[derive(Debug, Clone, Default)]
struct ScheduleRow {
    name: String,
    anchor: String,
    months: String,
}

/// The schedule form as typed: its rows and window.
#[derive(Debug, Clone, Default)]
struct ScheduleTyped {
    rows: Vec<ScheduleRow>,
    window_days: String,
}

impl ScheduleTyped {
    /// The stored schedule with blank rows to add timepoints, up to the
    /// most a schedule may have.
    fn of(schedule: &Schedule) -> Self {
        let mut rows: Vec<ScheduleRow> = schedule
            .timepoints
            .iter()
            .map(|t| ScheduleRow {
                name: t.name.clone(),
                anchor: t.anchor.as_str().to_owned(),
                months: t.months_after.to_string(),
            })
            .collect();
        let blanks = (Schedule::MAX_TIMEPOINTS - rows.len().min(Schedule::MAX_TIMEPOINTS)).min(2);
        rows.extend((0..blanks).map(|_| ScheduleRow {
            anchor: "end".to_owned(),
            ..ScheduleRow::default()
        }));
        Self {
            rows,
            window_days: schedule.window_days.to_string(),
        }
    }

    /// What was typed: `name-N`, `anchor-N`, `months-N` for each row and
    /// `window_days`.
    fn from_form(form: &HashMap<String, String>) -> Self {
        let field = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        // Only the rows the form had; blank ones stay on screen.
        let rows = (1..=Schedule::MAX_TIMEPOINTS)
            .filter(|i| form.contains_key(&format!("name-{i}")))
            .map(|i| ScheduleRow {
                name: field(&format!("name-{i}")),
                anchor: field(&format!("anchor-{i}")),
                months: field(&format!("months-{i}")),
            })
            .collect();
        Self {
            rows,
            window_days: field("window_days"),
        }
    }

    /// The schedule it describes; rows left blank are not timepoints.
    fn read(&self) -> Result<Schedule, alongside_domain::FieldErrors> {
        let mut errors = alongside_domain::FieldErrors::default();
        let mut timepoints = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            let n = i + 1;
            if row.name.is_empty() && row.months.is_empty() {
                continue;
            }
            let anchor = Anchor::parse(&row.anchor);
            if anchor.is_none() {
                errors.add(
                    "timepoints",
                    format!("Choose what timepoint {n} is counted from"),
                );
            }
            let months = if row.months.is_empty() {
                Some(0)
            } else {
                row.months.parse::<u32>().ok()
            };
            if months.is_none() {
                errors.add(
                    "timepoints",
                    format!("Enter the months after for timepoint {n} as a whole number, like 2"),
                );
            }
            timepoints.push(Timepoint {
                name: row.name.clone(),
                anchor: anchor.unwrap_or(Anchor::End),
                months_after: months.unwrap_or(0),
            });
        }
        let window = self.window_days.parse::<u16>().ok();
        if window.is_none() {
            errors.add(
                "window_days",
                "Enter the window as a whole number of days, like 14",
            );
        }
        let schedule = Schedule::new(timepoints, window.unwrap_or(0));
        match (errors.is_empty(), schedule) {
            (true, result) => result,
            (false, Err(more)) => {
                for e in more.as_slice() {
                    if !errors.as_slice().iter().any(|x| x.message == e.message) {
                        errors.add(e.field, e.message.clone());
                    }
                }
                Err(errors)
            }
            (false, Ok(_)) => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "outcomes/programme.html")]
struct ProgrammePage {
    layout: Layout,
    programme: alongside_domain::programme::Programme,
    schedule: ScheduleTyped,
    options: crate::html::Ticks,
    licensed: Vec<(&'static Instrument, bool)>,
    may_load: bool,
    errors: alongside_domain::FieldErrors,
    notice: Option<&'static str>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ChooseForm {
    instruments: Vec<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    pub(super) saved: Option<String>,
}

async fn programme_page(
    state: &AppState,
    auth: &Authorised<ManageProgrammes>,
    id: ProgrammeId,
    typed: Typed,
    errors: alongside_domain::FieldErrors,
    notice: Option<&'static str>,
) -> PageResult {
    let Typed { chosen, schedule } = typed;
    let organisation = auth.permit.actor().organisation_id;
    let programme = crate::services::programmes::find(state.services(), &auth.permit.to_view(), id)
        .await
        .or_page(auth)?;
    let chosen = match chosen {
        Some(c) => c,
        None => service::chosen_codes(state.services(), &auth.permit, id)
            .await
            .or_page(auth)?,
    };
    let askable = service::askable(state.services(), organisation)
        .await
        .or_page(auth)?;
    let own: Vec<(String, String)> =
        crate::services::questionnaires::list(state.services(), organisation)
            .await
            .or_page(auth)?
            .into_iter()
            .filter(|o| o.active)
            .map(|o| (o.code(), o.custom.title))
            .collect();
    let schedule = match schedule {
        Some(s) => s,
        None => ScheduleTyped::of(
            &service::schedule_of(state.services(), organisation, id)
                .await
                .or_page(auth)?,
        ),
    };
    let status = form_status(errors.is_empty());
    Ok(render(
        status,
        &ProgrammePage {
            layout: Layout::signed_in(
                format!("Outcome questionnaires: {}", programme.details.name),
                "programmes",
                &auth.session,
            )
            .with_errors(!errors.is_empty()),
            options: crate::html::ticks(
                askable
                    .iter()
                    .map(|a| (a.instrument.code, a.instrument.title))
                    .chain(
                        own.iter()
                            .map(|(code, title)| (code.as_str(), title.as_str())),
                    ),
                &chosen,
            ),
            licensed: alongside_evaluation::instruments::ALL
                .iter()
                .copied()
                .filter(|i| !i.has_text())
                .map(|i| (i, askable.iter().any(|a| a.instrument.code == i.code)))
                .collect(),
            may_load: alongside_domain::access::role_may(
                auth.session.signed_in.actor.role,
                alongside_domain::access::Action::LoadLicensedText,
            ),
            programme,
            schedule,
            errors,
            notice,
        },
    ))
}

/// What was typed on the programme's outcomes page, to show again.
#[derive(Default)]
struct Typed {
    chosen: Option<Vec<String>>,
    schedule: Option<ScheduleTyped>,
}

/// The questionnaires a programme collects.
pub async fn programme_form(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    RecordId(id): RecordId<ProgrammeId>,
    axum::extract::Query(query): axum::extract::Query<SavedQuery>,
) -> PageResult {
    let notice = match query.saved.as_deref() {
        Some("schedule") => Some("The schedule has been saved."),
        Some(_) => Some("The questionnaires have been saved."),
        None => None,
    };
    programme_page(
        &state,
        &auth,
        id,
        Typed::default(),
        alongside_domain::FieldErrors::default(),
        notice,
    )
    .await
}

/// Chooses the questionnaires a programme collects.
pub async fn choose(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    RecordId(id): RecordId<ProgrammeId>,
    CsrfForm(form): CsrfForm<ChooseForm>,
) -> PageResult {
    match service::choose(state.services(), &auth.permit, id, &form.instruments).await {
        Ok(()) => Ok(Redirect::to(&format!("/programmes/{id}/outcomes?saved=1")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let typed = Typed {
                chosen: Some(form.instruments),
                schedule: None,
            };
            programme_page(&state, &auth, id, typed, errors, None).await
        }
        Err(e) => Err(PageError::new(e, &auth)),
    }
}

/// Sets the programme's outcome schedule: its timepoints and window.
pub async fn set_schedule(
    State(state): State<AppState>,
    auth: Authorised<ManageProgrammes>,
    RecordId(id): RecordId<ProgrammeId>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let typed = ScheduleTyped::from_form(&form);
    let result = match typed.read() {
        Ok(schedule) => service::set_schedule(state.services(), &auth.permit, id, schedule).await,
        Err(errors) => Err(errors.into()),
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/programmes/{id}/outcomes?saved=schedule")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let typed = Typed {
                chosen: None,
                schedule: Some(typed),
            };
            programme_page(&state, &auth, id, typed, errors, None).await
        }
        Err(e) => Err(PageError::new(e, &auth)),
    }
}
