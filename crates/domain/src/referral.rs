//! Referrals: where they come from and how triage moves them on.
//!
//! ```text
//! received ─▶ in triage ─┬─▶ accepted (waiting list) ─▶ placed ─▶ closed
//!                        ├─▶ signposted ─────────────────────────▶ closed
//!                        └─▶ declined ───────────────────────────▶ closed
//! ```
//! Every move goes through [`ReferralStatus::apply`]; anything else is an
//! [`IllegalTransition`] whose message names both states.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::consent::{ConsentMethod, ConsentScope};
use crate::person::{ConditionInput, PersonDetails, PersonInput, Voice};
use crate::preferences::{PreferencesInput, SupportPreferences};
use crate::snomed::SnomedCode;
use crate::transition::{IllegalTransition, StateName};
use crate::validation::{FieldErrors, text};

/// Who sent a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralSource {
    /// The person referred themself.
    SelfReferral,
    /// A GP or another clinician.
    Clinician,
    /// A link worker or social prescriber.
    LinkWorker,
    /// A partner organisation.
    PartnerOrganisation,
    /// Anyone else.
    Other,
}

impl ReferralSource {
    /// Every source, in the order offered to people.
    pub const ALL: [ReferralSource; 5] = [
        Self::SelfReferral,
        Self::Clinician,
        Self::LinkWorker,
        Self::PartnerOrganisation,
        Self::Other,
    ];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SelfReferral => "self",
            Self::Clinician => "clinician",
            Self::LinkWorker => "link_worker",
            Self::PartnerOrganisation => "partner_organisation",
            Self::Other => "other",
        }
    }

    /// The name shown to people.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::SelfReferral => "Self-referral",
            Self::Clinician => "GP or clinician",
            Self::LinkWorker => "Link worker (social prescribing)",
            Self::PartnerOrganisation => "Partner organisation",
            Self::Other => "Other",
        }
    }
}

impl FromStr for ReferralSource {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("Choose who is making the referral")
    }
}

/// Why a referral was declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    /// The person does not meet the programme's eligibility.
    NotEligible,
    /// The person's needs are beyond what peer support can safely offer.
    NeedsBeyondPeerSupport,
    /// The person did not want support after all.
    PersonDeclined,
    /// Several attempts to contact the person failed.
    NoContact,
    /// The same person was already referred.
    Duplicate,
    /// Another reason, given in the note.
    Other,
}

impl DeclineReason {
    /// Every reason, in the order offered.
    pub const ALL: [DeclineReason; 6] = [
        Self::NotEligible,
        Self::NeedsBeyondPeerSupport,
        Self::PersonDeclined,
        Self::NoContact,
        Self::Duplicate,
        Self::Other,
    ];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotEligible => "not_eligible",
            Self::NeedsBeyondPeerSupport => "needs_beyond_peer_support",
            Self::PersonDeclined => "person_declined",
            Self::NoContact => "no_contact",
            Self::Duplicate => "duplicate",
            Self::Other => "other",
        }
    }

    /// The name shown to people.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::NotEligible => "Does not meet the eligibility",
            Self::NeedsBeyondPeerSupport => "Needs more than peer support can safely offer",
            Self::PersonDeclined => "The person did not want support",
            Self::NoContact => "Could not make contact",
            Self::Duplicate => "Already referred",
            Self::Other => "Another reason",
        }
    }
}

/// Where a referral stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    /// Sent, not yet looked at.
    Received,
    /// A coordinator is deciding what to offer.
    InTriage,
    /// On a programme's waiting list.
    Accepted,
    /// Pointed to another programme or a directory service instead.
    Signposted,
    /// Not taken on, with a reason.
    Declined,
    /// Matched with a supporter or placed in a group.
    Placed,
    /// Finished: nothing more will happen on it.
    Closed,
}

/// A decision or event that moves a referral on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralEvent {
    /// A coordinator starts triage.
    StartTriage,
    /// Triage puts the person on a programme's waiting list.
    Accept,
    /// Triage points the person elsewhere.
    Signpost,
    /// Triage declines the referral.
    Decline(DeclineReason),
    /// The person is matched or placed in a group.
    Place,
    /// The referral is finished.
    Close,
}

