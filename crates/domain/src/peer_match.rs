//! A match between a person and a peer supporter, from proposal to the
//! agreement of both. What happens after the introduction belongs to the
//! relationship itself.
//!
//! ```text
//! proposed ─┬─ both say yes ──▶ agreed
//!           ├─ either says no ─▶ declined
//!           └─ withdrawn ──────▶ withdrawn
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::transition::{IllegalTransition, StateName};

/// Where a match stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    /// Proposed by a coordinator; waiting for the person and the supporter.
    Proposed,
    /// Both said yes: ready for the introduction.
    Agreed,
    /// The person or the supporter said no.
    Declined,
    /// The coordinator took the proposal back.
    Withdrawn,
}

/// Who answers a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The person referred.
    Person,
    /// The peer supporter.
    Supporter,
}

/// The answers given so far to a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Answers {
    /// The person's answer, once given.
    pub person: Option<bool>,
    /// The supporter's answer, once given.
    pub supporter: Option<bool>,
}

impl MatchStatus {
    /// Every status.
    pub const ALL: [MatchStatus; 4] = [
        Self::Proposed,
        Self::Agreed,
        Self::Declined,
        Self::Withdrawn,
    ];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Agreed => "agreed",
            Self::Declined => "declined",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// The status in words.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Proposed => "Proposed",
            Self::Agreed => "Agreed by both",
            Self::Declined => "Declined",
            Self::Withdrawn => "Withdrawn",
        }
    }

    /// Whether the match still takes a place in the supporter's caseload.
    #[must_use]
    pub const fn holds_a_place(self) -> bool {
        matches!(self, Self::Proposed | Self::Agreed)
    }

    /// Records one side's answer: the status and answers after it. The
    /// match is agreed once both said yes, declined as soon as one says no.
    ///
    /// # Errors
    /// [`IllegalTransition`] when the proposal is no longer open, or that
    /// side already answered.
    pub fn answer(
        self,
        answers: Answers,
        side: Side,
        yes: bool,
    ) -> Result<(Self, Answers), IllegalTransition> {
        let already = match side {
            Side::Person => answers.person.is_some(),
            Side::Supporter => answers.supporter.is_some(),
        };
        if self != Self::Proposed || already {
            return Err(IllegalTransition::new("match", &self, "answered again"));
        }
        let mut next = answers;
        match side {
            Side::Person => next.person = Some(yes),
            Side::Supporter => next.supporter = Some(yes),
        }
        let status = match (next.person, next.supporter) {
            (Some(false), _) | (_, Some(false)) => Self::Declined,
            (Some(true), Some(true)) => Self::Agreed,
            _ => Self::Proposed,
        };
        Ok((status, next))
    }

    /// The coordinator takes an open proposal back.
    ///
    /// # Errors
    /// [`IllegalTransition`] unless the match is still proposed.
    pub fn withdraw(self) -> Result<Self, IllegalTransition> {
        match self {
            Self::Proposed => Ok(Self::Withdrawn),
            other => Err(IllegalTransition::new("match", &other, "withdrawn")),
        }
    }
}

impl StateName for MatchStatus {
    fn state_name(&self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Agreed => "agreed",
            Self::Declined => "declined",
            Self::Withdrawn => "withdrawn",
        }
    }
}

impl fmt::Display for MatchStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MatchStatus {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("unknown match status")
    }
}

/// Where a matching run's proposal stands with the coordinator: open until
/// accepted (it becomes a proposed match) or rejected (the pair is
/// excluded from then on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Not yet decided.
    Open,
    /// Accepted: a match was proposed to both sides.
    Accepted,
    /// Rejected by the coordinator.
    Rejected,
}

