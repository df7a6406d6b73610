//! Outcome questionnaire pages: the private link a person answers through
//! (no account), staff entering answers on their behalf, and making a link.

use std::collections::HashMap;

use alongside_domain::ProgrammeId;
use alongside_domain::schedule::{Anchor, Schedule, Timepoint};
use alongside_evaluation::instruments::Instrument;
use alongside_evaluation::questionnaire::{Answer as OwnAnswer, Answers as OwnAnswers, ItemType};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::{
    Layout, OrPage, PageError, PageResult, RecordId, error_page, form_status, render, visitor_form,
};
use crate::auth::actions::{EnterOutcomes, ManageProgrammes};
use crate::auth::{Authorised, CsrfForm};
use crate::services::Error as ServiceError;
use crate::services::outcomes::{
    self as service, AnswerError, AnswerProblem, Answered, Asked, LinkProblem, Questionnaire,
};
use crate::services::questionnaires::Own;
use crate::{AppState, Error};

#[derive(Template)]
#[template(path = "outcomes/answer.html")]
struct AnswerPage {
    layout: Layout,
    caption: String,
    action: String,
    staff: bool,
    q: Questionnaire,
    problems: Vec<AnswerProblem>,
    typed: HashMap<String, String>,
    back: Option<String>,
}

impl AnswerPage {
    /// The value of an item, as typed or as saved.
    fn value(&self, instrument: &Instrument, item: &usize) -> String {
        let field = format!("{}-{item}", instrument.code);
        if let Some(v) = self.typed.get(&field) {
            return v.clone();
        }
        self.q
            .answers
            .get(instrument.code)
            .and_then(|a| a.get(item - 1).copied().flatten())
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    fn problem(&self, instrument: &Instrument, item: &usize) -> Option<&str> {
        let field = format!("{}-{item}", instrument.code);
        self.problems
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn field_problem(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    fn question(&self, field: &str) -> &'static str {
        alongside_domain::feedback::Part::parse(field).map_or("", |p| p.question())
    }

    /// What was typed in answer to an open question, or the draft so far.
    fn reflection_value(&self, field: &str) -> String {
        if let Some(v) = self.typed.get(field) {
            return v.clone();
        }
        let part = alongside_domain::feedback::Part::parse(field);
        match (&self.q.reflection, part) {
            (Some(r), Some(part)) => r.answer(part).to_owned(),
            _ => String::new(),
        }
    }

    fn typed_value(&self, field: &str) -> String {
        self.typed.get(field).cloned().unwrap_or_default()
    }

    /// The fields of an own questionnaire, in order, with what was typed or
    /// saved and any problem.
    fn own_fields(&self, own: &Own, saved: &OwnAnswers) -> Vec<OwnField> {
        let code = own.code();
        let mut out = Vec::new();
        for item in own.custom.all_items() {
            let id = format!("{code}.{}", item.link_id);
            let saved_values: Vec<String> = saved
                .get(&item.link_id)
                .into_iter()
                .flatten()
                .map(|a| match a {
                    OwnAnswer::Boolean(true) => "yes".to_owned(),
                    OwnAnswer::Boolean(false) => "no".to_owned(),
                    other => other.to_string(),
                })
                .collect();
            let typed_any = self
                .typed
                .keys()
                .any(|k| k.starts_with(&format!("{code}.")));
            let value = if typed_any {
                self.typed.get(&id).cloned().unwrap_or_default()
            } else {
                saved_values.first().cloned().unwrap_or_default()
            };
            let (kind, options) = match item.kind {
                ItemType::Group => ("heading", Vec::new()),
                ItemType::Display => ("display", Vec::new()),
                ItemType::Boolean => (
                    "radios",
                    vec![
                        ("yes".to_owned(), "Yes".to_owned(), value == "yes"),
                        ("no".to_owned(), "No".to_owned(), value == "no"),
                    ],
                ),
                ItemType::Choice if item.repeats => (
                    "checkboxes",
                    item.options
                        .iter()
                        .enumerate()
                        .map(|(n, o)| {
                            let ticked = if typed_any {
                                self.typed.get(&format!("{id}.{n}")) == Some(&o.code)
                            } else {
                                saved_values.contains(&o.code)
                            };
                            (o.code.clone(), o.display.clone(), ticked)
                        })
                        .collect(),
                ),
                ItemType::Choice => (
                    "radios",
                    item.options
                        .iter()
                        .map(|o| (o.code.clone(), o.display.clone(), value == o.code))
                        .collect(),
                ),
                ItemType::Text => ("textarea", Vec::new()),
                ItemType::Integer | ItemType::Decimal | ItemType::String => ("input", Vec::new()),
            };
            out.push(OwnField {
                kind,
                problem: self.field_problem(&id).map(str::to_owned),
                id,
                label: item.text.clone(),
                required: item.required,
                numeric: matches!(item.kind, ItemType::Integer | ItemType::Decimal),
                options,
                value,
            });
        }
        out
    }

    fn items(&self, asked: &Asked) -> Vec<(usize, String)> {
        asked
            .items
            .iter()
            .enumerate()
            .map(|(i, text)| (i + 1, text.clone()))
            .collect()
    }
}

/// One field of an own questionnaire on the answer page.
struct OwnField {
    /// heading, display, radios, checkboxes, input or textarea.
    kind: &'static str,
    id: String,
    label: String,
    required: bool,
    numeric: bool,
    /// Value, words, chosen.
    options: Vec<(String, String, bool)>,
    value: String,
    problem: Option<String>,
}

#[derive(Template)]
#[template(path = "outcomes/closed.html")]
struct Closed {
    layout: Layout,
    heading: &'static str,
    message: &'static str,
}

fn closed(problem: LinkProblem, submitted: bool) -> Response {
    let (status, heading, message) = match (problem, submitted) {
        (_, true) => (
            StatusCode::OK,
            "Thank you",
            "Your answers have been sent. You can close this page.",
        ),
        (LinkProblem::Unknown, _) => (
            StatusCode::NOT_FOUND,
            "This link does not work",
            "Check that the whole link was copied. If it still does not work, ask the person who sent it for a new one.",
        ),
        (LinkProblem::Closed, _) => (
            StatusCode::GONE,
            "This link has been used or has run out",
            "Each link can be used to send answers once and works for 30 days. Ask the person who sent it for a new one if you need to.",
        ),
    };
    render(
        status,
        &Closed {
            layout: Layout::visitor(heading, String::new()),
            heading,
            message,
        },
    )
}

fn public_page(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    q: Questionnaire,
    problems: Vec<AnswerProblem>,
    typed: HashMap<String, String>,
) -> Response {
    let status = form_status(problems.is_empty());
    let has_errors = !problems.is_empty();
    visitor_form(state, headers, |csrf| {
        render(
            status,
            &AnswerPage {
                layout: Layout::visitor("Your questionnaire", csrf).with_errors(has_errors),
                caption: q.timepoint.clone(),
                action: format!("/q/{token}"),
                staff: false,
                q,
                problems,
                typed,
                back: None,
            },
        )
    })
}

/// The questionnaire behind a private link.
pub async fn answer_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    match service::open_link(state.services(), &token).await {
        Ok(Ok((_, q))) => public_page(&state, &headers, &token, q, Vec::new(), HashMap::new()),
        Ok(Err(problem)) => closed(problem, false),
        Err(e) => error_page(&e, None),
    }
}

/// Saves or sends answers given through a private link.
pub async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Response {
    let submit = form.get("action").map(String::as_str) != Some("save");
    match service::answer_link(state.services(), &token, &form, submit).await {
        Ok(Ok(Answered::Submitted)) => closed(LinkProblem::Closed, true),
        Ok(Ok(Answered::Saved)) => Redirect::to(&format!("/q/{token}?saved=1")).into_response(),
        Ok(Err((q, problems))) => public_page(&state, &headers, &token, q, problems, form),
        Err(AnswerError::Link(problem)) => closed(problem, false),
        Err(AnswerError::Failed(e)) => error_page(&e, None),
    }
}

/// Staff enter a timepoint's answers with the person.
pub async fn enter_form(
    State(state): State<AppState>,
    auth: Authorised<EnterOutcomes>,
    RecordId(id): RecordId<Uuid>,
    Path((_, index)): Path<(String, String)>,
) -> PageResult {
    let (record, q) = service::staff_questionnaire(state.services(), &auth.permit, id, &index)
        .await
        .or_page(&auth)?;
    Ok(staff_page(
        &auth,
        id,
        &index,
        &record.summary.name,
        q,
        Vec::new(),
        HashMap::new(),
    ))
}

fn staff_page(
    auth: &Authorised<EnterOutcomes>,
    id: Uuid,
    index: &str,
    name: &str,
    q: Questionnaire,
    problems: Vec<AnswerProblem>,
    typed: HashMap<String, String>,
) -> Response {
    let status = form_status(problems.is_empty());
    render(
        status,
        &AnswerPage {
            layout: Layout::signed_in(
                format!("Questionnaires: {name}"),
                "referrals",
                &auth.session,
            )
            .with_errors(!problems.is_empty()),
            caption: format!("{name}: {}", q.timepoint),
            action: format!("/referrals/{id}/outcomes/{index}"),
            staff: true,
            q,
            problems,
            typed,
            back: Some(format!("/referrals/{id}#outcomes")),
        },
    )
}

/// Saves or submits answers staff entered on the person's behalf.
pub async fn enter(
    State(state): State<AppState>,
    auth: Authorised<EnterOutcomes>,
    RecordId(id): RecordId<Uuid>,
    Path((_, index)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let submit = form.get("action").map(String::as_str) != Some("save");
    let entered = service::enter(state.services(), &auth.permit, id, &index, &form, submit)
        .await
        .or_page(&auth)?;
    Ok(match entered {
        Ok(()) => Redirect::to(&format!("/referrals/{id}?saved=1#outcomes")).into_response(),
        Err((record, q, problems)) => {
            staff_page(&auth, id, &index, &record.summary.name, q, problems, form)
        }
    })
}

#[derive(Template)]
#[template(path = "outcomes/link.html")]
struct LinkPage {
    layout: Layout,
    referral: Uuid,
    timepoint: String,
    link: Option<String>,
    emailed_to: Option<String>,
    problem: Option<String>,
}

/// Makes a private link for a timepoint and shows it once.
pub async fn make_link(
    State(state): State<AppState>,
    auth: Authorised<EnterOutcomes>,
    RecordId(id): RecordId<Uuid>,
    Path((_, index)): Path<(String, String)>,
    CsrfForm(_form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let (status, made, problem) =
        match service::make_link(state.services(), &auth.permit, id, &index).await {
            Ok(made) => (StatusCode::OK, Some(made), None),
            Err(ServiceError::Invalid(errors)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                errors.as_slice().first().map(|e| e.message.clone()),
            ),
            Err(e) => return Err(PageError::new(e, &auth)),
        };
    Ok(render(
        status,
        &LinkPage {
            layout: Layout::signed_in("Private questionnaire link", "referrals", &auth.session)
                .with_errors(problem.is_some()),
            referral: id,
            timepoint: made.as_ref().map(|(t, _)| t.clone()).unwrap_or_default(),
            emailed_to: made.as_ref().and_then(|(_, m)| m.emailed_to.clone()),
            link: made.map(|(_, m)| m.url),
            problem,
        },
    ))
}

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
    options: super::Ticks,
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
    saved: Option<String>,
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
    let programme = alongside_db::programmes::find(state.db(), organisation, id)
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
            options: super::ticks(
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