impl ReferralStatus {
    /// Every status.
    pub const ALL: [ReferralStatus; 7] = [
        Self::Received,
        Self::InTriage,
        Self::Accepted,
        Self::Signposted,
        Self::Declined,
        Self::Placed,
        Self::Closed,
    ];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::InTriage => "in_triage",
            Self::Accepted => "accepted",
            Self::Signposted => "signposted",
            Self::Declined => "declined",
            Self::Placed => "placed",
            Self::Closed => "closed",
        }
    }

    /// The status after `event`.
    ///
    /// # Errors
    /// [`IllegalTransition`] for a move the diagram above does not have.
    pub fn apply(self, event: ReferralEvent) -> Result<Self, IllegalTransition> {
        use ReferralEvent as E;
        use ReferralStatus as S;
        match (self, event) {
            (S::Received, E::StartTriage) => Ok(S::InTriage),
            (S::InTriage, E::Accept) => Ok(S::Accepted),
            (S::InTriage, E::Signpost) => Ok(S::Signposted),
            (S::InTriage, E::Decline(_)) => Ok(S::Declined),
            (S::Accepted, E::Place) => Ok(S::Placed),
            (S::Accepted | S::Signposted | S::Declined | S::Placed, E::Close) => Ok(S::Closed),
            (from, event) => Err(IllegalTransition::new("referral", from, event.done())),
        }
    }

    /// The status as people read it ("On a waiting list").
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Received => "Received",
            Self::InTriage => "In triage",
            Self::Accepted => "On a waiting list",
            Self::Signposted => "Signposted",
            Self::Declined => "Declined",
            Self::Placed => "Placed",
            Self::Closed => "Closed",
        }
    }

    /// Whether nothing more can happen.
    #[must_use]
    pub const fn is_final(self) -> bool {
        matches!(self, Self::Closed)
    }
}

impl ReferralEvent {
    /// The event as a past participle, for messages ("declined").
    #[must_use]
    pub const fn done(self) -> &'static str {
        match self {
            Self::StartTriage => "taken into triage",
            Self::Accept => "accepted",
            Self::Signpost => "signposted",
            Self::Decline(_) => "declined",
            Self::Place => "placed",
            Self::Close => "closed",
        }
    }
}

impl StateName for ReferralStatus {
    fn state_name(&self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::InTriage => "in triage",
            Self::Accepted => "on a waiting list",
            Self::Signposted => "signposted",
            Self::Declined => "declined",
            Self::Placed => "placed",
            Self::Closed => "closed",
        }
    }
}

impl fmt::Display for ReferralStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReferralStatus {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("unknown referral status")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENTS: [ReferralEvent; 6] = [
        ReferralEvent::StartTriage,
        ReferralEvent::Accept,
        ReferralEvent::Signpost,
        ReferralEvent::Decline(DeclineReason::NotEligible),
        ReferralEvent::Place,
        ReferralEvent::Close,
    ];

    /// Every allowed move, written out; every other pair must be refused.
    const ALLOWED: &[(ReferralStatus, usize, ReferralStatus)] = &[
        (ReferralStatus::Received, 0, ReferralStatus::InTriage),
        (ReferralStatus::InTriage, 1, ReferralStatus::Accepted),
        (ReferralStatus::InTriage, 2, ReferralStatus::Signposted),
        (ReferralStatus::InTriage, 3, ReferralStatus::Declined),
        (ReferralStatus::Accepted, 4, ReferralStatus::Placed),
        (ReferralStatus::Accepted, 5, ReferralStatus::Closed),
        (ReferralStatus::Signposted, 5, ReferralStatus::Closed),
        (ReferralStatus::Declined, 5, ReferralStatus::Closed),
        (ReferralStatus::Placed, 5, ReferralStatus::Closed),
    ];

    #[test]
    fn every_status_and_event_pair_is_allowed_or_refused_as_listed() {
        for from in ReferralStatus::ALL {
            for (i, event) in EVENTS.into_iter().enumerate() {
                let expected = ALLOWED
                    .iter()
                    .find(|(f, e, _)| *f == from && *e == i)
                    .map(|(_, _, to)| *to);
                assert_eq!(from.apply(event).ok(), expected, "{from} + {event:?}");
            }
        }
    }

