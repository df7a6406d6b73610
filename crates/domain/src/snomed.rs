//! SNOMED CT concept identifiers, the codes the NHS uses for conditions and
//! for the reason of a referral.

use std::fmt;

/// A SNOMED CT identifier: 6 to 18 digits, no leading zero, whose last digit
/// is the Verhoeff check digit of the others. Whether the concept exists is
/// for a terminology server to say; this catches typos.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SnomedCode(String);

/// The code system URI FHIR uses for SNOMED CT.
pub const SYSTEM: &str = "http://snomed.info/sct";

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Enter a SNOMED CT code of 6 to 18 digits, like 13645005")]
pub struct InvalidSnomedCode;

/// The Verhoeff tables: multiplication in the dihedral group D5, and the
/// position permutation (Verhoeff, 1969).
const MULTIPLY: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const PERMUTE: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/// Whether `digits` (check digit last) pass the Verhoeff check.
fn verhoeff_ok(digits: &[u8]) -> bool {
    let mut check = 0u8;
    for (i, d) in digits.iter().rev().enumerate() {
        check = MULTIPLY[usize::from(check)][usize::from(PERMUTE[i % 8][usize::from(*d)])];
    }
    check == 0
}

impl SnomedCode {
    /// Parses a code, ignoring surrounding spaces.
    ///
    /// # Errors
    /// [`InvalidSnomedCode`] for anything but 6 to 18 digits with a valid
    /// check digit.
    pub fn parse(value: &str) -> Result<Self, InvalidSnomedCode> {
        let value = value.trim();
        let digits: Vec<u8> = value
            .bytes()
            .map(|b| b.wrapping_sub(b'0'))
            .take_while(|d| *d <= 9)
            .collect();
        if digits.len() != value.len()
            || !(6..=18).contains(&digits.len())
            || digits[0] == 0
            || !verhoeff_ok(&digits)
        {
            return Err(InvalidSnomedCode);
        }
        Ok(Self(value.to_owned()))
    }

    /// The digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The label Alongside knows for this code, if it is one of
    /// [`COMMON_CONDITIONS`] or the default referral reason.
    #[must_use]
    pub fn known_label(&self) -> Option<&'static str> {
        COMMON_CONDITIONS
            .iter()
            .chain(std::iter::once(&SOCIAL_PRESCRIBING_REFERRAL))
            .find(|(code, _)| *code == self.0)
            .map(|(_, label)| *label)
    }

    /// The default reason for a referral: "Referral to social prescribing
    /// service", used when a referrer sends no code of their own.
    #[must_use]
    pub fn social_prescribing_referral() -> Self {
        Self(SOCIAL_PRESCRIBING_REFERRAL.0.to_owned())
    }
}

impl fmt::Display for SnomedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// SNOMED CT 871731000000106 |Referral to social prescribing service|.
pub const SOCIAL_PRESCRIBING_REFERRAL: (&str, &str) =
    ("871731000000106", "Referral to social prescribing service");

/// Long-term conditions offered as ticks on referral forms, with their
/// SNOMED CT concepts; anything else is typed in words.
pub const COMMON_CONDITIONS: &[(&str, &str)] = &[
    ("195967001", "Asthma"),
    ("363346000", "Cancer"),
    ("709044004", "Chronic kidney disease"),
    ("13645005", "Chronic obstructive pulmonary disease (COPD)"),
    ("82423001", "Chronic pain"),
    ("53741008", "Coronary heart disease"),
    ("35489007", "Depression"),
    ("46635009", "Diabetes, type 1"),
    ("44054006", "Diabetes, type 2"),
    ("84757009", "Epilepsy"),
    ("84114007", "Heart failure"),
    ("38341003", "High blood pressure (hypertension)"),
    ("24700007", "Multiple sclerosis"),
    ("396275006", "Osteoarthritis"),
    ("49049000", "Parkinson's disease"),
    ("69896004", "Rheumatoid arthritis"),
    ("230690007", "Stroke"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_code_alongside_ships_passes_its_own_check() {
        for (code, label) in COMMON_CONDITIONS
            .iter()
            .chain(std::iter::once(&SOCIAL_PRESCRIBING_REFERRAL))
        {
            let parsed = SnomedCode::parse(code).unwrap_or_else(|_| panic!("{label}"));
            assert_eq!(parsed.known_label(), Some(*label));
        }
        assert_eq!(
            SnomedCode::social_prescribing_referral().as_str(),
            "871731000000106"
        );
    }

    #[test]
    fn shapes_that_are_not_codes_are_refused() {
        for bad in [
            "",
            "12345",
            "0136450050",
            "1364500A",
            "13645005 1",
            &"1".repeat(19),
        ] {
            assert_eq!(SnomedCode::parse(bad), Err(InvalidSnomedCode), "{bad:?}");
        }
        assert_eq!(
            SnomedCode::parse(" 13645005 ").unwrap().as_str(),
            "13645005"
        );
        assert_eq!(SnomedCode::parse("1234568").unwrap().known_label(), None);
    }

    proptest! {
        /// Verhoeff catches every single-digit error and every swap of two
        /// neighbouring different digits.
        #[test]
        fn single_typos_and_swaps_are_caught(pos in 0usize..15, other in 0u8..10) {
            let good: Vec<u8> = SOCIAL_PRESCRIBING_REFERRAL.0.bytes().map(|b| b - b'0').collect();
            let mut typo = good.clone();
            prop_assume!(typo[pos] != other);
            typo[pos] = other;
            prop_assert!(!verhoeff_ok(&typo));
            if pos + 1 < good.len() && good[pos] != good[pos + 1] {
                let mut swapped = good.clone();
                swapped.swap(pos, pos + 1);
                prop_assert!(!verhoeff_ok(&swapped));
            }
        }
    }
}
