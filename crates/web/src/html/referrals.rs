//! Referral pages: the public self-referral form, the coordinator's queue, a
//! referral with its triage decision.

use std::net::SocketAddr;

use alongside_db::matches::MatchRecord;
use alongside_db::referrals::{QueueEntry, ReferralRecord};
use alongside_domain::FieldErrors;
use alongside_domain::access::{Action, role_may};
use alongside_domain::consent::{ConsentMethod, ConsentScope};
use alongside_domain::peer_match::{MatchStatus, Side};
use alongside_domain::person::{ConditionInput, ContactMethod, NhsNumber, PersonInput};
use alongside_domain::preferences::{
    Channel, GenderPreference, PreferencesInput, SupportPreferences,
};
use alongside_domain::programme::ProgrammeModel;
use alongside_domain::referral::{
    DeclineReason, ReferralInput, ReferralSource, ReferralStatus, SelfReferralInput, days_waiting,
    waiting_too_long,
};
use alongside_domain::snomed::COMMON_CONDITIONS;
use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::{Layout, Ticks, error_page, render, request_id, ticks, visitor_form, weekly_ticks};
use crate::auth::Permission;
use crate::auth::actions::{
    EnterOutcomes, MakeReferrals, MatchPeople, MergeRecords, RecordConsent, TriageReferrals,
    ViewReferrals,
};
use crate::auth::{Authorised, CsrfForm, Session};
use crate::services::matches::{self as matches_service, Candidate, Decision};
use crate::services::referrals::{
    self as service, ConsentInput, QueueSearch, QueueView, ReferralPage, TriageInput,
};
use crate::{AppState, Error};

#[derive(Template)]
#[template(path = "referrals/refer.html")]
struct Refer {
    layout: Layout,
    errors: FieldErrors,
    slug: String,
    organisation_name: String,
    input: SelfReferralInput,
}

async fn refer_page(
    state: &AppState,
    headers: &HeaderMap,
    slug: String,
    input: SelfReferralInput,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let organisation = match service::organisation(state.services(), &slug).await {
        Ok(organisation) => organisation,
        Err(e) => return error_page(&e, None),
    };
    let has_errors = !errors.is_empty();
    visitor_form(state, headers, |csrf| {
        render(
            status,
            &Refer {
                layout: Layout::visitor("Ask for peer support", csrf).with_errors(has_errors),
                errors,
                slug,
                organisation_name: organisation.name,
                input,
            },
        )
    })
}

/// The public self-referral form of an organisation.
pub async fn refer_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    refer_page(
        &state,
        &headers,
        slug,
        SelfReferralInput::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// The form as sent: the person's answers and the field only bots fill in.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReferForm {
    #[serde(flatten)]
    input: SelfReferralInput,
    website: String,
}

