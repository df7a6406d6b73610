//! Peer supporters as matching needs them: who they are, what they have
//! lived with, when and how they can give support, and the checks and
//! training that decide whether they may be matched at all.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::person::{Postcode, phone};
use crate::preferences::{Channel, WeeklySlot};
use crate::programme::{choice_enum, optional_number};
use crate::transition::{IllegalTransition, StateName};
use crate::validation::{FieldErrors, date, lines, text};

choice_enum!(
    /// A supporter's gender, for people who prefer a peer of one gender.
    Gender, "Choose a gender, or prefer not to say" {
        /// A woman.
        Woman = "woman", "Woman";
        /// A man.
        Man = "man", "Man";
        /// Non-binary.
        NonBinary = "non_binary", "Non-binary";
        /// Not said.
        NotSaid = "not_said", "Prefers not to say";
    }
);

choice_enum!(
    /// An age band: enough for matching, less identifying than a birth date.
    AgeBand, "Choose an age band" {
        /// 18 to 24.
        From18To24 = "18-24", "18 to 24";
        /// 25 to 34.
        From25To34 = "25-34", "25 to 34";
        /// 35 to 44.
        From35To44 = "35-44", "35 to 44";
        /// 45 to 54.
        From45To54 = "45-54", "45 to 54";
        /// 55 to 64.
        From55To64 = "55-64", "55 to 64";
        /// 65 to 74.
        From65To74 = "65-74", "65 to 74";
        /// 75 or over.
        From75 = "75+", "75 or over";
    }
);

impl AgeBand {
    /// The band of someone `years` old; none under 18.
    #[must_use]
    pub const fn of_age(years: u32) -> Option<Self> {
        Some(match years {
            0..=17 => return None,
            18..=24 => Self::From18To24,
            25..=34 => Self::From25To34,
            35..=44 => Self::From35To44,
            45..=54 => Self::From45To54,
            55..=64 => Self::From55To64,
            65..=74 => Self::From65To74,
            _ => Self::From75,
        })
    }
}

/// Where a supporter stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupporterStatus {
    /// Able to take on people.
    Active,
    /// Taking a break: keeps current matches, takes no new ones.
    Paused,
    /// No longer volunteering.
    Left,
}

/// A change of a supporter's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupporterEvent {
    /// Takes a break.
    Pause,
    /// Comes back from a break, or returns after leaving.
    Resume,
    /// Stops volunteering.
    Leave,
}

impl SupporterStatus {
    /// Every status.
    pub const ALL: [SupporterStatus; 3] = [Self::Active, Self::Paused, Self::Left];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Left => "left",
        }
    }

    /// The status in words.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Paused => "Paused",
            Self::Left => "Left",
        }
    }

    /// The status after `event`.
    ///
    /// # Errors
    /// [`IllegalTransition`] for a change that makes no sense (pausing a
    /// supporter who left).
    pub fn apply(self, event: SupporterEvent) -> Result<Self, IllegalTransition> {
        use SupporterEvent as E;
        use SupporterStatus as S;
        match (self, event) {
            (S::Active, E::Pause) => Ok(S::Paused),
            (S::Paused | S::Left, E::Resume) => Ok(S::Active),
            (S::Active | S::Paused, E::Leave) => Ok(S::Left),
            (from, event) => Err(IllegalTransition::new(
                "supporter",
                &from,
                match event {
                    E::Pause => "paused",
                    E::Resume => "made active",
                    E::Leave => "marked as left",
                },
            )),
        }
    }
}

impl StateName for SupporterStatus {
    fn state_name(&self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Left => "no longer volunteering",
        }
    }
}

impl FromStr for SupporterStatus {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("unknown supporter status")
    }
}

