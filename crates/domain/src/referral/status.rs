//! The referral status machine: where a referral came from, where it stands,
//! and the events that move it on.

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
    /// [`IllegalTransition`] for a move the diagram in the module
    /// documentation does not have.
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
            (from, event) => Err(IllegalTransition::new("referral", &from, event.done())),
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
