//! The roles a member of an organisation can hold.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a person does in an organisation; it decides what they may see and do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the organisation, staff accounts, programmes and settings.
    Admin,
    /// Triages referrals, runs matching, introduces pairs, runs groups.
    Coordinator,
    /// Holds supervision and sees the wellbeing of the peers they supervise.
    Supervisor,
    /// Receives and handles safeguarding concerns.
    SafeguardingLead,
    /// A volunteer or paid peer worker with lived experience.
    PeerSupporter,
    /// A GP practice, hospital team or link worker who sends referrals.
    Referrer,
    /// A commissioner or funder, who reads aggregate reports only.
    Commissioner,
    /// A person with a long-term condition, or a carer, receiving support.
    Participant,
}

/// A role name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Choose a role from the list")]
pub struct UnknownRole;

impl Role {
    /// Every role, in the order they are listed to people.
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Coordinator,
        Role::Supervisor,
        Role::SafeguardingLead,
        Role::PeerSupporter,
        Role::Referrer,
        Role::Commissioner,
        Role::Participant,
    ];

    /// The stored and machine name (`safeguarding_lead`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Supervisor => "supervisor",
            Role::SafeguardingLead => "safeguarding_lead",
            Role::PeerSupporter => "peer_supporter",
            Role::Referrer => "referrer",
            Role::Commissioner => "commissioner",
            Role::Participant => "participant",
        }
    }

    /// The name shown to people ("Safeguarding lead").
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Coordinator => "Coordinator",
            Role::Supervisor => "Supervisor",
            Role::SafeguardingLead => "Safeguarding lead",
            Role::PeerSupporter => "Peer supporter",
            Role::Referrer => "Referrer",
            Role::Commissioner => "Commissioner",
            Role::Participant => "Participant",
        }
    }

    /// One sentence on what the role is for, used as hint text.
    #[must_use]
    pub const fn summary(self) -> &'static str {
        match self {
            Role::Admin => "Manages the organisation, staff accounts and programmes.",
            Role::Coordinator => "Triages referrals, runs matching and looks after relationships.",
            Role::Supervisor => "Holds supervision for peer supporters.",
            Role::SafeguardingLead => "Receives and handles safeguarding concerns.",
            Role::PeerSupporter => "Gives peer support and logs contacts.",
            Role::Referrer => "Sends referrals and sees what happened to them.",
            Role::Commissioner => "Reads aggregate reports; never sees a person's record.",
            Role::Participant => "Receives peer support.",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(UnknownRole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse(), Ok(role));
            assert!(!role.label().is_empty());
        }
        assert_eq!("superuser".parse::<Role>(), Err(UnknownRole));
    }
}
