//! Programmes: the peer support offers of an organisation, their fields,
//! validation rules and status.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::transition::{IllegalTransition, StateName};
use crate::validation::{FieldErrors, text};

macro_rules! choice_enum {
    (
        $(#[$meta:meta])* $name:ident, $error:literal {
            $($(#[$vmeta:meta])* $variant:ident = $stored:literal, $label:literal;)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the order they are offered to people.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stored and machine name.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $stored,)+ }
            }

            /// The name shown to people.
            #[must_use]
            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = &'static str;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($stored => Ok($name::$variant),)+ _ => Err($error) }
            }
        }
    };
}
pub(crate) use choice_enum;

choice_enum!(
    /// How peer support is given in a programme.
    ProgrammeModel, "Choose how support is given" {
        /// A volunteer befriender meets a person regularly.
        Befriending = "befriending", "Befriending";
        /// One-to-one support from a peer with the same condition.
        PeerMentoring = "peer_mentoring", "Peer mentoring (one to one)";
        /// A group led by a trained facilitator.
        FacilitatedGroup = "facilitated_group", "Facilitated peer support group";
        /// A group run by its own members.
        PeerLedGroup = "peer_led_group", "Peer-led support group";
        /// Learning a skill or doing an activity together.
        ActivityGroup = "activity_group", "Activity-based group";
        /// A locality-based hub of community support.
        CommunityHub = "community_hub", "Community hub";
        /// An online community or forum.
        OnlineCommunity = "online_community", "Online community";
    }
);

impl ProgrammeModel {
    /// Whether people are supported in groups rather than one to one.
    #[must_use]
    pub const fn is_group(self) -> bool {
        matches!(
            self,
            Self::FacilitatedGroup
                | Self::PeerLedGroup
                | Self::ActivityGroup
                | Self::CommunityHub
                | Self::OnlineCommunity
        )
    }
}

choice_enum!(
    /// Where a programme's support happens.
    Setting, "Choose where support happens" {
        /// In the community.
        Community = "community", "Community";
        /// In a clinical setting, reached by referral from a clinician.
        Clinical = "clinical", "Clinical (referral from a clinician)";
        /// On a hospital ward.
        Inpatient = "inpatient", "Inpatient";
        /// In a secure setting, such as a prison.
        Secure = "secure", "Secure (for example, a prison)";
        /// Online.
        Online = "online", "Online";
    }
);

/// Whether a programme is taking part in day-to-day work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgrammeStatus {
    /// Open: shown in lists, takes referrals.
    Active,
    /// Closed: kept for the record and reports, hidden from new work.
    Archived,
}

impl ProgrammeStatus {
    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Archived => "archived",
        }
    }

    /// Archives an active programme.
    ///
    /// # Errors
    /// [`IllegalTransition`] if it is already archived.
    pub fn archive(self) -> Result<Self, IllegalTransition> {
        match self {
            Self::Active => Ok(Self::Archived),
            Self::Archived => Err(IllegalTransition::new("programme", &self, "archived")),
        }
    }

    /// Brings an archived programme back into use.
    ///
    /// # Errors
    /// [`IllegalTransition`] if it is already active.
    pub fn restore(self) -> Result<Self, IllegalTransition> {
        match self {
            Self::Archived => Ok(Self::Active),
            Self::Active => Err(IllegalTransition::new("programme", &self, "restored")),
        }
    }
}

impl StateName for ProgrammeStatus {
    fn state_name(&self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Archived => "archived",
        }
    }
}

impl FromStr for ProgrammeStatus {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "active" => Ok(Self::Active),
            "archived" => Ok(Self::Archived),
            _ => Err("unknown programme status"),
        }
    }
}