    #[test]
    fn refusals_name_both_states() {
        let err = ReferralStatus::Declined
            .apply(ReferralEvent::Accept)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a referral that is declined cannot be accepted"
        );
        let err = ReferralStatus::Closed
            .apply(ReferralEvent::StartTriage)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a referral that is closed cannot be taken into triage"
        );
        assert!(ReferralStatus::Closed.is_final());
    }

    #[test]
    fn names_round_trip() {
        for status in ReferralStatus::ALL {
            assert_eq!(status.as_str().parse(), Ok(status));
        }
        for source in ReferralSource::ALL {
            assert_eq!(source.as_str().parse(), Ok(source));
        }
        assert!("fax".parse::<ReferralSource>().is_err());
        assert_eq!(DeclineReason::ALL.len(), 6);
    }
}

/// What a person typed into the public self-referral form: text only, so it
/// can be shown again as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SelfReferralInput {
    /// First name.
    pub given_name: String,
    /// Last name.
    pub family_name: String,
    /// Day of birth.
    pub dob_day: String,
    /// Month of birth.
    pub dob_month: String,
    /// Year of birth.
    pub dob_year: String,
    /// Home postcode.
    pub postcode: String,
    /// Phone number.
    pub phone: String,
    /// Email address.
    pub email: String,
    /// Long-term conditions, in the person's words, one per line.
    pub conditions: String,
    /// What would help, in the person's words.
    pub support_wanted: String,
    /// "yes" when the person agrees their details are stored to arrange support.
    pub consent_store: String,
    /// "yes" when the person agrees to be contacted.
    pub consent_contact: String,
}

/// What a professional typed about the person they refer, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReferralInput {
    /// The person.
    pub person: PersonInput,
    /// A [`ReferralSource`] stored name other than self.
    pub source: String,
    /// The referrer's name.
    pub referrer_name: String,
    /// The practice, team or organisation referring.
    pub referrer_organisation: String,
    /// How to reach the referrer: phone or email.
    pub referrer_contact: String,
    /// The programme asked for, by id; empty to leave it to triage.
    pub programme: String,
    /// Why the person is referred.
    pub reason: String,
    /// A SNOMED CT code for the reason; empty for the default.
    pub reason_code: String,
    /// "yes" or "no": is there anything about risk to know.
    pub risk: String,
    /// What the risk is, when there is one.
    pub risk_details: String,
    /// "yes" when the referrer confirms the person agreed to the referral.
    pub consent_confirmed: String,
    /// A [`ConsentMethod`] stored name.
    pub consent_method: String,
    /// [`ConsentScope`] stored names the person agreed to, beyond storage.
    pub consents: Vec<String>,
    /// What the person would like from support.
    pub preferences: PreferencesInput,
}

/// Who referred someone, when it was not the person themself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referrer {
    /// Their name, 1 to 100 characters.
    pub name: String,
    /// Practice, team or organisation, 1 to 200 characters.
    pub organisation: String,
    /// Phone or email, up to 200 characters; may be empty.
    pub contact: String,
}

/// A referral that meets every rule, from whichever door it came in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferral {
    /// The person referred.
    pub person: PersonDetails,
    /// Who referred.
    pub source: ReferralSource,
    /// The referrer, unless the person referred themself.
    pub referrer: Option<Referrer>,
    /// The programme asked for, if any.
    pub programme: Option<crate::ProgrammeId>,
    /// Why: the referrer's reason, or what the person says would help;
    /// up to 2,000 characters.
    pub reason: String,
    /// The coded reason ([`SnomedCode::social_prescribing_referral`] when
    /// none was sent).
    pub reason_code: SnomedCode,
    /// What is known about risk, if anything.
    pub risk: Option<String>,
    /// What the person agreed to; always includes [`ConsentScope::StoreData`].
    pub consents: BTreeSet<ConsentScope>,
    /// How they agreed.
    pub consent_method: ConsentMethod,
    /// What they would like from support.
    pub preferences: SupportPreferences,
}

