//! Intake: what the self-referral and professional forms send, and the
//! checks that turn it into a [`NewReferral`].

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::ReferralSource;
use crate::consent::{ConsentMethod, ConsentScope};
use crate::person::{ConditionInput, PersonDetails, PersonInput, Voice};
use crate::preferences::{PreferencesInput, SupportPreferences};
use crate::snomed::SnomedCode;
use crate::validation::{FieldErrors, GivenDate, text};

/// What a person gave on the public self-referral form, not yet checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelfReferralInput {
    /// First name.
    pub given_name: String,
    /// Last name.
    pub family_name: String,
    /// Date of birth.
    pub date_of_birth: GivenDate,
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
    /// Whether the person agrees their details are stored to arrange support.
    pub consent_store: bool,
    /// Whether the person agrees to be contacted.
    pub consent_contact: bool,
}

/// What a professional gave about the person they refer, not yet checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    /// Whether there is anything about risk to know; none when not said.
    pub risk: Option<bool>,
    /// What the risk is, when there is one.
    pub risk_details: String,
    /// Whether the referrer confirms the person agreed to the referral.
    pub consent_confirmed: bool,
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
            date_of_birth: input.date_of_birth,
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
        if !input.consent_store {
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
        if input.consent_contact {
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
    #[expect(
        clippy::too_many_lines,
        reason = "one check per field, in the form's order, reads best in one place"
    )]
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
        let risk = match input.risk {
            Some(false) => Some(None),
            Some(true) => errors
                .check(
                    "risk_details",
                    text(&input.risk_details, "what the risk is", 1, 2000),
                )
                .map(Some),
            None => {
                errors.add(
                    "risk",
                    "Say whether there is anything about risk we should know",
                );
                None
            }
        };
        if !input.consent_confirmed {
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
            date_of_birth: GivenDate::On(NaiveDate::from_ymd_opt(1956, 3, 27).unwrap()),
            postcode: "ls1 4ap".into(),
            phone: "07700 900 982".into(),
            email: String::new(),
            conditions: "COPD".into(),
            support_wanted: "Someone to talk to".into(),
            consent_store: true,
            consent_contact: true,
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
            date_of_birth: GivenDate::NotReal,
            postcode: "nowhere".into(),
            phone: String::new(),
            consent_store: false,
            ..valid()
        };
        let errors = NewReferral::from_self_referral(&input, today()).unwrap_err();
        assert_eq!(
            errors.message_for("given_name"),
            Some("Enter your first name")
        );
        assert_eq!(
            errors.message_for("date_of_birth"),
            Some("Date of birth must be a real date")
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
        let on = |d: u32, m: u32, y: i32| SelfReferralInput {
            date_of_birth: GivenDate::On(NaiveDate::from_ymd_opt(y, m, d).unwrap()),
            ..valid()
        };
        assert!(
            NewReferral::from_self_referral(&on(23, 11, 2026), today()).is_ok(),
            "born today"
        );
        let future = NewReferral::from_self_referral(&on(24, 11, 2026), today()).unwrap_err();
        assert_eq!(
            future.message_for("date_of_birth"),
            Some("Date of birth must be in the past")
        );
        assert!(NewReferral::from_self_referral(&on(1, 1, 1906), today()).is_ok());
        assert!(NewReferral::from_self_referral(&on(1, 1, 1905), today()).is_err());
        let missing = SelfReferralInput {
            date_of_birth: GivenDate::Missing,
            ..valid()
        };
        let empty = NewReferral::from_self_referral(&missing, today()).unwrap_err();
        assert_eq!(
            empty.message_for("date_of_birth"),
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
                date_of_birth: GivenDate::On(NaiveDate::from_ymd_opt(1961, 9, 4).unwrap()),
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
                interpreter: true,
                language: "Punjabi".into(),
                ..PersonInput::default()
            },
            source: "link_worker".into(),
            referrer_name: "Sam Okafor".into(),
            referrer_organisation: "Hyde Park Surgery".into(),
            risk: Some(false),
            reason: "Isolated since diagnosis".into(),
            consent_confirmed: true,
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
        input.risk = Some(true);
        input.consent_confirmed = false;
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
        input.risk = None;
        let errors = NewReferral::from_professional(&input, today()).unwrap_err();
        assert!(errors.message_for("risk").is_some());
        input.risk = Some(true);
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
}
