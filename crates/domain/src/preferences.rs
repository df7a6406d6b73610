//! What a person would like from support: the answers matching reads.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::programme::{ProgrammeModel, choice_enum};
use crate::validation::FieldErrors;

choice_enum!(
    /// How support can reach a person.
    Channel, "Choose how support can happen" {
        /// By phone.
        Phone = "phone", "Phone";
        /// By video call.
        Video = "video", "Video call";
        /// Meeting in person.
        FaceToFace = "face_to_face", "Face to face";
        /// In a group.
        Group = "group", "In a group";
    }
);

choice_enum!(
    /// Whom a person would prefer as their peer supporter.
    GenderPreference, "Choose a preference for the peer supporter" {
        /// No preference.
        NoPreference = "none", "No preference";
        /// A woman.
        Woman = "woman", "A woman";
        /// A man.
        Man = "man", "A man";
    }
);

choice_enum!(
    /// A day of the week.
    Weekday, "Choose a day" {
        /// Monday.
        Monday = "mon", "Monday";
        /// Tuesday.
        Tuesday = "tue", "Tuesday";
        /// Wednesday.
        Wednesday = "wed", "Wednesday";
        /// Thursday.
        Thursday = "thu", "Thursday";
        /// Friday.
        Friday = "fri", "Friday";
        /// Saturday.
        Saturday = "sat", "Saturday";
        /// Sunday.
        Sunday = "sun", "Sunday";
    }
);

choice_enum!(
    /// A part of the day.
    DayPart, "Choose a time of day" {
        /// Before noon.
        Morning = "morning", "Morning";
        /// Noon to 5pm.
        Afternoon = "afternoon", "Afternoon";
        /// After 5pm.
        Evening = "evening", "Evening";
    }
);

/// A weekly time slot, stored as `mon-morning`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WeeklySlot {
    /// The day.
    pub day: Weekday,
    /// The part of the day.
    pub part: DayPart,
}

impl WeeklySlot {
    /// Every slot of the week, Monday morning first.
    #[must_use]
    pub fn all() -> Vec<WeeklySlot> {
        Weekday::ALL
            .iter()
            .flat_map(|day| {
                DayPart::ALL.iter().map(|part| WeeklySlot {
                    day: *day,
                    part: *part,
                })
            })
            .collect()
    }

    /// The stored name, like `mon-morning`.
    #[must_use]
    pub fn as_string(self) -> String {
        format!("{}-{}", self.day.as_str(), self.part.as_str())
    }
}

impl fmt::Display for WeeklySlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            self.day.label(),
            self.part.label().to_lowercase()
        )
    }
}

impl FromStr for WeeklySlot {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const ERROR: &str = "Choose times from the weekly table";
        let (day, part) = s.split_once('-').ok_or(ERROR)?;
        Ok(Self {
            day: day.parse().map_err(|_| ERROR)?,
            part: part.parse().map_err(|_| ERROR)?,
        })
    }
}

/// What a person would like, as given: choices as their stored names, text
/// as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreferencesInput {
    /// Stored names of [`ProgrammeModel`]s.
    pub models: Vec<String>,
    /// Stored names of [`Channel`]s.
    pub channels: Vec<String>,
    /// A [`GenderPreference`] stored name; empty for no preference.
    pub peer_gender: String,
    /// Whether a peer with the same condition matters.
    pub shared_condition: bool,
    /// Slots like `mon-morning`.
    pub availability: Vec<String>,
    /// Miles they can travel to meet; empty when not said.
    pub travel_miles: String,
    /// Interests, one per line, for finding a peer with things in common.
    pub interests: String,
}

/// What a person would like from support, every value valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupportPreferences {
    /// Kinds of support wanted; empty means any.
    pub models: BTreeSet<ProgrammeModel>,
    /// Ways support can happen; empty means any.
    pub channels: BTreeSet<Channel>,
    /// Whom they would prefer as a peer.
    pub peer_gender: Option<GenderPreference>,
    /// Whether a peer with the same condition matters to them.
    pub shared_condition: bool,
    /// When they are free each week; empty when not said.
    pub availability: BTreeSet<WeeklySlot>,
    /// How far they can travel to meet face to face, in miles (0 to 100).
    pub travel_miles: Option<u8>,
    /// Interests, in their words.
    pub interests: Vec<String>,
}