/// Takes a self-referral and answers with its reference.
pub async fn refer(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<ReferForm>,
) -> Response {
    match service::self_refer(
        state.services(),
        &slug,
        &form.input,
        &form.website,
        client.ip(),
        request_id(&headers).as_deref(),
    )
    .await
    {
        Ok(referred) => Redirect::to(&format!(
            "/refer/{slug}/received?reference={}",
            referred.reference
        ))
        .into_response(),
        Err(crate::services::Error::Invalid(errors)) => {
            refer_page(
                &state,
                &headers,
                slug,
                form.input,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(crate::services::Error::TooManyRequests) => {
            let errors = FieldErrors::one(
                "given_name",
                "We have had several requests from your network just now. Wait a minute, then send again",
            );
            refer_page(
                &state,
                &headers,
                slug,
                form.input,
                errors,
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await
        }
        Err(e) => error_page(&e, None),
    }
}

#[derive(Template)]
#[template(path = "referrals/referred.html")]
struct Referred {
    layout: Layout,
    reference: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReceivedQuery {
    reference: String,
}

/// The confirmation, with the reference to quote.
pub async fn received(Query(query): Query<ReceivedQuery>) -> Response {
    // Only the shape of a reference is shown back, never arbitrary text.
    let reference: String = query
        .reference
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(12)
        .collect();
    render(
        StatusCode::OK,
        &Referred {
            layout: Layout::visitor("We have your request", String::new()),
            reference,
        },
    )
}

#[derive(Template)]
#[template(path = "referrals/queue.html")]
struct Queue {
    layout: Layout,
    entries: Vec<QueueEntry>,
    view: &'static str,
    caption: &'static str,
    slug: String,
    public_link: String,
    today: chrono::NaiveDate,
    search: QueueSearch,
    source_options: Vec<(&'static str, &'static str)>,
    programme_options: Vec<(String, String)>,
}

impl Queue {
    fn days_waiting(&self, entry: &QueueEntry) -> String {
        match days_waiting(entry.received_at.date_naive(), self.today) {
            0 => "today".into(),
            1 => "1 day ago".into(),
            n => format!("{n} days ago"),
        }
    }

    fn waiting_too_long(&self, entry: &QueueEntry) -> bool {
        waiting_too_long(
            entry.received_at.date_naive(),
            entry.first_contact_at.map(|t| t.date_naive()),
            entry.status,
            entry.waiting_target_days,
            self.today,
        )
    }

    fn status_label(&self, entry: &QueueEntry) -> &'static str {
        entry.status.label()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    view: String,
    #[serde(flatten)]
    search: QueueSearch,
}

/// The coordinator's queue, with filters and search.
pub async fn queue(
    State(state): State<AppState>,
    auth: Authorised<ViewReferrals>,
    Query(query): Query<QueueQuery>,
) -> Response {
    let view = QueueView::from_query(&query.view);
    let organisation_id = auth.permit.actor().organisation_id;
    let organisation = match alongside_db::organisations::find(state.db(), organisation_id).await {
        Ok(organisation) => organisation,
        Err(e) => return error_page(e, Some(&auth.session)),
    };
    let programmes = match alongside_db::programmes::list(state.db(), organisation_id, true).await {
        Ok(p) => p,
        Err(e) => return error_page(e, Some(&auth.session)),
    };
    match service::queue(state.services(), &auth.permit, view, &query.search).await {
        Ok(entries) => {
            let (view, caption) = match view {
                QueueView::New => ("new", "New referrals"),
                QueueView::Waiting => ("waiting", "Referrals on a waiting list"),
                QueueView::Done => ("done", "Referrals that are done"),
            };
            let mut source_options = vec![("", "Any source")];
            source_options.extend(ReferralSource::ALL.iter().map(|s| (s.as_str(), s.label())));
            let mut programme_options = vec![(String::new(), "Any programme".to_owned())];
            programme_options.extend(
                programmes
                    .into_iter()
                    .map(|p| (p.id.to_string(), p.details.name)),
            );
            render(
                StatusCode::OK,
                &Queue {
                    layout: Layout::signed_in("Referrals", "referrals", &auth.session),
                    entries,
                    view,
                    caption,
                    public_link: format!(
                        "{}/refer/{}",
                        state.settings().public_url,
                        organisation.slug
                    ),
                    slug: organisation.slug,
                    today: Utc::now().date_naive(),
                    search: query.search,
                    source_options,
                    programme_options,
                },
            )
        }
        Err(e) => error_page(&e, Some(&auth.session)),
    }
}

#[derive(Template)]
#[template(path = "referrals/show.html")]
struct Show {
    layout: Layout,
    page: ReferralPage,
    status: &'static str,
    status_label: &'static str,
    may_triage: bool,
    may_record_consent: bool,
    may_merge: bool,
    waiting_too_long: bool,
    errors: FieldErrors,
    input: TriageInput,
    notice: Option<&'static str>,
    decision_options: Vec<(&'static str, &'static str)>,
    programme_options: Vec<(String, String)>,
    reason_options: Vec<(&'static str, &'static str)>,
    consents_in_force: Vec<ConsentScope>,
    scope_options: Vec<(&'static str, &'static str)>,
    method_options: Vec<(&'static str, &'static str)>,
    preferences: Vec<(&'static str, String)>,
    may_match: bool,
    matches: Vec<MatchRecord>,
    candidates: Vec<Candidate>,
    open_match: bool,
    outcomes: Vec<crate::services::outcomes::TimepointRow>,
}

impl Show {
    fn outcome_state(&self, state: &crate::services::outcomes::State) -> String {
        use crate::services::outcomes::State;
        match state {
            State::NotYet => "Not yet".to_owned(),
            State::Draft => "Started, not sent".to_owned(),
            State::Submitted {
                score,
                entered_by,
                amended,
            } => {
                let mut text = match score {
                    Some(s) => format!("Score {}", crate::html::number(*s)),
                    None => "Answered".to_owned(),
                };
                if let Some(by) = entered_by {
                    text.push_str(&format!(", entered by {by}"));
                }
                if *amended {
                    text.push_str(" (corrected)");
                }
                text
            }
        }
    }

    fn any_blocked(&self) -> bool {
        self.candidates.iter().any(|c| !c.blocked.is_empty())
    }

    fn answer(&self, answer: &Option<bool>) -> &'static str {
        match answer {
            None => "Not yet asked or no answer yet",
            Some(true) => "Yes",
            Some(false) => "No",
        }
    }

    fn condition_line(&self, condition: &(String, Option<String>)) -> String {
        match &condition.1 {
            Some(code) => format!("{} (SNOMED CT {code})", condition.0),
            None => condition.0.clone(),
        }
    }

    fn nhs_number(&self) -> String {
        self.page
            .record
            .person
            .nhs_number
            .as_deref()
            .and_then(|n| NhsNumber::parse(n).ok())
            .map_or_else(|| "Not given".to_owned(), |n| n.to_string())
    }

    fn contact_method(&self) -> &'static str {
        self.page
            .record
            .person
            .contact_method
            .as_deref()
            .and_then(|m| m.parse::<ContactMethod>().ok())
            .map_or("", ContactMethod::label)
    }
}

fn parse_id(id: &str) -> Result<Uuid, Error> {
    super::record_id(id)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    saved: Option<String>,
}

/// Support preferences in words, for the summary list.
fn preference_rows(input: &PreferencesInput) -> Vec<(&'static str, String)> {
    let mut errors = FieldErrors::new();
    let Some(p) = SupportPreferences::validate(input, &mut errors) else {
        return Vec::new();
    };
    let join = |items: Vec<String>| items.join(", ");
    let mut rows = Vec::new();
    if !p.models.is_empty() {
        rows.push((
            "Kinds of support",
            join(p.models.iter().map(|m| m.label().to_owned()).collect()),
        ));
    }
    if !p.channels.is_empty() {
        rows.push((
            "How",
            join(p.channels.iter().map(|c| c.label().to_owned()).collect()),
        ));
    }
    if let Some(g) = p.peer_gender {
        rows.push(("Peer supporter", g.label().to_owned()));
    }
    if p.shared_condition {
        rows.push((
            "Same condition",
            "A peer with the same condition matters to them".to_owned(),
        ));
    }
    if !p.availability.is_empty() {
        rows.push((
            "Free",
            join(p.availability.iter().map(ToString::to_string).collect()),
        ));
    }
    if let Some(m) = p.travel_miles {
        rows.push(("Can travel", format!("{m} miles")));
    }
    if !p.interests.is_empty() {
        rows.push(("Interests", join(p.interests.clone())));
    }
    rows
}

async fn show_page(
    state: &AppState,
    session: &Session,
    permit: &crate::auth::Permit<ViewReferrals>,
    id: Uuid,
    input: TriageInput,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Response {
    let page = match service::show(state.services(), permit, id).await {
        Ok(found) => found,
        Err(e) => return error_page(&e, Some(session)),
    };
    // The programme the referrer asked for is the first suggestion.
    let mut input = input;
    if let (true, Some(asked)) = (input.programme.is_empty(), page.record.summary.programme_id) {
        input.programme = asked.to_string();
    }
    let programmes =
        match alongside_db::programmes::list(state.db(), permit.actor().organisation_id, false)
            .await
        {
            Ok(p) => p,
            Err(e) => return error_page(e, Some(session)),
        };
    let matcher = permit.also::<MatchPeople>();
    let (matches, candidates) = match &matcher {
        Some(matcher) => {
            let organisation = permit.actor().organisation_id;
            let id = page.record.summary.id;
            let matches =
                match alongside_db::matches::for_referral(state.db(), organisation, id).await {
                    Ok(m) => m,
                    Err(e) => return error_page(e, Some(session)),
                };
            let open = matches.iter().any(|m| m.status == MatchStatus::Proposed);
            let candidates = if page.record.summary.status == ReferralStatus::Accepted && !open {
                match matches_service::candidates(state.services(), matcher, &page.record).await {
                    Ok(c) => c,
                    Err(e) => return error_page(&e, Some(session)),
                }
            } else {
                Vec::new()
            };
            (matches, candidates)
        }
        None => (Vec::new(), Vec::new()),
    };
    let outcomes = match permit.also::<EnterOutcomes>() {
        Some(triage) => {
            match crate::services::outcomes::for_referral(state.services(), &triage, &page.record)
                .await
            {
                Ok(rows) => rows,
                Err(e) => return error_page(&e, Some(session)),
            }
        }
        None => Vec::new(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let summary = &page.record.summary;
    let waiting_too_long = waiting_too_long(
        summary.received_at.date_naive(),
        summary.first_contact_at.map(|t| t.date_naive()),
        summary.status,
        summary.waiting_target_days,
        Utc::now().date_naive(),
    );
    render(
        status,
        &Show {
            layout: Layout::signed_in(
                format!("Referral {}", summary.reference),
                "referrals",
                session,
            )
            .with_errors(!errors.is_empty()),
            status: summary.status.as_str(),
            status_label: summary.status.label(),
            may_triage: role_may(permit.actor().role, Action::TriageReferrals),
            may_record_consent: role_may(permit.actor().role, Action::RecordConsent),
            may_merge: role_may(permit.actor().role, Action::MergeRecords),
            waiting_too_long,
            decision_options: vec![
                ("accept", "Accept onto a programme's waiting list"),
                ("signpost", "Signpost to another service"),
                ("decline", "Decline"),
            ],
            programme_options: programmes
                .into_iter()
                .map(|p| (p.id.to_string(), p.details.name))
                .collect(),
            reason_options: DeclineReason::ALL
                .iter()
                .map(|r| (r.as_str(), r.label()))
                .collect(),
            consents_in_force: page.record.person.consents_in_force(),
            scope_options: ConsentScope::ALL
                .iter()
                .map(|s| (s.as_str(), s.label()))
                .collect(),
            method_options: [ConsentMethod::Verbal, ConsentMethod::Written]
                .iter()
                .map(|m| (m.as_str(), m.label()))
                .collect(),
            preferences: preference_rows(&page.record.person.preferences),
            may_match: matcher.is_some(),
            open_match: matches.iter().any(|m| m.status == MatchStatus::Proposed),
            matches,
            candidates,
            outcomes,
            page,
            errors,
            input,
            notice,
        },
    )
}

/// One referral, with the person's record (the view is audited).
pub async fn show(
    State(state): State<AppState>,
    auth: Authorised<ViewReferrals>,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&e, Some(&auth.session)),
    };
    let notice = query.saved.map(|_| "The change has been saved.");
    show_page(
        &state,
        &auth.session,
        &auth.permit,
        id,
        TriageInput::default(),
        FieldErrors::new(),
        notice,
    )
    .await
}

/// Answers a change made on a referral's page: back to the page, or the page
/// again with the problem.
async fn after_change<A: Permission>(
    state: &AppState,
    auth: &Authorised<A>,
    id: Uuid,
    result: Result<(), Error>,
    input: TriageInput,
) -> Response {
    let Some(viewer) = auth.permit.also::<ViewReferrals>() else {
        return error_page(&Error::Forbidden, Some(&auth.session));
    };
    match result {
        Ok(()) => Redirect::to(&format!("/referrals/{id}?saved=1")).into_response(),
        Err(Error::Invalid(errors)) => {
            show_page(state, &auth.session, &viewer, id, input, errors, None).await
        }
        Err(Error::IllegalTransition(t)) => {
            let errors = FieldErrors::one(
                "decision",
                format!(
                    "{}.",
                    alongside_domain::validation::capitalise(&t.to_string())
                ),
            );
            show_page(
                state,
                &auth.session,
                &viewer,
                id,
                TriageInput::default(),
                errors,
                None,
            )
            .await
        }
        Err(e) => error_page(&e, Some(&auth.session)),
    }
}

/// Records a triage decision.
pub async fn triage(
    State(state): State<AppState>,
    auth: Authorised<TriageReferrals>,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<TriageInput>,
) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&e, Some(&auth.session)),
    };
    let result = service::triage(state.services(), &auth.permit, id, &input)
        .await
        .map_err(Error::from)
        .map(|_| ());
    after_change(&state, &auth, id, result, input).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ContactForm {
    contact_note: String,
}

/// Records the first contact with the person.
pub async fn first_contact(
    State(state): State<AppState>,
    auth: Authorised<TriageReferrals>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ContactForm>,
) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&e, Some(&auth.session)),
    };
    let result =
        service::record_first_contact(state.services(), &auth.permit, id, &form.contact_note)
            .await
            .map_err(Error::from);
    after_change(&state, &auth, id, result, TriageInput::default()).await
}