/// What a person typed into the programme form (or sent as JSON), before
/// validation. Every field is text, so nothing they typed is lost when the
/// form is shown again with errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProgrammeInput {
    /// The programme's name.
    pub name: String,
    /// A short description.
    pub description: String,
    /// One of [`ProgrammeModel`]'s stored names.
    pub model: String,
    /// One of [`Setting`]'s stored names.
    pub setting: String,
    /// Long-term conditions served, one per line.
    pub conditions: String,
    /// Who can join.
    pub eligibility: String,
    /// How many people it can support at once; empty for no set limit.
    pub capacity: String,
    /// Who funds it.
    pub funding_source: String,
    /// Days without contact before the coordinator is asked to follow up.
    pub contact_gap_days: String,
    /// Days within which a new referral should have its first contact.
    pub waiting_target_days: String,
    /// Weeks between supervision sessions for its peer supporters.
    pub supervision_every_weeks: String,
}

/// A programme's fields once validated: every value within its rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeDetails {
    /// Name, 2 to 120 characters.
    pub name: String,
    /// Description, up to 2,000 characters.
    pub description: String,
    /// How support is given.
    pub model: ProgrammeModel,
    /// Where support happens.
    pub setting: Setting,
    /// Conditions served: each 1 to 100 characters, at most 30, no repeats.
    pub conditions: Vec<String>,
    /// Who can join, up to 2,000 characters.
    pub eligibility: String,
    /// People supported at once (1 to 100,000), or no set limit.
    pub capacity: Option<u32>,
    /// Who funds it, up to 200 characters.
    pub funding_source: String,
    /// Days without contact before a follow-up is raised (1 to 365).
    pub contact_gap_days: u16,
    /// Days from referral to first contact before the referral is flagged
    /// as waiting too long (1 to 365).
    pub waiting_target_days: u16,
    /// Weeks between supervision sessions (1 to 26).
    pub supervision_every_weeks: u8,
}

impl ProgrammeDetails {
    /// Default days without contact before a follow-up.
    pub const DEFAULT_CONTACT_GAP_DAYS: u16 = 14;
    /// Default days from referral to first contact.
    pub const DEFAULT_WAITING_TARGET_DAYS: u16 = 14;
    /// Default weeks between supervision sessions.
    pub const DEFAULT_SUPERVISION_EVERY_WEEKS: u8 = 4;
    /// Most conditions one programme lists.
    pub const MAX_CONDITIONS: usize = 30;

    /// Validates every field and reports every problem at once.
    ///
    /// # Errors
    /// [`FieldErrors`] with one message per field that breaks a rule.
    pub fn validate(input: &ProgrammeInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check(
            "name",
            text(&input.name, "a programme name", 2, 120).map_err(|e| {
                if input.name.trim().is_empty() {
                    "Enter a programme name".to_owned()
                } else {
                    e.replace(
                        "A programme name must be at least 2",
                        "Programme name must be at least 2",
                    )
                }
            }),
        );
        let description = errors.check(
            "description",
            text(&input.description, "description", 0, 2000),
        );
        let model = errors.check("model", input.model.trim().parse::<ProgrammeModel>());
        let setting = errors.check("setting", input.setting.trim().parse::<Setting>());
        let conditions = errors.check("conditions", parse_conditions(&input.conditions));
        let eligibility = errors.check(
            "eligibility",
            text(&input.eligibility, "eligibility", 0, 2000),
        );
        let capacity = errors.check(
            "capacity",
            optional_number(&input.capacity, "Capacity", 1, 100_000),
        );
        let funding_source = errors.check(
            "funding_source",
            text(&input.funding_source, "funding source", 0, 200),
        );
        let contact_gap_days = errors.check(
            "contact_gap_days",
            optional_number(&input.contact_gap_days, "Days without contact", 1, 365)
                .map(|n| n.unwrap_or(Self::DEFAULT_CONTACT_GAP_DAYS)),
        );
        let waiting_target_days = errors.check(
            "waiting_target_days",
            optional_number(&input.waiting_target_days, "Days to first contact", 1, 365)
                .map(|n| n.unwrap_or(Self::DEFAULT_WAITING_TARGET_DAYS)),
        );
        let supervision_every_weeks = errors.check(
            "supervision_every_weeks",
            optional_number(
                &input.supervision_every_weeks,
                "Weeks between supervision",
                1,
                26,
            )
            .map(|n| n.unwrap_or(Self::DEFAULT_SUPERVISION_EVERY_WEEKS)),
        );
        match (
            name,
            description,
            model,
            setting,
            conditions,
            eligibility,
            capacity,
            funding_source,
            contact_gap_days,
            waiting_target_days,
            supervision_every_weeks,
        ) {
            (
                Some(name),
                Some(description),
                Some(model),
                Some(setting),
                Some(conditions),
                Some(eligibility),
                Some(capacity),
                Some(funding_source),
                Some(contact_gap_days),
                Some(waiting_target_days),
                Some(supervision_every_weeks),
            ) if errors.is_empty() => Ok(Self {
                name,
                description,
                model,
                setting,
                conditions,
                eligibility,
                capacity,
                funding_source,
                contact_gap_days,
                waiting_target_days,
                supervision_every_weeks,
            }),
            _ => Err(errors),
        }
    }