/// A supporter's details as typed, every field text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SupporterInput {
    /// Their name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// A [`Gender`] stored name.
    pub gender: String,
    /// An [`AgeBand`] stored name.
    pub age_band: String,
    /// Languages they can support in, one per line.
    pub languages: String,
    /// Long-term conditions they have lived with, one per line.
    pub conditions: String,
    /// Other lived experience (carer, bereavement, ...), one per line.
    pub lived_experience: String,
    /// Interests, one per line.
    pub interests: String,
    /// Slots like `mon-morning`.
    pub availability: Vec<String>,
    /// [`Channel`] stored names.
    pub channels: Vec<String>,
    /// Home postcode.
    pub postcode: String,
    /// Miles they can travel to meet.
    pub travel_miles: String,
    /// How many people they can support at once.
    pub capacity: String,
    /// The date their checks (such as DBS) run out.
    pub checks_valid_until: String,
    /// Training courses completed, one per line.
    pub training: String,
}

/// A supporter's details, every value valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupporterDetails {
    /// Name, 1 to 100 characters.
    pub name: String,
    /// Email address, if given.
    pub email: Option<crate::account::EmailAddress>,
    /// Phone, digits only; may be empty.
    pub phone: String,
    /// Gender.
    pub gender: Gender,
    /// Age band.
    pub age_band: AgeBand,
    /// Languages (at least one).
    pub languages: Vec<String>,
    /// Conditions lived with.
    pub conditions: Vec<String>,
    /// Other lived experience.
    pub lived_experience: Vec<String>,
    /// Interests.
    pub interests: Vec<String>,
    /// When they are free each week.
    pub availability: BTreeSet<WeeklySlot>,
    /// How they can give support (at least one).
    pub channels: BTreeSet<Channel>,
    /// Home postcode; its outward code is their home area.
    pub postcode: Postcode,
    /// How far they can travel, in miles (0 to 100).
    pub travel_miles: u8,
    /// People they can support at once (1 to 10).
    pub capacity: u8,
    /// When their checks run out, if they have been checked.
    pub checks_valid_until: Option<NaiveDate>,
    /// Training completed.
    pub training: Vec<String>,
}

impl SupporterDetails {
    /// Checks every field and reports every problem at once.
    ///
    /// # Errors
    /// [`FieldErrors`] naming each field that breaks a rule.
    #[expect(
        clippy::too_many_lines,
        reason = "one check per field, in the form's order, reads best in one place"
    )]
    pub fn validate(input: &SupporterInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", text(&input.name, "their name", 1, 100));
        let email = match input.email.trim() {
            "" => Some(None),
            e => errors.check("email", crate::account::EmailAddress::parse(e).map(Some)),
        };
        let phone = errors.check("phone", phone(&input.phone));
        let gender = errors.check("gender", input.gender.parse::<Gender>());
        let age_band = errors.check("age_band", input.age_band.parse::<AgeBand>());
        let languages = errors
            .check(
                "languages",
                lines(&input.languages, "language", "languages", 40, 10),
            )
            .map(|l| {
                if l.is_empty() {
                    vec!["English".to_owned()]
                } else {
                    l
                }
            });
        let conditions = errors.check(
            "conditions",
            lines(&input.conditions, "condition", "conditions", 100, 20),
        );
        let lived_experience = errors.check(
            "lived_experience",
            lines(
                &input.lived_experience,
                "experience",
                "experiences",
                100,
                20,
            ),
        );
        let interests = errors.check(
            "interests",
            lines(&input.interests, "interest", "interests", 60, 20),
        );
        let mut availability = BTreeSet::new();
        for slot in &input.availability {
            if let Some(slot) = errors.check("availability", slot.parse::<WeeklySlot>()) {
                availability.insert(slot);
            }
        }
        let mut channels = BTreeSet::new();
        for channel in &input.channels {
            if let Some(channel) = errors.check("channels", channel.parse::<Channel>()) {
                channels.insert(channel);
            }
        }
        if input.channels.is_empty() {
            errors.add("channels", "Choose at least one way they can give support");
        }
        let postcode = errors.check("postcode", Postcode::parse(&input.postcode));
        let travel_miles = errors.check(
            "travel_miles",
            optional_number(&input.travel_miles, "Miles they can travel", 0, 100)
                .map(|m| m.unwrap_or(5)),
        );
        let capacity = errors.check(
            "capacity",
            optional_number(&input.capacity, "People at once", 1, 10).map(|c| c.unwrap_or(1)),
        );
        let checks_valid_until = match input.checks_valid_until.trim() {
            "" => Some(None),
            d => errors.check(
                "checks_valid_until",
                date(d, "the date checks run out").map(Some),
            ),
        };
        let training = errors.check(
            "training",
            lines(&input.training, "course", "courses", 100, 30),
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        match (
            name,
            email,
            phone,
            gender,
            age_band,
            languages,
            conditions,
            lived_experience,
            interests,
            postcode,
            travel_miles,
            capacity,
            checks_valid_until,
            training,
        ) {
            (
                Some(name),
                Some(email),
                Some(phone),
                Some(gender),
                Some(age_band),
                Some(languages),
                Some(conditions),
                Some(lived_experience),
                Some(interests),
                Some(postcode),
                Some(travel_miles),
                Some(capacity),
                Some(checks_valid_until),
                Some(training),
            ) => Ok(Self {
                name,
                email,
                phone,
                gender,
                age_band,
                languages,
                conditions,
                lived_experience,
                interests,
                availability,
                channels,
                postcode,
                travel_miles,
                capacity,
                checks_valid_until,
                training,
            }),
            _ => Err(errors),
        }
    }

    /// The details as the form shows them, for editing.
    #[must_use]
    pub fn to_input(&self) -> SupporterInput {
        SupporterInput {
            name: self.name.clone(),
            email: self
                .email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            phone: self.phone.clone(),
            gender: self.gender.as_str().to_owned(),
            age_band: self.age_band.as_str().to_owned(),
            languages: self.languages.join("\n"),
            conditions: self.conditions.join("\n"),
            lived_experience: self.lived_experience.join("\n"),
            interests: self.interests.join("\n"),
            availability: self.availability.iter().map(|s| s.as_string()).collect(),
            channels: self
                .channels
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            postcode: self.postcode.as_str().to_owned(),
            travel_miles: self.travel_miles.to_string(),
            capacity: self.capacity.to_string(),
            checks_valid_until: self
                .checks_valid_until
                .map(|d| d.format("%-d/%-m/%Y").to_string())
                .unwrap_or_default(),
            training: self.training.join("\n"),
        }
    }
}