impl NewReferral {
    /// Checks a self-referral and reports every problem at once.
    ///
    /// # Errors
    /// [`FieldErrors`] naming each field that breaks a rule.
    pub fn from_self_referral(
        input: &SelfReferralInput,
        today: NaiveDate,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let person = PersonInput {
            given_name: input.given_name.clone(),
            family_name: input.family_name.clone(),
            dob_day: input.dob_day.clone(),
            dob_month: input.dob_month.clone(),
            dob_year: input.dob_year.clone(),
            postcode: input.postcode.clone(),
            phone: input.phone.clone(),
            email: input.email.clone(),
            conditions: input
                .conditions
                .lines()
                .map(|line| ConditionInput {
                    description: line.to_owned(),
                    code: String::new(),
                })
                .collect(),
            ..PersonInput::default()
        };
        let person = PersonDetails::validate(&person, Voice::Person, today, &mut errors);
        let reason = errors.check(
            "support_wanted",
            text(&input.support_wanted, "what would help", 0, 2000),
        );
        if input.consent_store != "yes" {
            errors.add(
                "consent_store",
                "Tick the box to agree that we keep your details, or we cannot arrange support",
            );
        }
        let (Some(person), Some(reason)) = (person, reason) else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut consents = BTreeSet::from([ConsentScope::StoreData]);
        if input.consent_contact == "yes" {
            if !person.phone.is_empty() {
                consents.extend([ConsentScope::ContactByPhone, ConsentScope::ContactByText]);
            }
            if person.email.is_some() {
                consents.insert(ConsentScope::ContactByEmail);
            }
        }
        Ok(Self {
            person,
            source: ReferralSource::SelfReferral,
            referrer: None,
            programme: None,
            reason,
            reason_code: SnomedCode::social_prescribing_referral(),
            risk: None,
            consents,
            consent_method: ConsentMethod::Online,
            preferences: SupportPreferences::default(),
        })
    }

    /// Checks a referral made by a professional and reports every problem
    /// at once.
    ///
    /// # Errors
    /// [`FieldErrors`] naming each field that breaks a rule.
    pub fn from_professional(input: &ReferralInput, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let person = PersonDetails::validate(&input.person, Voice::Referrer, today, &mut errors);
        let source = match input.source.trim().parse::<ReferralSource>() {
            Ok(ReferralSource::SelfReferral) | Err(_) => {
                errors.add("source", "Choose who is making the referral");
                None
            }
            Ok(source) => Some(source),
        };
        let name = errors.check(
            "referrer_name",
            text(&input.referrer_name, "your name", 1, 100),
        );
        let organisation = errors.check(
            "referrer_organisation",
            text(
                &input.referrer_organisation,
                "your practice, team or organisation",
                1,
                200,
            ),
        );
        let contact = errors.check(
            "referrer_contact",
            text(&input.referrer_contact, "how to reach you", 0, 200),
        );
        let programme = match input.programme.trim() {
            "" => Some(None),
            p => errors.check(
                "programme",
                p.parse::<crate::ProgrammeId>()
                    .map(Some)
                    .map_err(|_| "Choose a programme from the list"),
            ),
        };
        let reason = errors.check(
            "reason",
            text(&input.reason, "the reason for the referral", 1, 2000),
        );
        let reason_code = match input.reason_code.trim() {
            "" => Some(SnomedCode::social_prescribing_referral()),
            code => errors.check("reason_code", SnomedCode::parse(code)),
        };
        let risk = match input.risk.as_str() {
            "no" => Some(None),
            "yes" => errors
                .check(
                    "risk_details",
                    text(&input.risk_details, "what the risk is", 1, 2000),
                )
                .map(Some),
            _ => {
                errors.add(
                    "risk",
                    "Say whether there is anything about risk we should know",
                );
                None
            }
        };
        if input.consent_confirmed != "yes" {
            errors.add(
                "consent_confirmed",
                "Confirm the person agreed to be referred and to us keeping their details",
            );
        }
        let consent_method = errors.check(
            "consent_method",
            input
                .consent_method
                .parse::<ConsentMethod>()
                .and_then(|m| match m {
                    ConsentMethod::Online => Err("Choose how the person gave consent"),
                    m => Ok(m),
                }),
        );
        let mut consents = BTreeSet::from([ConsentScope::StoreData]);
        for scope in &input.consents {
            if let Some(scope) = errors.check("consents", scope.parse::<ConsentScope>()) {
                consents.insert(scope);
            }
        }
        let preferences = SupportPreferences::validate(&input.preferences, &mut errors);
        match (
            person,
            source,
            name,
            organisation,
            contact,
            programme,
            reason,
            reason_code,
            risk,
            consent_method,
            preferences,
        ) {
            (
                Some(person),
                Some(source),
                Some(name),
                Some(organisation),
                Some(contact),
                Some(programme),
                Some(reason),
                Some(reason_code),
                Some(risk),
                Some(consent_method),
                Some(preferences),
            ) if errors.is_empty() => Ok(Self {
                person,
                source,
                referrer: Some(Referrer {
                    name,
                    organisation,
                    contact,
                }),
                programme,
                reason,
                reason_code,
                risk,
                consents,
                consent_method,
                preferences,
            }),
            _ => Err(errors),
        }
    }
}