impl SupportPreferences {
    /// Checks every answer; records problems in `errors` under field names
    /// starting `preferences.`.
    pub fn validate(input: &PreferencesInput, errors: &mut FieldErrors) -> Option<Self> {
        let before = errors.as_slice().len();
        let mut models = BTreeSet::new();
        for m in &input.models {
            if let Some(m) = errors.check("models", m.parse::<ProgrammeModel>()) {
                models.insert(m);
            }
        }
        let mut channels = BTreeSet::new();
        for c in &input.channels {
            if let Some(c) = errors.check("channels", c.parse::<Channel>()) {
                channels.insert(c);
            }
        }
        let peer_gender = match input.peer_gender.trim() {
            "" => None,
            g => errors.check("peer_gender", g.parse::<GenderPreference>()),
        };
        let mut availability = BTreeSet::new();
        for s in &input.availability {
            if let Some(s) = errors.check("availability", s.parse::<WeeklySlot>()) {
                availability.insert(s);
            }
        }
        let travel_miles = match input.travel_miles.trim() {
            "" => None,
            t => match t.parse::<u8>() {
                Ok(m) if m <= 100 => Some(m),
                _ => {
                    errors.add(
                        "travel_miles",
                        "How far they can travel must be a whole number of miles from 0 to 100",
                    );
                    None
                }
            },
        };
        let interests = errors
            .check(
                "interests",
                crate::validation::lines(&input.interests, "interest", "interests", 100, 20),
            )
            .unwrap_or_default();
        (errors.as_slice().len() == before).then_some(Self {
            models,
            channels,
            peer_gender,
            shared_condition: input.shared_condition,
            availability,
            travel_miles,
            interests,
        })
    }

    /// The answers as a form shows them.
    #[must_use]
    pub fn to_input(&self) -> PreferencesInput {
        PreferencesInput {
            models: self.models.iter().map(|m| m.as_str().to_owned()).collect(),
            channels: self
                .channels
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            peer_gender: self
                .peer_gender
                .map(|g| g.as_str().to_owned())
                .unwrap_or_default(),
            shared_condition: self.shared_condition,
            availability: self.availability.iter().map(|s| s.as_string()).collect(),
            travel_miles: self.travel_miles.map(|m| m.to_string()).unwrap_or_default(),
            interests: self.interests.join("\n"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_round_trip_through_their_input() {
        let input = PreferencesInput {
            models: vec!["befriending".into(), "peer_mentoring".into()],
            channels: vec!["phone".into(), "face_to_face".into()],
            peer_gender: "woman".into(),
            shared_condition: true,
            availability: vec!["tue-evening".into(), "mon-morning".into()],
            travel_miles: "5".into(),
            interests: "Gardening\n  Crosswords \ngardening".into(),
        };
        let mut errors = FieldErrors::new();
        let prefs = SupportPreferences::validate(&input, &mut errors).unwrap();
        assert!(errors.is_empty());
        assert_eq!(prefs.availability.len(), 2);
        assert_eq!(prefs.interests, ["Gardening", "Crosswords"]);
        assert_eq!(
            prefs.availability.iter().next().unwrap().to_string(),
            "Monday morning"
        );
        let again = SupportPreferences::validate(&prefs.to_input(), &mut errors).unwrap();
        assert_eq!(again, prefs);
    }

    #[test]
    fn unknown_answers_are_named() {
        let input = PreferencesInput {
            channels: vec!["carrier pigeon".into()],
            availability: vec!["mon-midnight".into()],
            travel_miles: "101".into(),
            ..PreferencesInput::default()
        };
        let mut errors = FieldErrors::new();
        assert!(SupportPreferences::validate(&input, &mut errors).is_none());
        assert_eq!(
            errors.message_for("channels"),
            Some("Choose how support can happen")
        );
        assert!(errors.message_for("availability").is_some());
        assert!(
            errors
                .message_for("travel_miles")
                .unwrap()
                .contains("0 to 100")
        );
        assert_eq!(WeeklySlot::all().len(), 21);
    }
}
