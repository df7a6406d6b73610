//! A person referred for support: identity (NHS number, UK postcode), how to
//! reach them, what they need and their long-term conditions, as validated
//! values. Messages never repeat what was typed.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::account::EmailAddress;
use crate::programme::choice_enum;
use crate::snomed::SnomedCode;
use crate::validation::{FieldErrors, GivenDate, text};

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
        n => u8::try_from(n).ok(),
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

choice_enum!(
    /// How a person would like to be contacted first.
    ContactMethod, "Choose how they would like to be contacted" {
        /// A phone call.
        Phone = "phone", "Phone call";
        /// A text message.
        Text = "text", "Text message";
        /// An email.
        Email = "email", "Email";
        /// A letter.
        Letter = "letter", "Letter";
    }
);

/// Who a form speaks to: the person themself ("your first name") or
/// someone referring them ("their first name").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    /// The person fills the form in themself.
    Person,
    /// A professional fills it in about the person.
    Referrer,
}

impl Voice {
    const fn possessive(self) -> &'static str {
        match self {
            Self::Person => "your",
            Self::Referrer => "their",
        }
    }
}

/// A long-term condition as typed: words, and a SNOMED CT code if known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConditionInput {
    /// The condition in words.
    pub description: String,
    /// Its SNOMED CT code, or empty.
    pub code: String,
}

/// A long-term condition: words, and a SNOMED CT code when one is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The condition in words, 1 to 200 characters.
    pub description: String,
    /// The SNOMED CT concept, if given.
    pub code: Option<SnomedCode>,
}

/// A person's details as given, not yet checked: text as typed, choices as
/// their stored names, a date as a face read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonInput {
    /// First name.
    pub given_name: String,
    /// Last name.
    pub family_name: String,
    /// What they like to be called.
    pub preferred_name: String,
    /// Their pronouns.
    pub pronouns: String,
    /// Date of birth.
    pub date_of_birth: GivenDate,
    /// NHS number, if known.
    pub nhs_number: String,
    /// Address lines, one per line, without the postcode.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// Phone number.
    pub phone: String,
    /// Email address.
    pub email: String,
    /// A [`ContactMethod`] stored name, or empty.
    pub contact_method: String,
    /// Good times to contact them, in words.
    pub contact_times: String,
    /// Their preferred language.
    pub language: String,
    /// Whether they need an interpreter.
    pub interpreter: bool,
    /// Accessibility needs, in words.
    pub accessibility_needs: String,
    /// Long-term conditions.
    pub conditions: Vec<ConditionInput>,
    /// Whether they look after someone.
    pub carer: bool,
}

/// A person's details, every value valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDetails {
    /// First name, 1 to 100 characters.
    pub given_name: String,
    /// Last name, 1 to 100 characters.
    pub family_name: String,
    /// What they like to be called; empty if not said.
    pub preferred_name: String,
    /// Their pronouns; empty if not said.
    pub pronouns: String,
    /// A real date, not in the future, at most 120 years ago.
    pub date_of_birth: NaiveDate,
    /// NHS number, when known.
    pub nhs_number: Option<NhsNumber>,
    /// Address lines, up to 300 characters; may be empty.
    pub address: String,
    /// Home postcode.
    pub postcode: Postcode,
    /// Phone number, digits and a leading + only; empty if none.
    pub phone: String,
    /// Email address, if given.
    pub email: Option<EmailAddress>,
    /// How they would like to be contacted first, if said.
    pub contact_method: Option<ContactMethod>,
    /// Good times to contact them; may be empty.
    pub contact_times: String,
    /// Preferred language ("English" when not said).
    pub language: String,
    /// Whether they need an interpreter.
    pub interpreter_needed: bool,
    /// Accessibility needs, up to 1,000 characters.
    pub accessibility_needs: String,
    /// Long-term conditions, at most [`PersonDetails::MAX_CONDITIONS`].
    pub conditions: Vec<Condition>,
    /// Whether they look after someone.
    pub is_carer: bool,
}

impl PersonDetails {
    /// Most conditions one person's record lists.
    pub const MAX_CONDITIONS: usize = 20;

