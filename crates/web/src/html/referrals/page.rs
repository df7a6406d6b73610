//! A referral's page: the person's record, its history and duplicates,
//! and the changes made on it (triage, first contact, consent, merging).

use alongside_db::matches::MatchRecord;
use alongside_domain::FieldErrors;
use alongside_domain::access::{Action, role_may};
use alongside_domain::consent::{ConsentChange, ConsentChangeInput, ConsentMethod, ConsentScope};
use alongside_domain::peer_match::MatchStatus;
use alongside_domain::person::{ContactMethod, NhsNumber};
use alongside_domain::preferences::{PreferencesInput, SupportPreferences};
use alongside_domain::referral::{
    DeclineReason, ReferralStatus, TriageDecision, TriageInput, waiting_too_long,
};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::actions::{
    EnterOutcomes, MatchPeople, MergeRecords, RecordConsent, TriageReferrals, ViewReferrals,
};
use crate::auth::{Authorised, CsrfForm, Permission, Permit, Session};
use crate::html::{
    Layout, OrPage, PageError, PageResult, RecordId, form_status, programme_options, render,
};
use crate::services::Error as ServiceError;
use crate::services::matches::{self as matches_service, Candidate};
use crate::services::referrals::{self as service, ReferralPage};
use crate::{AppState, Error};

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

/// The referral page for `permit`'s holder: with what was typed and its
/// problems when a change on it was refused, or a notice after one was made.
pub(crate) async fn show_page(
    state: &AppState,
    session: &Session,
    permit: &Permit<ViewReferrals>,
    id: Uuid,
    input: TriageInput,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> PageResult {
    let on = (session, permit);
    let page = service::show(state.services(), permit, id)
        .await
        .or_page(&on)?;
    // The programme the referrer asked for is the first suggestion.
    let mut input = input;
    if let (true, Some(asked)) = (input.programme.is_empty(), page.record.summary.programme_id) {
        input.programme = asked.to_string();
    }
    let programmes = crate::services::programmes::offered(
        state.services(),
        permit.actor().organisation_id,
        false,
    )
    .await
    .or_page(&on)?;
    let matcher = permit.also::<MatchPeople>();
    let (matches, candidates) = match &matcher {
        Some(matcher) => {
            let id = page.record.summary.id;
            let matches = matches_service::for_referral(state.services(), matcher, id)
                .await
                .or_page(&on)?;
            let open = matches.iter().any(|m| m.status == MatchStatus::Proposed);
            let candidates = if page.record.summary.status == ReferralStatus::Accepted && !open {
                matches_service::candidates(state.services(), matcher, &page.record)
                    .await
                    .or_page(&on)?
            } else {
                Vec::new()
            };
            (matches, candidates)
        }
        None => (Vec::new(), Vec::new()),
    };
    let outcomes = match permit.also::<EnterOutcomes>() {
        Some(enter) => {
            crate::services::outcomes::for_referral(state.services(), &enter, &page.record)
                .await
                .or_page(&on)?
        }
        None => Vec::new(),
    };
    let status = form_status(errors.is_empty());
    let summary = &page.record.summary;
    let waiting_too_long = waiting_too_long(
        summary.received_at.date_naive(),
        summary.first_contact_at.map(|t| t.date_naive()),
        summary.status,
        summary.waiting_target_days,
        Utc::now().date_naive(),
    );
    Ok(render(
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
            programme_options: programme_options(None, programmes),
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
    ))
}

/// One referral, with the person's record (the view is audited).
pub async fn show(
    State(state): State<AppState>,
    auth: Authorised<ViewReferrals>,
    RecordId(id): RecordId<Uuid>,
    Query(query): Query<ShowQuery>,
) -> PageResult {
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
/// again with the problem and what was typed.
pub(crate) async fn after_change<A: Permission>(
    state: &AppState,
    auth: &Authorised<A>,
    id: Uuid,
    result: Result<(), ServiceError>,
    input: TriageInput,
) -> PageResult {
    let Some(viewer) = auth.permit.also::<ViewReferrals>() else {
        return Err(PageError::new(Error::Forbidden, auth));
    };
    let errors = match result {
        Ok(()) => return Ok(Redirect::to(&format!("/referrals/{id}?saved=1")).into_response()),
        Err(ServiceError::Invalid(errors)) => errors,
        Err(ServiceError::IllegalTransition(t)) => {
            let message = alongside_domain::validation::capitalise(&t.to_string());
            return show_page(
                state,
                &auth.session,
                &viewer,
                id,
                TriageInput::default(),
                FieldErrors::one("decision", format!("{message}.")),
                None,
            )
            .await;
        }
        Err(e) => return Err(PageError::new(e, auth)),
    };
    show_page(state, &auth.session, &viewer, id, input, errors, None).await
}

/// Records a triage decision.
pub async fn triage(
    State(state): State<AppState>,
    auth: Authorised<TriageReferrals>,
    RecordId(id): RecordId<Uuid>,
    CsrfForm(input): CsrfForm<TriageInput>,
) -> PageResult {
    let result = match TriageDecision::validate(&input) {
        Ok(decision) => service::triage(state.services(), &auth.permit, id, &decision)
            .await
            .map(|_| ()),
        Err(errors) => Err(errors.into()),
    };
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
    RecordId(id): RecordId<Uuid>,
    CsrfForm(form): CsrfForm<ContactForm>,
) -> PageResult {
    let result =
        service::record_first_contact(state.services(), &auth.permit, id, &form.contact_note).await;
    after_change(&state, &auth, id, result, TriageInput::default()).await
}

/// Records a consent given or withdrawn.
pub async fn consent(
    State(state): State<AppState>,
    auth: Authorised<RecordConsent>,
    RecordId(id): RecordId<Uuid>,
    CsrfForm(form): CsrfForm<ConsentChangeInput>,
) -> PageResult {
    let result = match ConsentChange::validate(&form) {
        Ok(change) => service::change_consent(state.services(), &auth.permit, id, &change).await,
        Err(errors) => Err(errors.into()),
    };
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
    RecordId(id): RecordId<Uuid>,
    CsrfForm(form): CsrfForm<MergeForm>,
) -> PageResult {
    // Only a record's canonical id names it; anything else is not there.
    let result = match crate::html::canonical::<Uuid>(&form.other) {
        Some(other) => service::merge(state.services(), &auth.permit, id, other).await,
        None => Err(ServiceError::NotFound),
    };
    after_change(&state, &auth, id, result, TriageInput::default()).await
}