impl ProposalStatus {
    /// Every status.
    pub const ALL: [ProposalStatus; 3] = [Self::Open, Self::Accepted, Self::Rejected];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    /// The status in words.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Open => "To decide",
            Self::Accepted => "Accepted",
            Self::Rejected => "Rejected",
        }
    }

    /// The coordinator's decision: accepted or rejected.
    ///
    /// # Errors
    /// [`IllegalTransition`] when the proposal was already decided.
    pub fn decide(self, accept: bool) -> Result<Self, IllegalTransition> {
        match self {
            Self::Open if accept => Ok(Self::Accepted),
            Self::Open => Ok(Self::Rejected),
            other => Err(IllegalTransition::new(
                "proposal",
                &other,
                if accept { "accepted" } else { "rejected" },
            )),
        }
    }
}

impl StateName for ProposalStatus {
    fn state_name(&self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }
}

impl FromStr for ProposalStatus {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("unknown proposal status")
    }
}

/// Why a pair must not be proposed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    /// The person or the supporter declined this pair.
    DeclinedBefore,
    /// The coordinator rejected the proposal.
    RejectedByCoordinator,
    /// They know each other, or another conflict of interest.
    ConflictOfInterest,
    /// An earlier match of the two ended badly.
    EndedBadly,
}

impl ExclusionReason {
    /// Every reason.
    pub const ALL: [ExclusionReason; 4] = [
        Self::DeclinedBefore,
        Self::RejectedByCoordinator,
        Self::ConflictOfInterest,
        Self::EndedBadly,
    ];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::DeclinedBefore => "declined_before",
            Self::RejectedByCoordinator => "rejected_by_coordinator",
            Self::ConflictOfInterest => "conflict_of_interest",
            Self::EndedBadly => "ended_badly",
        }
    }

    /// The reason in words.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::DeclinedBefore => "Declined before",
            Self::RejectedByCoordinator => "Rejected by the coordinator",
            Self::ConflictOfInterest => "Conflict of interest",
            Self::EndedBadly => "An earlier match ended badly",
        }
    }
}

impl FromStr for ExclusionReason {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("Choose a reason from the list")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_must_say_yes_and_one_no_declines() {
        let open = Answers::default();
        let (status, answers) = MatchStatus::Proposed
            .answer(open, Side::Person, true)
            .unwrap();
        assert_eq!(status, MatchStatus::Proposed, "waiting for the supporter");
        let (status, _) = status.answer(answers, Side::Supporter, true).unwrap();
        assert_eq!(status, MatchStatus::Agreed);

        let (status, answers) = MatchStatus::Proposed
            .answer(open, Side::Supporter, false)
            .unwrap();
        assert_eq!(status, MatchStatus::Declined, "one no is enough");
        assert!(
            status.answer(answers, Side::Person, true).is_err(),
            "closed"
        );
    }

    #[test]
    fn a_side_answers_once_and_only_open_proposals_are_withdrawn() {
        let (status, answers) = MatchStatus::Proposed
            .answer(Answers::default(), Side::Person, true)
            .unwrap();
        let again = status.answer(answers, Side::Person, false).unwrap_err();
        assert_eq!(
            again.to_string(),
            "a match that is proposed cannot be answered again"
        );
        assert_eq!(MatchStatus::Proposed.withdraw(), Ok(MatchStatus::Withdrawn));
        assert!(MatchStatus::Agreed.withdraw().is_err());
        assert!(MatchStatus::Agreed.holds_a_place() && !MatchStatus::Declined.holds_a_place());
        for status in MatchStatus::ALL {
            assert_eq!(status.as_str().parse(), Ok(status));
        }
        for reason in ExclusionReason::ALL {
            assert_eq!(reason.as_str().parse(), Ok(reason));
        }
    }

    #[test]
    fn a_proposal_is_decided_once() {
        assert_eq!(
            ProposalStatus::Open.decide(true),
            Ok(ProposalStatus::Accepted)
        );
        assert_eq!(
            ProposalStatus::Open.decide(false),
            Ok(ProposalStatus::Rejected)
        );
        for done in [ProposalStatus::Accepted, ProposalStatus::Rejected] {
            for accept in [true, false] {
                assert!(done.decide(accept).is_err());
            }
        }
        for status in ProposalStatus::ALL {
            assert_eq!(status.as_str().parse(), Ok(status));
        }
    }
}