/// Records a consent given or withdrawn.
pub async fn consent(
    State(state): State<AppState>,
    auth: Authorised<RecordConsent>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ConsentInput>,
) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&e, Some(&auth.session)),
    };
    let result = service::change_consent(state.services(), &auth.permit, id, &form)
        .await
        .map_err(Error::from);
    after_change(&state, &auth, id, result, TriageInput::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MergeForm {
    other: String,
}

/// Merges a likely duplicate into the person of this referral.
pub async fn merge(
    State(state): State<AppState>,
    auth: Authorised<MergeRecords>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<MergeForm>,
) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&e, Some(&auth.session)),
    };
    let result = service::merge(state.services(), &auth.permit, id, &form.other)
        .await
        .map_err(Error::from);
    after_change(&state, &auth, id, result, TriageInput::default()).await
}

/// The professional referral form as sent: flat names, ticked boxes as lists.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct ReferralForm {
    given_name: String,
    family_name: String,
    preferred_name: String,
    pronouns: String,
    dob_day: String,
    dob_month: String,
    dob_year: String,
    nhs_number: String,
    address: String,
    postcode: String,
    phone: String,
    email: String,
    contact_method: String,
    contact_times: String,
    language: String,
    interpreter: String,
    accessibility_needs: String,
    condition_codes: Vec<String>,
    conditions_other: String,
    carer: String,
    source: String,
    referrer_name: String,
    referrer_organisation: String,
    referrer_contact: String,
    programme: String,
    reason: String,
    risk: String,
    risk_details: String,
    consent_confirmed: String,
    consent_method: String,
    consents: Vec<String>,
    models: Vec<String>,
    channels: Vec<String>,
    peer_gender: String,
    shared_condition: String,
    availability: Vec<String>,
    travel_miles: String,
    interests: String,
}

