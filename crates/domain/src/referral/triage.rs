//! A coordinator's triage decision: what was typed, and the decision it
//! stands for once checked.

use serde::{Deserialize, Serialize};

use super::{DeclineReason, ReferralEvent};
use crate::ProgrammeId;
use crate::validation::{FieldErrors, text};

/// A triage decision as typed: every field a string, as forms and JSON
/// bodies send it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TriageInput {
    /// `start`, `accept`, `signpost`, `decline` or `close`.
    pub decision: String,
    /// The programme accepted onto, or signposted to.
    pub programme: String,
    /// A [`DeclineReason`]'s stored name, when declining.
    pub reason: String,
    /// Where the person was signposted, or any other note.
    pub note: String,
}

/// A checked triage decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Triage {
    /// Triage starts.
    Start,
    /// The person joins this programme's waiting list.
    Accept(ProgrammeId),
    /// The person is pointed elsewhere: to a programme, or to what the note says.
    Signpost(Option<ProgrammeId>),
    /// The referral is declined for this reason.
    Decline(DeclineReason),
    /// The referral is closed.
    Close,
}

/// A checked triage decision with its note (possibly empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriageDecision {
    /// What was decided.
    pub triage: Triage,
    /// The note, trimmed.
    pub note: String,
}

impl TriageDecision {
    /// Checks a typed decision, naming every problem by its field.
    ///
    /// # Errors
    /// Every problem: no decision chosen, no programme to accept onto, a
    /// signpost that says nowhere, no reason to decline, an overlong note.
    pub fn validate(input: &TriageInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let note = errors
            .check("note", text(&input.note, "a note", 0, 2000))
            .unwrap_or_default();
        let triage = match input.decision.as_str() {
            "start" => Some(Triage::Start),
            "accept" => {
                if let Ok(p) = input.programme.parse::<ProgrammeId>() {
                    Some(Triage::Accept(p))
                } else {
                    errors.add(
                        "programme",
                        "Choose the programme whose waiting list the person joins",
                    );
                    None
                }
            }
            "signpost" => {
                let programme = input.programme.parse::<ProgrammeId>().ok();
                if note.is_empty() && programme.is_none() {
                    errors.add(
                        "note",
                        "Say where the person was signposted to, or choose the programme",
                    );
                }
                Some(Triage::Signpost(programme))
            }
            "decline" => {
                let reason = DeclineReason::ALL
                    .into_iter()
                    .find(|r| r.as_str() == input.reason);
                if reason.is_none() {
                    errors.add("reason", "Choose why the referral is declined");
                }
                reason.map(Triage::Decline)
            }
            "close" => Some(Triage::Close),
            _ => {
                errors.add("decision", "Choose what happens next");
                None
            }
        };
        match triage {
            Some(triage) if errors.is_empty() => Ok(Self { triage, note }),
            _ => Err(errors),
        }
    }

    /// The status machine's event for this decision.
    #[must_use]
    pub fn event(&self) -> ReferralEvent {
        match self.triage {
            Triage::Start => ReferralEvent::StartTriage,
            Triage::Accept(_) => ReferralEvent::Accept,
            Triage::Signpost(_) => ReferralEvent::Signpost,
            Triage::Decline(reason) => ReferralEvent::Decline(reason),
            Triage::Close => ReferralEvent::Close,
        }
    }

    /// The programme the decision names: accepted onto, or signposted to.
    #[must_use]
    pub fn programme(&self) -> Option<ProgrammeId> {
        match self.triage {
            Triage::Accept(p) => Some(p),
            Triage::Signpost(p) => p,
            _ => None,
        }
    }

    /// The reason, when declining.
    #[must_use]
    pub fn decline_reason(&self) -> Option<DeclineReason> {
        match self.triage {
            Triage::Decline(reason) => Some(reason),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(decision: &str, programme: &str, reason: &str, note: &str) -> TriageInput {
        TriageInput {
            decision: decision.into(),
            programme: programme.into(),
            reason: reason.into(),
            note: note.into(),
        }
    }

    fn fields(result: Result<TriageDecision, FieldErrors>) -> Vec<&'static str> {
        result
            .unwrap_err()
            .as_slice()
            .iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn each_decision_reads_as_its_event() {
        let p = ProgrammeId::new();
        let accept = TriageDecision::validate(&typed("accept", &p.to_string(), "", "")).unwrap();
        assert_eq!(accept.triage, Triage::Accept(p));
        assert_eq!(accept.event(), ReferralEvent::Accept);
        assert_eq!(accept.programme(), Some(p));
        let decline =
            TriageDecision::validate(&typed("decline", "", DeclineReason::ALL[0].as_str(), " x "))
                .unwrap();
        assert_eq!(decline.decline_reason(), Some(DeclineReason::ALL[0]));
        assert_eq!(decline.note, "x");
        let signpost =
            TriageDecision::validate(&typed("signpost", "", "", "Citizens Advice")).unwrap();
        assert_eq!(signpost.triage, Triage::Signpost(None));
        assert_eq!(
            TriageDecision::validate(&typed("start", "", "", ""))
                .unwrap()
                .event(),
            ReferralEvent::StartTriage
        );
        assert_eq!(
            TriageDecision::validate(&typed("close", "", "", ""))
                .unwrap()
                .event(),
            ReferralEvent::Close
        );
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        assert_eq!(
            fields(TriageDecision::validate(&typed("", "", "", ""))),
            ["decision"]
        );
        assert_eq!(
            fields(TriageDecision::validate(&typed("accept", "nope", "", ""))),
            ["programme"]
        );
        assert_eq!(
            fields(TriageDecision::validate(&typed("signpost", "", "", ""))),
            ["note"]
        );
        assert_eq!(
            fields(TriageDecision::validate(&typed("decline", "", "bored", ""))),
            ["reason"]
        );
        assert_eq!(
            fields(TriageDecision::validate(&typed(
                "decline",
                "",
                "bored",
                &"x".repeat(2001)
            ))),
            ["note", "reason"]
        );
    }
}