/// Why a supporter cannot be matched today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotMatchable {
    /// Paused or left.
    NotActive(SupporterStatus),
    /// No record of checks.
    NoChecks,
    /// Checks ran out on this date.
    ChecksExpired(NaiveDate),
    /// Training the programme requires, not yet done.
    TrainingMissing(Vec<String>),
}

impl fmt::Display for NotMatchable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotActive(status) => write!(f, "{} (not active)", status.label()),
            Self::NoChecks => f.write_str("No checks recorded"),
            Self::ChecksExpired(on) => write!(f, "Checks ran out on {}", on.format("%-d %B %Y")),
            Self::TrainingMissing(courses) => {
                write!(f, "Training not done: {}", courses.join(", "))
            }
        }
    }
}

/// Every reason a supporter cannot be matched on `today`, given the training
/// a programme requires; empty when they can be.
#[must_use]
pub fn not_matchable(
    details: &SupporterDetails,
    status: SupporterStatus,
    required_training: &[String],
    today: NaiveDate,
) -> Vec<NotMatchable> {
    let mut reasons = Vec::new();
    if status != SupporterStatus::Active {
        reasons.push(NotMatchable::NotActive(status));
    }
    match details.checks_valid_until {
        None => reasons.push(NotMatchable::NoChecks),
        Some(until) if until < today => reasons.push(NotMatchable::ChecksExpired(until)),
        Some(_) => {}
    }
    let missing: Vec<String> = required_training
        .iter()
        .filter(|course| {
            !details
                .training
                .iter()
                .any(|t| t.eq_ignore_ascii_case(course))
        })
        .cloned()
        .collect();
    if !missing.is_empty() {
        reasons.push(NotMatchable::TrainingMissing(missing));
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn valid() -> SupporterInput {
        SupporterInput {
            name: "Pat Hughes".into(),
            gender: "woman".into(),
            age_band: "55-64".into(),
            languages: "English\nWelsh".into(),
            conditions: "COPD".into(),
            lived_experience: "Carer".into(),
            interests: "Gardening\nCrosswords".into(),
            availability: vec!["tue-morning".into()],
            channels: vec!["phone".into(), "face_to_face".into()],
            postcode: "ls6 1aa".into(),
            checks_valid_until: "1/9/2027".into(),
            training: "Core peer support\nSafeguarding adults".into(),
            ..SupporterInput::default()
        }
    }

    #[test]
    fn a_valid_supporter_round_trips_through_the_form() {
        let details = SupporterDetails::validate(&valid()).unwrap();
        assert_eq!(details.capacity, 1, "one person unless said");
        assert_eq!(details.travel_miles, 5);
        assert_eq!(details.postcode.outward(), "LS6");
        assert_eq!(
            SupporterDetails::validate(&details.to_input()).unwrap(),
            details
        );
        let none = SupporterInput {
            languages: String::new(),
            ..valid()
        };
        assert_eq!(
            SupporterDetails::validate(&none).unwrap().languages,
            ["English"]
        );
    }

    #[test]
    fn every_problem_is_named() {
        let input = SupporterInput {
            name: String::new(),
            gender: "robot".into(),
            age_band: String::new(),
            channels: Vec::new(),
            capacity: "11".into(),
            checks_valid_until: "soon".into(),
            ..valid()
        };
        let errors = SupporterDetails::validate(&input).unwrap_err();
        for field in [
            "name",
            "gender",
            "age_band",
            "channels",
            "capacity",
            "checks_valid_until",
        ] {
            assert!(errors.message_for(field).is_some(), "{field}");
        }
    }

    #[test]
    fn status_changes_follow_the_rules() {
        use SupporterEvent as E;
        use SupporterStatus as S;
        let allowed = [
            (S::Active, E::Pause, S::Paused),
            (S::Paused, E::Resume, S::Active),
            (S::Left, E::Resume, S::Active),
            (S::Active, E::Leave, S::Left),
            (S::Paused, E::Leave, S::Left),
        ];
        for from in S::ALL {
            for event in [E::Pause, E::Resume, E::Leave] {
                let expected = allowed
                    .iter()
                    .find(|(f, e, _)| *f == from && *e == event)
                    .map(|(_, _, to)| *to);
                assert_eq!(from.apply(event).ok(), expected, "{from:?} {event:?}");
            }
        }
        assert_eq!(
            S::Left.apply(E::Pause).unwrap_err().to_string(),
            "a supporter that is no longer volunteering cannot be paused"
        );
    }

    #[test]
    fn checks_status_and_training_gate_matching() {
        let details = SupporterDetails::validate(&valid()).unwrap();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let core = vec!["core peer support".to_owned()];
        assert!(
            not_matchable(&details, SupporterStatus::Active, &core, day(2027, 9, 1)).is_empty()
        );
        assert_eq!(
            not_matchable(&details, SupporterStatus::Active, &core, day(2027, 9, 2)),
            [NotMatchable::ChecksExpired(day(2027, 9, 1))]
        );
        let more = vec!["Dementia awareness".to_owned()];
        let reasons = not_matchable(&details, SupporterStatus::Paused, &more, day(2026, 1, 1));
        assert_eq!(reasons.len(), 2);
        assert_eq!(
            reasons[1].to_string(),
            "Training not done: Dementia awareness"
        );
        let unchecked = SupporterDetails {
            checks_valid_until: None,
            ..details
        };
        assert_eq!(
            not_matchable(&unchecked, SupporterStatus::Active, &[], day(2026, 1, 1)),
            [NotMatchable::NoChecks]
        );
    }

    #[test]
    fn age_bands_by_age() {
        assert_eq!(AgeBand::of_age(17), None);
        assert_eq!(AgeBand::of_age(18), Some(AgeBand::From18To24));
        assert_eq!(AgeBand::of_age(64), Some(AgeBand::From55To64));
        assert_eq!(AgeBand::of_age(65), Some(AgeBand::From65To74));
        assert_eq!(AgeBand::of_age(101), Some(AgeBand::From75));
    }
}