impl ReferralForm {
    fn to_input(&self) -> ReferralInput {
        let mut conditions: Vec<ConditionInput> = self
            .condition_codes
            .iter()
            .map(|code| ConditionInput {
                description: String::new(),
                code: code.clone(),
            })
            .collect();
        conditions.extend(self.conditions_other.lines().map(|line| ConditionInput {
            description: line.to_owned(),
            code: String::new(),
        }));
        ReferralInput {
            person: PersonInput {
                given_name: self.given_name.clone(),
                family_name: self.family_name.clone(),
                preferred_name: self.preferred_name.clone(),
                pronouns: self.pronouns.clone(),
                dob_day: self.dob_day.clone(),
                dob_month: self.dob_month.clone(),
                dob_year: self.dob_year.clone(),
                nhs_number: self.nhs_number.clone(),
                address: self.address.clone(),
                postcode: self.postcode.clone(),
                phone: self.phone.clone(),
                email: self.email.clone(),
                contact_method: self.contact_method.clone(),
                contact_times: self.contact_times.clone(),
                language: self.language.clone(),
                interpreter: self.interpreter.clone(),
                accessibility_needs: self.accessibility_needs.clone(),
                conditions,
                carer: self.carer.clone(),
            },
            source: self.source.clone(),
            referrer_name: self.referrer_name.clone(),
            referrer_organisation: self.referrer_organisation.clone(),
            referrer_contact: self.referrer_contact.clone(),
            programme: self.programme.clone(),
            reason: self.reason.clone(),
            reason_code: String::new(),
            risk: self.risk.clone(),
            risk_details: self.risk_details.clone(),
            consent_confirmed: self.consent_confirmed.clone(),
            consent_method: self.consent_method.clone(),
            consents: self.consents.clone(),
            preferences: PreferencesInput {
                models: self.models.clone(),
                channels: self.channels.clone(),
                peer_gender: self.peer_gender.clone(),
                shared_condition: self.shared_condition.clone(),
                availability: self.availability.clone(),
                travel_miles: self.travel_miles.clone(),
                interests: self.interests.clone(),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "referrals/new.html")]
struct NewReferralPage {
    layout: Layout,
    errors: FieldErrors,
    form: ReferralForm,
    condition_ticks: Ticks,
    consent_ticks: Ticks,
    model_ticks: Ticks,
    channel_ticks: Ticks,
    availability: Vec<(&'static str, Ticks)>,
    source_options: Vec<(&'static str, &'static str)>,
    contact_options: Vec<(&'static str, &'static str)>,
    gender_options: Vec<(&'static str, &'static str)>,
    method_options: Vec<(&'static str, &'static str)>,
    programme_options: Vec<(String, String)>,
}

async fn new_page(
    state: &AppState,
    session: &Session,
    form: ReferralForm,
    errors: FieldErrors,
) -> Response {
    let programmes = match alongside_db::programmes::list(
        state.db(),
        session.signed_in.actor.organisation_id,
        false,
    )
    .await
    {
        Ok(p) => p,
        Err(e) => return error_page(e, Some(session)),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut programme_options = vec![(String::new(), "Let the coordinator decide".to_owned())];
    programme_options.extend(
        programmes
            .into_iter()
            .map(|p| (p.id.to_string(), p.details.name)),
    );
    render(
        status,
        &NewReferralPage {
            layout: Layout::signed_in("Refer someone", "my-referrals", session)
                .with_errors(!errors.is_empty()),
            errors,
            condition_ticks: ticks(
                COMMON_CONDITIONS.iter().map(|(c, l)| (*c, *l)),
                &form.condition_codes,
            ),
            consent_ticks: ticks(
                ConsentScope::ALL
                    .iter()
                    .filter(|s| **s != ConsentScope::StoreData)
                    .map(|s| (s.as_str(), s.label())),
                &form.consents,
            ),
            model_ticks: ticks(
                ProgrammeModel::ALL.iter().map(|m| (m.as_str(), m.label())),
                &form.models,
            ),
            channel_ticks: ticks(
                Channel::ALL.iter().map(|c| (c.as_str(), c.label())),
                &form.channels,
            ),
            availability: weekly_ticks(&form.availability),
            source_options: ReferralSource::ALL
                .iter()
                .filter(|s| **s != ReferralSource::SelfReferral)
                .map(|s| (s.as_str(), s.label()))
                .collect(),
            contact_options: ContactMethod::ALL
                .iter()
                .map(|m| (m.as_str(), m.label()))
                .collect(),
            gender_options: GenderPreference::ALL
                .iter()
                .map(|g| (g.as_str(), g.label()))
                .collect(),
            method_options: [ConsentMethod::Verbal, ConsentMethod::Written]
                .iter()
                .map(|m| (m.as_str(), m.label()))
                .collect(),
            programme_options,
            form,
        },
    )
}

/// The professional referral form, with the referrer's name filled in.
pub async fn new_form(State(state): State<AppState>, auth: Authorised<MakeReferrals>) -> Response {
    let form = ReferralForm {
        referrer_name: auth.session.signed_in.display_name.clone(),
        ..ReferralForm::default()
    };
    new_page(&state, &auth.session, form, FieldErrors::new()).await
}

/// Takes a professional referral.
pub async fn create(
    State(state): State<AppState>,
    auth: Authorised<MakeReferrals>,
    CsrfForm(form): CsrfForm<ReferralForm>,
) -> Response {
    match service::refer(state.services(), &auth.permit, &form.to_input()).await {
        Ok(referred) => {
            Redirect::to(&format!("/referrals/sent/{}", referred.reference)).into_response()
        }
        Err(crate::services::Error::Invalid(errors)) => {
            new_page(&state, &auth.session, form, errors).await
        }
        Err(e) => error_page(&e, Some(&auth.session)),
    }
}

#[derive(Template)]
#[template(path = "referrals/sent.html")]
struct Sent {
    layout: Layout,
    reference: String,
}

/// The confirmation of a professional referral.
pub async fn sent(auth: Authorised<MakeReferrals>, Path(reference): Path<String>) -> Response {
    let reference: String = reference
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(12)
        .collect();
    render(
        StatusCode::OK,
        &Sent {
            layout: Layout::signed_in("Referral sent", "my-referrals", &auth.session),
            reference,
        },
    )
}

#[derive(Template)]
#[template(path = "referrals/mine.html")]
struct Mine {
    layout: Layout,
    entries: Vec<QueueEntry>,
}

/// The referrals the signed-in person made, with their outcome.
pub async fn mine(State(state): State<AppState>, auth: Authorised<MakeReferrals>) -> Response {
    match service::mine(state.services(), &auth.permit).await {
        Ok(entries) => render(
            StatusCode::OK,
            &Mine {
                layout: Layout::signed_in("My referrals", "my-referrals", &auth.session),
                entries,
            },
        ),
        Err(e) => error_page(&e, Some(&auth.session)),
    }
}

#[derive(Template)]
#[template(path = "referrals/mine_one.html")]
struct MineOne {
    layout: Layout,
    record: ReferralRecord,
}

/// The outcome of one referral the signed-in person made.
pub async fn one_of_mine(
    State(state): State<AppState>,
    auth: Authorised<MakeReferrals>,
    Path(id): Path<String>,
) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&e, Some(&auth.session)),
    };
    match service::one_of_mine(state.services(), &auth.permit, id).await {
        Ok(record) => render(
            StatusCode::OK,
            &MineOne {
                layout: Layout::signed_in(
                    format!("Referral {}", record.summary.reference),
                    "my-referrals",
                    &auth.session,
                ),
                record,
            },
        ),
        Err(e) => error_page(&e, Some(&auth.session)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProposeForm {
    supporter: String,
}

/// Proposes a match with the chosen supporter.
pub async fn propose_match(
    State(state): State<AppState>,
    auth: Authorised<MatchPeople>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ProposeForm>,
) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&e, Some(&auth.session)),
    };
    let Some(viewer) = auth.permit.also::<ViewReferrals>() else {
        return error_page(&Error::Forbidden, Some(&auth.session));
    };
    match matches_service::propose(state.services(), &auth.permit, id, &form.supporter).await {
        Ok(_) => Redirect::to(&format!("/referrals/{id}?saved=1")).into_response(),
        Err(crate::services::Error::Invalid(errors)) => {
            show_page(
                &state,
                &auth.session,
                &viewer,
                id,
                TriageInput::default(),
                errors,
                None,
            )
            .await
        }
        Err(e) => error_page(&e, Some(&auth.session)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
}

/// Records an answer to a proposed match, or withdraws it.
pub async fn decide_match(
    State(state): State<AppState>,
    auth: Authorised<MatchPeople>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Response {
    let id = match parse_id(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&e, Some(&auth.session)),
    };
    let decision = match form.decision.as_str() {
        "person_yes" => Decision::Answer(Side::Person, true),
        "person_no" => Decision::Answer(Side::Person, false),
        "supporter_yes" => Decision::Answer(Side::Supporter, true),
        "supporter_no" => Decision::Answer(Side::Supporter, false),
        "withdraw" => Decision::Withdraw,
        _ => {
            return error_page(
                &Error::BadRequest("Choose an answer to record.".into()),
                Some(&auth.session),
            );
        }
    };
    match matches_service::decide(state.services(), &auth.permit, id, decision).await {
        Ok(referral) => Redirect::to(&format!("/referrals/{referral}?saved=1")).into_response(),
        Err(e) => error_page(&e, Some(&auth.session)),
    }
}
