//! Identity details of a person, as validated values: the NHS number and the
//! UK postcode. Messages never repeat what was typed.

use std::fmt;

/// A valid NHS number: ten digits whose last is the modulus 11 check digit of
/// the first nine. Spaces and hyphens are accepted on input and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NhsNumber([u8; 10]);

/// Why an NHS number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidNhsNumber {
    /// Not ten digits once spaces and hyphens are removed.
    #[error("NHS number must be 10 digits, like 943 476 5919")]
    Format,
    /// Ten digits, but the check digit does not match: most likely a typo.
    #[error("Enter a valid NHS number: check it for a mistyped digit")]
    CheckDigit,
}

impl NhsNumber {
    /// Parses and checks an NHS number.
    ///
    /// The check digit is 11 minus the remainder of Σ dᵢ·(11 − i) for the
    /// first nine digits (i = 1..9) divided by 11; 11 becomes 0, and 10 means
    /// the number is invalid (NHS Data Dictionary, "NHS number").
    ///
    /// # Errors
    /// [`InvalidNhsNumber`] naming the rule broken.
    pub fn parse(value: &str) -> Result<Self, InvalidNhsNumber> {
        let mut digits = [0u8; 10];
        let mut count = 0;
        for c in value.chars() {
            match c {
                ' ' | '-' => {}
                '0'..='9' if count < 10 => {
                    digits[count] = c as u8 - b'0';
                    count += 1;
                }
                _ => return Err(InvalidNhsNumber::Format),
            }
        }
        if count != 10 {
            return Err(InvalidNhsNumber::Format);
        }
        match check_digit(&digits[..9]) {
            Some(check) if check == digits[9] => Ok(Self(digits)),
            _ => Err(InvalidNhsNumber::CheckDigit),
        }
    }

    /// The ten digits without spaces, as stored.
    #[must_use]
    pub fn digits(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }
}

/// The modulus 11 check digit of nine digits, or `None` where it would be 10
/// (no valid NHS number starts with those nine).
#[must_use]
pub fn check_digit(first_nine: &[u8]) -> Option<u8> {
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10).rev())
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        n => Some(n as u8),
    }
}

impl fmt::Display for NhsNumber {
    /// Shown as people read it: 3, 3 and 4 digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.digits();
        write!(f, "{} {} {}", &d[..3], &d[3..6], &d[6..])
    }
}

/// A UK postcode in its standard form: upper case, one space before the
/// inward code ("SW1A 1AA"). Checks the shape of the outward and inward codes;
/// whether the postcode exists is for an address service to say.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Postcode(String);

/// Why a postcode was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Enter a full UK postcode, like LS1 4AP")]
pub struct InvalidPostcode;

impl Postcode {
    /// Parses a postcode in any case, with or without its space.
    ///
    /// # Errors
    /// [`InvalidPostcode`] when it is not shaped like a UK postcode.
    pub fn parse(value: &str) -> Result<Self, InvalidPostcode> {
        let compact: String = value
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if !(5..=7).contains(&compact.len()) || !compact.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(InvalidPostcode);
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        if valid_outward(outward) && valid_inward(inward) {
            Ok(Self(format!("{outward} {inward}")))
        } else {
            Err(InvalidPostcode)
        }
    }

    /// The postcode in standard form.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The outward code ("SW1A"), the part that names an area: enough for
    /// reports, where the full postcode would identify a household.
    #[must_use]
    pub fn outward(&self) -> &str {
        self.0.split(' ').next().unwrap_or_default()
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Inward code: a digit then two letters, never C, I, K, M, O or V.
fn valid_inward(inward: &str) -> bool {
    let b = inward.as_bytes();
    b.len() == 3
        && b[0].is_ascii_digit()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_uppercase() && !b"CIKMOV".contains(c))
}

/// Outward code: A9, A99, AA9, AA99, A9A or AA9A (and the non-geographic GIR).
fn valid_outward(outward: &str) -> bool {
    let shape: String = outward
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { 'A' })
        .collect();
    matches!(
        shape.as_str(),
        "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A"
    ) || outward == "GIR"
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_valid_nhs_number_is_accepted_in_any_spacing() {
        for input in [
            "9434765919",
            "943 476 5919",
            "943-476-5919",
            " 943 4765919 ",
        ] {
            let number = NhsNumber::parse(input).unwrap();
            assert_eq!(number.digits(), "9434765919");
            assert_eq!(number.to_string(), "943 476 5919");
        }
    }

    #[test]
    fn a_wrong_check_digit_or_shape_is_refused() {
        assert_eq!(
            NhsNumber::parse("9434765918"),
            Err(InvalidNhsNumber::CheckDigit)
        );
        assert_eq!(NhsNumber::parse("943476591"), Err(InvalidNhsNumber::Format));
        assert_eq!(
            NhsNumber::parse("94347659190"),
            Err(InvalidNhsNumber::Format)
        );
        assert_eq!(
            NhsNumber::parse("943476591X"),
            Err(InvalidNhsNumber::Format)
        );
        // The first nine digits give a check digit of 10: no valid number.
        assert_eq!(check_digit(&[0, 0, 0, 0, 0, 0, 0, 0, 6]), None);
        assert!(matches!(
            NhsNumber::parse("0000000060"),
            Err(InvalidNhsNumber::CheckDigit)
        ));
    }

    fn nine_digits() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(0u8..10, 9)
    }

    proptest! {
        /// Every nine digits with a check digit make a number that parses back.
        #[test]
        fn numbers_with_their_check_digit_parse(first in nine_digits()) {
            if let Some(check) = check_digit(&first) {
                let text: String = first.iter().chain([check].iter()).map(|d| char::from(b'0' + d)).collect();
                prop_assert_eq!(NhsNumber::parse(&text).unwrap().digits(), text);
            }
        }

        /// The check digit catches every mistyped single digit.
        #[test]
        fn a_single_mistyped_digit_is_caught(first in nine_digits(), position in 0usize..10, replacement in 0u8..10) {
            if let Some(check) = check_digit(&first) {
                let mut digits: Vec<u8> = first.clone();
                digits.push(check);
                prop_assume!(digits[position] != replacement);
                digits[position] = replacement;
                let text: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
                prop_assert!(NhsNumber::parse(&text).is_err());
            }
        }
    }

    #[test]
    fn postcodes_are_normalised() {
        for (input, expected) in [
            ("sw1a1aa", "SW1A 1AA"),
            ("LS1 4AP", "LS1 4AP"),
            (" m1  1ae ", "M1 1AE"),
            ("B33 8TH", "B33 8TH"),
            ("cr2 6xh", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            ("W1A 0AX", "W1A 0AX"),
            ("EC1A 1BB", "EC1A 1BB"),
        ] {
            assert_eq!(
                Postcode::parse(input).unwrap().as_str(),
                expected,
                "{input}"
            );
        }
        assert_eq!(Postcode::parse("SW1A 1AA").unwrap().outward(), "SW1A");
    }

    #[test]
    fn malformed_postcodes_are_refused() {
        for input in [
            "",
            "SW1A",
            "1AA SW1",
            "SW1A 1CA",
            "SW1A 11A",
            "ABCDE 1AA",
            "LS1 4AP X",
            "LS1-4AP",
            "ŁS1 4AP",
        ] {
            assert_eq!(Postcode::parse(input), Err(InvalidPostcode), "{input:?}");
        }
    }
}