/// Why two people are likely the same person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    /// The same NHS number.
    SameNhsNumber,
    /// The same name, date of birth and postcode.
    SameNameBirthDateAndPostcode,
}

impl DuplicateReason {
    /// The reason in words.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::SameNhsNumber => "same NHS number",
            Self::SameNameBirthDateAndPostcode => "same name, date of birth and postcode",
        }
    }
}

/// The identifying details the duplicate check compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity<'a> {
    /// First name.
    pub given_name: &'a str,
    /// Last name.
    pub family_name: &'a str,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Postcode in standard form.
    pub postcode: &'a str,
    /// NHS number digits, if known.
    pub nhs_number: Option<&'a str>,
}

/// Whether two records likely describe the same person: the same NHS number,
/// or the same name (ignoring case, accents aside), date of birth and postcode.
#[must_use]
pub fn likely_duplicate(a: &Identity<'_>, b: &Identity<'_>) -> Option<DuplicateReason> {
    if let (Some(x), Some(y)) = (a.nhs_number, b.nhs_number) {
        return (x == y).then_some(DuplicateReason::SameNhsNumber);
    }
    let same = |x: &str, y: &str| x.trim().to_lowercase() == y.trim().to_lowercase();
    (same(a.given_name, b.given_name)
        && same(a.family_name, b.family_name)
        && a.date_of_birth == b.date_of_birth
        && a.postcode == b.postcode)
        .then_some(DuplicateReason::SameNameBirthDateAndPostcode)
}

/// Whether a referral has waited longer than its target without a first
/// contact: counted in whole days from receipt to `today`.
#[must_use]
pub fn waiting_too_long(
    received: NaiveDate,
    first_contact: Option<NaiveDate>,
    status: ReferralStatus,
    target_days: u16,
    today: NaiveDate,
) -> bool {
    let open = matches!(
        status,
        ReferralStatus::Received | ReferralStatus::InTriage | ReferralStatus::Accepted
    );
    open && first_contact.is_none() && (today - received).num_days() > i64::from(target_days)
}

/// Days a referral has waited, from receipt to `today`.
#[must_use]
pub fn days_waiting(received: NaiveDate, today: NaiveDate) -> i64 {
    (today - received).num_days().max(0)
}

#[cfg(test)]
mod self_referral_tests {
    use super::*;
    use chrono::NaiveDate;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn valid() -> SelfReferralInput {
        SelfReferralInput {
            given_name: "Maureen".into(),
            family_name: "Ellis".into(),
            dob_day: "27".into(),
            dob_month: "3".into(),
            dob_year: "1956".into(),
            postcode: "ls1 4ap".into(),
            phone: "07700 900 982".into(),
            email: String::new(),
            conditions: "COPD".into(),
            support_wanted: "Someone to talk to".into(),
            consent_store: "yes".into(),
            consent_contact: "yes".into(),
        }
    }

    #[test]
    fn a_valid_self_referral_is_accepted() {
        let referral = NewReferral::from_self_referral(&valid(), today()).unwrap();
        assert_eq!(
            referral.person.date_of_birth,
            NaiveDate::from_ymd_opt(1956, 3, 27).unwrap()
        );
        assert_eq!(referral.person.postcode.as_str(), "LS1 4AP");
        assert_eq!(referral.person.phone, "07700900982");
        assert!(referral.person.email.is_none());
        assert!(referral.consents.contains(&ConsentScope::ContactByPhone));
        assert!(!referral.consents.contains(&ConsentScope::ContactByEmail));
        assert_eq!(referral.person.conditions[0].description, "COPD");
        assert_eq!(referral.reason_code.as_str(), "871731000000106");
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let input = SelfReferralInput {
            given_name: " ".into(),
            dob_day: "31".into(),
            dob_month: "2".into(),
            postcode: "nowhere".into(),
            phone: String::new(),
            consent_store: String::new(),
            ..valid()
        };
        let errors = NewReferral::from_self_referral(&input, today()).unwrap_err();
        assert_eq!(
            errors.message_for("given_name"),
            Some("Enter your first name")
        );
        assert_eq!(
            errors.message_for("dob_day"),
            Some("Date of birth must be a real date, like 27 3 1956")
        );
        assert_eq!(
            errors.message_for("postcode"),
            Some("Enter a full UK postcode, like LS1 4AP")
        );
        assert_eq!(
            errors.message_for("phone"),
            Some("Enter a phone number or an email address, so we can contact you")
        );
        assert!(errors.message_for("consent_store").is_some());
    }

