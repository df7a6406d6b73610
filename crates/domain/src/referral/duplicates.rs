//! Duplicates and waiting: whether two records are likely one person, and
//! how long a referral has waited for a first contact.

use chrono::NaiveDate;
use serde::Serialize;

use super::ReferralStatus;

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
mod tests {
    use super::*;

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
