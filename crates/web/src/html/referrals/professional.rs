//! The referral form for professionals (GP practices, link workers,
//! coordinators taking a referral by phone) and its confirmation.

use alongside_domain::FieldErrors;
use alongside_domain::consent::{ConsentMethod, ConsentScope};
use alongside_domain::person::{ConditionInput, ContactMethod, PersonInput};
use alongside_domain::preferences::{Channel, GenderPreference, PreferencesInput};
use alongside_domain::programme::ProgrammeModel;
use alongside_domain::referral::{ReferralInput, ReferralSource};
use alongside_domain::snomed::COMMON_CONDITIONS;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::actions::MakeReferrals;
use crate::auth::{Authorised, CsrfForm, Session};
use crate::html::form_values::{date_from_boxes, on_person_form, ticked, yes_or_no};
use crate::html::{
    Layout, OrPage, PageError, PageResult, Ticks, form_status, programme_options, render, ticks,
    weekly_ticks,
};
use crate::services::Error as ServiceError;
use crate::services::referrals as service;

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
                date_of_birth: date_from_boxes(&self.dob_day, &self.dob_month, &self.dob_year),
                nhs_number: self.nhs_number.clone(),
                address: self.address.clone(),
                postcode: self.postcode.clone(),
                phone: self.phone.clone(),
                email: self.email.clone(),
                contact_method: self.contact_method.clone(),
                contact_times: self.contact_times.clone(),
                language: self.language.clone(),
                interpreter: ticked(&self.interpreter),
                accessibility_needs: self.accessibility_needs.clone(),
                conditions,
                carer: ticked(&self.carer),
            },
            source: self.source.clone(),
            referrer_name: self.referrer_name.clone(),
            referrer_organisation: self.referrer_organisation.clone(),
            referrer_contact: self.referrer_contact.clone(),
            programme: self.programme.clone(),
            reason: self.reason.clone(),
            reason_code: String::new(),
            risk: yes_or_no(&self.risk),
            risk_details: self.risk_details.clone(),
            consent_confirmed: ticked(&self.consent_confirmed),
            consent_method: self.consent_method.clone(),
            consents: self.consents.clone(),
            preferences: PreferencesInput {
                models: self.models.clone(),
                channels: self.channels.clone(),
                peer_gender: self.peer_gender.clone(),
                shared_condition: ticked(&self.shared_condition),
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
) -> PageResult {
    let programmes = crate::services::programmes::offered(
        state.services(),
        session.signed_in.actor.organisation_id,
        false,
    )
    .await
    .or_page(session)?;
    let status = form_status(errors.is_empty());
    let programme_options = programme_options(Some("Let the coordinator decide"), programmes);
    Ok(render(
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
    ))
}

/// The professional referral form, with the referrer's name filled in.
pub async fn new_form(
    State(state): State<AppState>,
    auth: Authorised<MakeReferrals>,
) -> PageResult {
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
) -> PageResult {
    match service::refer(state.services(), &auth.permit, &form.to_input()).await {
        Ok(referred) => {
            Ok(Redirect::to(&format!("/referrals/sent/{}", referred.reference)).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            new_page(&state, &auth.session, form, on_person_form(errors)).await
        }
        Err(e) => Err(PageError::new(e, &auth)),
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
    let reference = super::shown_reference(&reference);
    render(
        StatusCode::OK,
        &Sent {
            layout: Layout::signed_in("Referral sent", "my-referrals", &auth.session),
            reference,
        },
    )
}