    #[test]
    fn dates_of_birth_are_bounded() {
        let with = |d: &str, m: &str, y: &str| SelfReferralInput {
            dob_day: d.into(),
            dob_month: m.into(),
            dob_year: y.into(),
            ..valid()
        };
        assert!(
            NewReferral::from_self_referral(&with("23", "11", "2026"), today()).is_ok(),
            "born today"
        );
        let future =
            NewReferral::from_self_referral(&with("24", "11", "2026"), today()).unwrap_err();
        assert_eq!(
            future.message_for("dob_day"),
            Some("Date of birth must be in the past")
        );
        assert!(NewReferral::from_self_referral(&with("1", "1", "1906"), today()).is_ok());
        assert!(NewReferral::from_self_referral(&with("1", "1", "1905"), today()).is_err());
        let empty = NewReferral::from_self_referral(&with("", "", ""), today()).unwrap_err();
        assert_eq!(
            empty.message_for("dob_day"),
            Some("Enter your date of birth")
        );
    }

    #[test]
    fn an_email_alone_is_enough_contact() {
        let input = SelfReferralInput {
            phone: String::new(),
            email: "m.ellis@example.org".into(),
            ..valid()
        };
        assert!(NewReferral::from_self_referral(&input, today()).is_ok());
        let bad_phone = SelfReferralInput {
            phone: "call me".into(),
            ..valid()
        };
        assert!(
            NewReferral::from_self_referral(&bad_phone, today())
                .unwrap_err()
                .message_for("phone")
                .unwrap()
                .starts_with("Enter a phone number, like")
        );
    }
}

