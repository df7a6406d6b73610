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

use crate::transition::{IllegalTransition, StateName};

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
    /// Long-term conditions, in the person's words.
    pub conditions: String,
    /// What would help, in the person's words.
    pub support_wanted: String,
    /// "yes" when the person agrees their details are stored to arrange support.
    pub consent_store: String,
    /// "yes" when the person agrees to be contacted.
    pub consent_contact: String,
}

/// A self-referral that meets every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfReferral {
    /// First name, 1 to 100 characters.
    pub given_name: String,
    /// Last name, 1 to 100 characters.
    pub family_name: String,
    /// Date of birth: a real date, in the past, at most 120 years ago.
    pub date_of_birth: chrono::NaiveDate,
    /// Home postcode.
    pub postcode: crate::person::Postcode,
    /// Phone number, digits and a leading + only; empty if none.
    pub phone: String,
    /// Email address, if given.
    pub email: Option<crate::account::EmailAddress>,
    /// Long-term conditions, up to 1,000 characters.
    pub conditions: String,
    /// What would help, up to 2,000 characters.
    pub support_wanted: String,
    /// Whether the person agreed to be contacted.
    pub consent_contact: bool,
}

impl SelfReferral {
    /// Checks every field and reports every problem at once. `today` is the
    /// caller's date: the domain never reads the clock.
    ///
    /// # Errors
    /// [`crate::FieldErrors`] naming each field that breaks a rule.
    pub fn validate(
        input: &SelfReferralInput,
        today: chrono::NaiveDate,
    ) -> Result<Self, crate::FieldErrors> {
        use crate::validation::text;
        let mut errors = crate::FieldErrors::new();
        let given_name = errors.check(
            "given_name",
            text(&input.given_name, "your first name", 1, 100),
        );
        let family_name = errors.check(
            "family_name",
            text(&input.family_name, "your last name", 1, 100),
        );
        let date_of_birth = errors.check("dob_day", date_of_birth(input, today));
        let postcode = errors.check("postcode", crate::person::Postcode::parse(&input.postcode));
        let phone = errors.check("phone", phone(&input.phone));
        let email = if input.email.trim().is_empty() {
            Some(None)
        } else {
            errors.check(
                "email",
                crate::account::EmailAddress::parse(&input.email).map(Some),
            )
        };
        if phone.as_ref().is_some_and(String::is_empty) && matches!(email, Some(None)) {
            errors.add(
                "phone",
                "Enter a phone number or an email address, so we can contact you",
            );
        }
        let conditions = errors.check("conditions", text(&input.conditions, "conditions", 0, 1000));
        let support_wanted = errors.check(
            "support_wanted",
            text(&input.support_wanted, "what would help", 0, 2000),
        );
        if input.consent_store != "yes" {
            errors.add(
                "consent_store",
                "Tick the box to agree that we keep your details, or we cannot arrange support",
            );
        }
        match (
            given_name,
            family_name,
            date_of_birth,
            postcode,
            phone,
            email,
            conditions,
            support_wanted,
        ) {
            (
                Some(given_name),
                Some(family_name),
                Some(date_of_birth),
                Some(postcode),
                Some(phone),
                Some(email),
                Some(conditions),
                Some(support_wanted),
            ) if errors.is_empty() => Ok(Self {
                given_name,
                family_name,
                date_of_birth,
                postcode,
                phone,
                email,
                conditions,
                support_wanted,
                consent_contact: input.consent_contact == "yes",
            }),
            _ => Err(errors),
        }
    }
}

fn date_of_birth(
    input: &SelfReferralInput,
    today: chrono::NaiveDate,
) -> Result<chrono::NaiveDate, &'static str> {
    use chrono::Datelike as _;
    let parts = [
        input.dob_day.trim(),
        input.dob_month.trim(),
        input.dob_year.trim(),
    ];
    if parts.iter().all(|p| p.is_empty()) {
        return Err("Enter your date of birth");
    }
    let numbers: Vec<Option<u32>> = parts.iter().map(|p| p.parse().ok()).collect();
    let (Some(day), Some(month), Some(year)) = (numbers[0], numbers[1], numbers[2]) else {
        return Err("Date of birth must be a real date, like 27 3 1956");
    };
    let year =
        i32::try_from(year).map_err(|_| "Date of birth must be a real date, like 27 3 1956")?;
    let date = chrono::NaiveDate::from_ymd_opt(year, month, day)
        .ok_or("Date of birth must be a real date, like 27 3 1956")?;
    if date > today {
        return Err("Date of birth must be in the past");
    }
    if today.year() - date.year() > 120 {
        return Err("Check the year of birth: it is more than 120 years ago");
    }
    Ok(date)
}

fn phone(value: &str) -> Result<String, &'static str> {
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    if compact.is_empty() {
        return Ok(compact);
    }
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    if digits.chars().all(|c| c.is_ascii_digit()) && (10..=15).contains(&digits.len()) {
        Ok(compact)
    } else {
        Err("Enter a phone number, like 07700 900 982 or +44 7700 900 982")
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
        let referral = SelfReferral::validate(&valid(), today()).unwrap();
        assert_eq!(
            referral.date_of_birth,
            NaiveDate::from_ymd_opt(1956, 3, 27).unwrap()
        );
        assert_eq!(referral.postcode.as_str(), "LS1 4AP");
        assert_eq!(referral.phone, "07700900982");
        assert!(referral.consent_contact && referral.email.is_none());
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
        let errors = SelfReferral::validate(&input, today()).unwrap_err();
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
            SelfReferral::validate(&with("23", "11", "2026"), today()).is_ok(),
            "born today"
        );
        let future = SelfReferral::validate(&with("24", "11", "2026"), today()).unwrap_err();
        assert_eq!(
            future.message_for("dob_day"),
            Some("Date of birth must be in the past")
        );
        assert!(SelfReferral::validate(&with("1", "1", "1906"), today()).is_ok());
        assert!(SelfReferral::validate(&with("1", "1", "1905"), today()).is_err());
        let empty = SelfReferral::validate(&with("", "", ""), today()).unwrap_err();
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
        assert!(SelfReferral::validate(&input, today()).is_ok());
        let bad_phone = SelfReferralInput {
            phone: "call me".into(),
            ..valid()
        };
        assert!(
            SelfReferral::validate(&bad_phone, today())
                .unwrap_err()
                .message_for("phone")
                .unwrap()
                .starts_with("Enter a phone number, like")
        );
    }
}