    /// The form input that shows these details again, for editing.
    #[must_use]
    pub fn to_input(&self) -> ProgrammeInput {
        ProgrammeInput {
            name: self.name.clone(),
            description: self.description.clone(),
            model: self.model.as_str().to_owned(),
            setting: self.setting.as_str().to_owned(),
            conditions: self.conditions.join("\n"),
            eligibility: self.eligibility.clone(),
            capacity: self.capacity.map(|c| c.to_string()).unwrap_or_default(),
            funding_source: self.funding_source.clone(),
            contact_gap_days: self.contact_gap_days.to_string(),
            waiting_target_days: self.waiting_target_days.to_string(),
            supervision_every_weeks: self.supervision_every_weeks.to_string(),
        }
    }
}

/// Splits conditions on new lines (a condition's name may hold a comma),
/// trims them and drops repeats
/// (ignoring case), keeping the order typed.
fn parse_conditions(value: &str) -> Result<Vec<String>, String> {
    crate::validation::lines(
        value,
        "condition",
        "conditions",
        100,
        ProgrammeDetails::MAX_CONDITIONS,
    )
}

/// An optional whole number within `min..=max`; empty means none.
pub(crate) fn optional_number<T: TryFrom<u32>>(
    value: &str,
    label: &str,
    min: u32,
    max: u32,
) -> Result<Option<T>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let out_of_range = || format!("{label} must be between {min} and {max}");
    if !value.chars().all(|c| c.is_ascii_digit()) {
        return Err(if value.starts_with('-') {
            out_of_range()
        } else {
            format!("{label} must be a whole number, like 12")
        });
    }
    match value.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => T::try_from(n).map(Some).map_err(|_| out_of_range()),
        _ => Err(out_of_range()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ProgrammeInput {
        ProgrammeInput {
            name: "Breathe Easy buddies".into(),
            description: "Befriending for people with COPD".into(),
            model: "befriending".into(),
            setting: "community".into(),
            conditions: "COPD\n\n Asthma \ncopd".into(),
            eligibility: "Adults in the borough".into(),
            capacity: "40".into(),
            funding_source: "ICB".into(),
            contact_gap_days: String::new(),
            waiting_target_days: String::new(),
            supervision_every_weeks: "6".into(),
        }
    }

    #[test]
    fn a_valid_programme_is_accepted_with_defaults_filled() {
        let details = ProgrammeDetails::validate(&valid()).unwrap();
        assert_eq!(details.conditions, vec!["COPD", "Asthma"]);
        assert_eq!(details.capacity, Some(40));
        assert_eq!(details.contact_gap_days, 14);
        assert_eq!(details.waiting_target_days, 14);
        assert_eq!(details.supervision_every_weeks, 6);
        assert_eq!(
            ProgrammeDetails::validate(&details.to_input()).unwrap(),
            details
        );
    }

    #[test]
    fn every_broken_rule_is_reported_at_once() {
        let input = ProgrammeInput {
            name: " ".into(),
            model: "coaching".into(),
            setting: String::new(),
            capacity: "0".into(),
            contact_gap_days: "two weeks".into(),
            ..valid()
        };
        let errors = ProgrammeDetails::validate(&input).unwrap_err();
        assert_eq!(errors.message_for("name"), Some("Enter a programme name"));
        assert_eq!(
            errors.message_for("model"),
            Some("Choose how support is given")
        );
        assert_eq!(
            errors.message_for("setting"),
            Some("Choose where support happens")
        );
        assert_eq!(
            errors.message_for("capacity"),
            Some("Capacity must be between 1 and 100000")
        );
        assert_eq!(
            errors.message_for("contact_gap_days"),
            Some("Days without contact must be a whole number, like 12")
        );
        assert_eq!(errors.as_slice().len(), 5);
    }

    #[test]
    fn number_bounds_hold_on_both_sides() {
        for (value, ok) in [
            ("1", true),
            ("365", true),
            ("0", false),
            ("366", false),
            ("-3", false),
            ("99999999999", false),
        ] {
            let input = ProgrammeInput {
                contact_gap_days: value.into(),
                ..valid()
            };
            assert_eq!(
                ProgrammeDetails::validate(&input).is_ok(),
                ok,
                "contact gap {value}"
            );
        }
    }

    #[test]
    fn name_length_is_bounded() {
        assert!(
            ProgrammeDetails::validate(&ProgrammeInput {
                name: "x".repeat(120),
                ..valid()
            })
            .is_ok()
        );
        let errors = ProgrammeDetails::validate(&ProgrammeInput {
            name: "x".repeat(121),
            ..valid()
        })
        .unwrap_err();
        assert_eq!(
            errors.message_for("name"),
            Some("A programme name must be 120 characters or fewer")
        );
        let errors = ProgrammeDetails::validate(&ProgrammeInput {
            name: "x".into(),
            ..valid()
        })
        .unwrap_err();
        assert_eq!(
            errors.message_for("name"),
            Some("Programme name must be at least 2 characters")
        );
    }

    #[test]
    fn too_many_conditions_are_refused() {
        let many: Vec<String> = (0..31).map(|i| format!("condition {i}")).collect();
        let errors = ProgrammeDetails::validate(&ProgrammeInput {
            conditions: many.join("\n"),
            ..valid()
        })
        .unwrap_err();
        assert_eq!(
            errors.message_for("conditions"),
            Some("List 30 conditions or fewer")
        );
    }

    #[test]
    fn archiving_twice_is_an_illegal_transition() {
        let archived = ProgrammeStatus::Active.archive().unwrap();
        let err = archived.archive().unwrap_err();
        assert_eq!(
            err.to_string(),
            "a programme that is archived cannot be archived"
        );
        assert_eq!(archived.restore(), Ok(ProgrammeStatus::Active));
        assert!(ProgrammeStatus::Active.restore().is_err());
    }

    #[test]
    fn every_model_and_setting_round_trips() {
        for model in ProgrammeModel::ALL {
            assert_eq!(model.as_str().parse(), Ok(*model));
        }
        for setting in Setting::ALL {
            assert_eq!(setting.as_str().parse(), Ok(*setting));
        }
        assert_eq!(ProgrammeModel::ALL.len(), 7);
        assert_eq!(Setting::ALL.len(), 5);
    }
}

/// A stored programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Programme {
    /// Its id.
    pub id: crate::ProgrammeId,
    /// The organisation that runs it.
    pub organisation_id: crate::OrganisationId,
    /// Its validated fields.
    pub details: ProgrammeDetails,
    /// Whether it is in use.
    pub status: ProgrammeStatus,
    /// When it was created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When it last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