#[cfg(test)]
mod professional_referral_tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn valid() -> ReferralInput {
        ReferralInput {
            person: PersonInput {
                given_name: "Arjun".into(),
                family_name: "Mehta".into(),
                preferred_name: "AJ".into(),
                dob_day: "4".into(),
                dob_month: "9".into(),
                dob_year: "1961".into(),
                nhs_number: "943 476 5919".into(),
                postcode: "LS6 2AB".into(),
                phone: "0113 496 0000".into(),
                conditions: vec![
                    ConditionInput {
                        description: String::new(),
                        code: "44054006".into(),
                    },
                    ConditionInput {
                        description: "Sight loss".into(),
                        code: String::new(),
                    },
                ],
                interpreter: "yes".into(),
                language: "Punjabi".into(),
                ..PersonInput::default()
            },
            source: "link_worker".into(),
            referrer_name: "Sam Okafor".into(),
            referrer_organisation: "Hyde Park Surgery".into(),
            risk: "no".into(),
            reason: "Isolated since diagnosis".into(),
            consent_confirmed: "yes".into(),
            consent_method: "verbal".into(),
            consents: vec!["contact_by_phone".into(), "share_with_peer".into()],
            ..ReferralInput::default()
        }
    }

    #[test]
    fn a_valid_professional_referral_is_accepted_with_defaults() {
        let referral = NewReferral::from_professional(&valid(), today()).unwrap();
        assert_eq!(referral.source, ReferralSource::LinkWorker);
        assert_eq!(referral.reason_code.as_str(), "871731000000106");
        assert_eq!(referral.person.nhs_number.unwrap().digits(), "9434765919");
        assert_eq!(referral.person.known_as(), "AJ");
        assert_eq!(
            referral.person.conditions[0].description,
            "Diabetes, type 2"
        );
        assert_eq!(referral.person.conditions[1].code, None);
        assert!(referral.person.interpreter_needed);
        assert!(referral.risk.is_none());
        assert_eq!(
            referral.consents.iter().copied().collect::<Vec<_>>(),
            vec![
                ConsentScope::StoreData,
                ConsentScope::ShareWithPeer,
                ConsentScope::ContactByPhone
            ]
        );
        assert_eq!(referral.referrer.unwrap().organisation, "Hyde Park Surgery");
    }

    #[test]
    fn every_rule_is_named_at_once() {
        let mut input = valid();
        input.person.nhs_number = "943 476 5918".into();
        input.person.conditions[0].code = "4405400".into();
        input.source = "self".into();
        input.reason = String::new();
        input.risk = "yes".into();
        input.consent_confirmed = String::new();
        input.consent_method = "online".into();
        input.consents.push("mind_reading".into());
        input.reason_code = "12345".into();
        let errors = NewReferral::from_professional(&input, today()).unwrap_err();
        for field in [
            "nhs_number",
            "conditions",
            "source",
            "reason",
            "risk_details",
            "consent_confirmed",
            "consent_method",
            "consents",
            "reason_code",
        ] {
            assert!(errors.message_for(field).is_some(), "{field}: {errors}");
        }
        assert_eq!(
            errors.message_for("nhs_number"),
            Some("Enter a valid NHS number: check it for a mistyped digit")
        );
    }

    #[test]
    fn risk_must_be_answered_and_described() {
        let mut input = valid();
        input.risk = String::new();
        let errors = NewReferral::from_professional(&input, today()).unwrap_err();
        assert!(errors.message_for("risk").is_some());
        input.risk = "yes".into();
        input.risk_details = "Lives alone; recent fall".into();
        let referral = NewReferral::from_professional(&input, today()).unwrap();
        assert_eq!(referral.risk.as_deref(), Some("Lives alone; recent fall"));
    }

    #[test]
    fn repeated_conditions_are_listed_once() {
        let mut input = valid();
        input.person.conditions.push(ConditionInput {
            description: "sight LOSS".into(),
            code: String::new(),
        });
        input.person.conditions.push(ConditionInput {
            description: "Type 2 diabetes".into(),
            code: "44054006".into(),
        });
        let referral = NewReferral::from_professional(&input, today()).unwrap();
        assert_eq!(referral.person.conditions.len(), 2);
    }

    fn identity<'a>(given: &'a str, nhs: Option<&'a str>, postcode: &'a str) -> Identity<'a> {
        Identity {
            given_name: given,
            family_name: "Mehta",
            date_of_birth: NaiveDate::from_ymd_opt(1961, 9, 4).unwrap(),
            postcode,
            nhs_number: nhs,
        }
    }

    #[test]
    fn duplicates_are_the_same_nhs_number_or_the_same_name_birth_and_postcode() {
        let a = identity("Arjun", Some("9434765919"), "LS6 2AB");
        assert_eq!(
            likely_duplicate(&a, &identity("Someone", Some("9434765919"), "M1 1AA")),
            Some(DuplicateReason::SameNhsNumber)
        );
        // Two different NHS numbers are two people, whatever the names say.
        assert_eq!(
            likely_duplicate(&a, &identity("Arjun", Some("4010232137"), "LS6 2AB")),
            None
        );
        assert_eq!(
            likely_duplicate(&a, &identity(" ARJUN ", None, "LS6 2AB")),
            Some(DuplicateReason::SameNameBirthDateAndPostcode)
        );
        assert_eq!(
            likely_duplicate(&a, &identity("Arjun", None, "LS6 2AD")),
            None
        );
    }

    #[test]
    fn the_waiting_flag_counts_days_past_the_target_without_contact() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let open = ReferralStatus::Received;
        assert!(
            !waiting_too_long(day(1), None, open, 14, day(15)),
            "14 days is on target"
        );
        assert!(waiting_too_long(day(1), None, open, 14, day(16)));
        assert!(!waiting_too_long(day(1), Some(day(3)), open, 14, day(20)));
        assert!(!waiting_too_long(
            day(1),
            None,
            ReferralStatus::Declined,
            14,
            day(30)
        ));
        assert!(waiting_too_long(
            day(1),
            None,
            ReferralStatus::Accepted,
            7,
            day(9)
        ));
        assert_eq!(days_waiting(day(1), day(24)), 23);
    }
}