    /// Checks every field, recording each problem in `errors`. `today` is
    /// the caller's date: the domain never reads the clock.
    pub fn validate(
        input: &PersonInput,
        voice: Voice,
        today: NaiveDate,
        errors: &mut FieldErrors,
    ) -> Option<Self> {
        let before = errors.as_slice().len();
        let their = voice.possessive();
        let given_name = errors.check(
            "given_name",
            text(&input.given_name, &format!("{their} first name"), 1, 100),
        );
        let family_name = errors.check(
            "family_name",
            text(&input.family_name, &format!("{their} last name"), 1, 100),
        );
        let preferred_name = errors.check(
            "preferred_name",
            text(&input.preferred_name, "preferred name", 0, 100),
        );
        let pronouns = errors.check("pronouns", text(&input.pronouns, "pronouns", 0, 40));
        let date_of_birth = errors.check(
            "date_of_birth",
            date_of_birth(input.date_of_birth, voice, today),
        );
        let nhs_number = match input.nhs_number.trim() {
            "" => Some(None),
            n => errors.check("nhs_number", NhsNumber::parse(n).map(Some)),
        };
        let address = errors.check("address", text(&input.address, "address", 0, 300));
        let postcode = errors.check("postcode", Postcode::parse(&input.postcode));
        let phone = errors.check("phone", phone(&input.phone));
        let email = match input.email.trim() {
            "" => Some(None),
            e => errors.check("email", EmailAddress::parse(e).map(Some)),
        };
        if phone.as_ref().is_some_and(String::is_empty)
            && matches!(email, Some(None))
            && address.as_ref().is_none_or(String::is_empty)
        {
            errors.add(
                "phone",
                match voice {
                    Voice::Person => "Enter a phone number or an email address, so we can contact you",
                    Voice::Referrer => "Enter a phone number, an email address or an address, so we can contact them",
                },
            );
        }
        let contact_method = match input.contact_method.trim() {
            "" => Some(None),
            m => errors.check("contact_method", m.parse::<ContactMethod>().map(Some)),
        };
        let contact_times = errors.check(
            "contact_times",
            text(&input.contact_times, "good times to contact", 0, 200),
        );
        let language = errors
            .check("language", text(&input.language, "language", 0, 60))
            .map(|l| {
                if l.is_empty() {
                    "English".to_owned()
                } else {
                    l
                }
            });
        let accessibility_needs = errors.check(
            "accessibility_needs",
            text(&input.accessibility_needs, "accessibility needs", 0, 1000),
        );
        let conditions = errors.check("conditions", conditions(&input.conditions));
        if errors.as_slice().len() != before {
            return None;
        }
        Some(Self {
            given_name: given_name?,
            family_name: family_name?,
            preferred_name: preferred_name?,
            pronouns: pronouns?,
            date_of_birth: date_of_birth?,
            nhs_number: nhs_number?,
            address: address?,
            postcode: postcode?,
            phone: phone?,
            email: email?,
            contact_method: contact_method?,
            contact_times: contact_times?,
            language: language?,
            interpreter_needed: input.interpreter,
            accessibility_needs: accessibility_needs?,
            conditions: conditions?,
            is_carer: input.carer,
        })
    }

    /// The name to greet them by: the preferred name when they gave one.
    #[must_use]
    pub fn known_as(&self) -> &str {
        if self.preferred_name.is_empty() {
            &self.given_name
        } else {
            &self.preferred_name
        }
    }
}

fn conditions(input: &[ConditionInput]) -> Result<Vec<Condition>, String> {
    let mut out: Vec<Condition> = Vec::new();
    for c in input {
        let code = match c.code.trim() {
            "" => None,
            code => Some(SnomedCode::parse(code).map_err(|e| e.to_string())?),
        };
        let description = match (c.description.trim(), &code) {
            ("", Some(code)) => code.known_label().map(str::to_owned).ok_or_else(|| {
                "Give each coded condition in words as well as its code".to_owned()
            })?,
            ("", None) => continue,
            (words, _) => text(words, "a condition", 1, 200)?,
        };
        let repeat = out.iter().any(|o| {
            o.description.eq_ignore_ascii_case(&description) || (code.is_some() && o.code == code)
        });
        if !repeat {
            out.push(Condition { description, code });
        }
    }
    if out.len() > PersonDetails::MAX_CONDITIONS {
        return Err(format!(
            "List at most {} conditions",
            PersonDetails::MAX_CONDITIONS
        ));
    }
    Ok(out)
}

/// A date of birth: given, real, in the past and at most 120 years ago.
fn date_of_birth(given: GivenDate, voice: Voice, today: NaiveDate) -> Result<NaiveDate, String> {
    use chrono::Datelike as _;
    let date = match given {
        GivenDate::Missing => return Err(format!("Enter {} date of birth", voice.possessive())),
        GivenDate::NotReal => return Err("Date of birth must be a real date".to_owned()),
        GivenDate::On(date) => date,
    };
    if date > today {
        return Err("Date of birth must be in the past".to_owned());
    }
    if today.year() - date.year() > 120 {
        return Err("Check the year of birth: it is more than 120 years ago".to_owned());
    }
    Ok(date)
}

/// A UK or international phone number, with spaces, dashes and brackets
/// dropped; empty stays empty.
pub(crate) fn phone(value: &str) -> Result<String, &'static str> {
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
