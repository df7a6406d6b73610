//! Consent: what a person agreed to, how, and what they later withdrew.
//!
//! Consent is kept as records, never as a flag that is overwritten: each
//! record says what was agreed (its [`ConsentScope`]), how
//! ([`ConsentMethod`]) and, later, when it was withdrawn. What is in force
//! now is worked out from the records by [`in_force`].

use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One thing a person can agree to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentScope {
    /// Keep their details to arrange support. Without it nothing else holds.
    StoreData,
    /// Share their details with the peer supporter they are matched with.
    ShareWithPeer,
    /// Contact them by phone call.
    ContactByPhone,
    /// Contact them by text message.
    ContactByText,
    /// Contact them by email.
    ContactByEmail,
    /// Contact them by letter.
    ContactByPost,
    /// Ask them to fill in outcome questionnaires.
    OutcomeQuestionnaires,
    /// Include their answers, without identifying them, in evaluation.
    AnonymisedEvaluation,
}

impl ConsentScope {
    /// Every scope, in the order forms offer them.
    pub const ALL: [ConsentScope; 8] = [
        Self::StoreData,
        Self::ShareWithPeer,
        Self::ContactByPhone,
        Self::ContactByText,
        Self::ContactByEmail,
        Self::ContactByPost,
        Self::OutcomeQuestionnaires,
        Self::AnonymisedEvaluation,
    ];

    /// The ways of making contact.
    pub const CONTACT: [ConsentScope; 4] = [
        Self::ContactByPhone,
        Self::ContactByText,
        Self::ContactByEmail,
        Self::ContactByPost,
    ];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::StoreData => "store_data",
            Self::ShareWithPeer => "share_with_peer",
            Self::ContactByPhone => "contact_by_phone",
            Self::ContactByText => "contact_by_text",
            Self::ContactByEmail => "contact_by_email",
            Self::ContactByPost => "contact_by_post",
            Self::OutcomeQuestionnaires => "outcome_questionnaires",
            Self::AnonymisedEvaluation => "anonymised_evaluation",
        }
    }

    /// What the person agreed to, in words.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::StoreData => "Keep their details to arrange support",
            Self::ShareWithPeer => "Share their details with their peer supporter",
            Self::ContactByPhone => "Contact by phone call",
            Self::ContactByText => "Contact by text message",
            Self::ContactByEmail => "Contact by email",
            Self::ContactByPost => "Contact by letter",
            Self::OutcomeQuestionnaires => "Send outcome questionnaires",
            Self::AnonymisedEvaluation => "Use their answers, anonymised, in evaluation",
        }
    }
}

impl FromStr for ConsentScope {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("Choose what the person agreed to from the list")
    }
}

/// How consent was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// Said out loud, to the person recording it.
    Verbal,
    /// Signed on paper.
    Written,
    /// Ticked by the person themself on an online form.
    Online,
}

impl ConsentMethod {
    /// Every method.
    pub const ALL: [ConsentMethod; 3] = [Self::Verbal, Self::Written, Self::Online];

    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Verbal => "verbal",
            Self::Written => "written",
            Self::Online => "online",
        }
    }

    /// The method in words.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Verbal => "Verbally",
            Self::Written => "In writing",
            Self::Online => "Online, by the person",
        }
    }
}

impl FromStr for ConsentMethod {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("Choose how the person gave consent")
    }
}

/// A consent as stored: given at some time, perhaps withdrawn later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentState {
    /// What was agreed.
    pub scope: ConsentScope,
    /// Whether it has been withdrawn since.
    pub withdrawn: bool,
}

/// The scopes in force: given and not withdrawn. Withdrawing
/// [`ConsentScope::StoreData`] withdraws everything, since nothing else can
/// hold without it.
#[must_use]
pub fn in_force(records: &[ConsentState]) -> Vec<ConsentScope> {
    let holds = |scope| records.iter().any(|r| r.scope == scope && !r.withdrawn);
    if !holds(ConsentScope::StoreData) {
        return Vec::new();
    }
    ConsentScope::ALL
        .into_iter()
        .filter(|s| holds(*s))
        .collect()
}

/// Whether any way of contacting the person is in force.
#[must_use]
pub fn may_contact(records: &[ConsentState]) -> bool {
    in_force(records)
        .iter()
        .any(|s| ConsentScope::CONTACT.contains(s))
}

/// Whether the person's details may go to a peer supporter: consent to keep
/// their details holds, and any consent to share with a peer once given
/// has not been withdrawn (a referral that never asked is not a refusal).
#[must_use]
pub fn may_share_with_peer(records: &[ConsentState]) -> bool {
    let in_force = in_force(records);
    let share_withdrawn = records
        .iter()
        .any(|r| r.scope == ConsentScope::ShareWithPeer && r.withdrawn)
        && !in_force.contains(&ConsentScope::ShareWithPeer);
    in_force.contains(&ConsentScope::StoreData) && !share_withdrawn
}

/// A consent given or withdrawn, as typed on a referral's page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsentChangeInput {
    /// A [`ConsentScope`] stored name.
    pub scope: String,
    /// `give` or `withdraw`.
    pub change: String,
    /// A [`ConsentMethod`] stored name, when giving.
    pub method: String,
    /// What the person said, when withdrawing.
    pub consent_note: String,
}

/// A checked consent change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentChange {
    /// Consent to `scope` was given, in this way.
    Given(ConsentScope, ConsentMethod),
    /// Consent to `scope` was withdrawn; the note says what the person said.
    Withdrawn(ConsentScope, String),
}

impl ConsentChange {
    /// Checks a typed change, naming every problem by its field.
    ///
    /// # Errors
    /// Every problem: no scope, no choice of giving or withdrawing, no
    /// method for consent given, an overlong note.
    pub fn validate(input: &ConsentChangeInput) -> Result<Self, crate::FieldErrors> {
        let mut errors = crate::FieldErrors::new();
        let scope = errors.check("scope", input.scope.parse::<ConsentScope>());
        let note = errors
            .check(
                "consent_note",
                crate::validation::text(&input.consent_note, "a note", 0, 500),
            )
            .unwrap_or_default();
        let method = match input.change.as_str() {
            "give" => errors
                .check("method", input.method.parse::<ConsentMethod>())
                .map(Some),
            "withdraw" => Some(None),
            _ => {
                errors.add("change", "Choose whether consent is given or withdrawn");
                None
            }
        };
        match (scope, method) {
            (Some(scope), Some(method)) if errors.is_empty() => Ok(match method {
                Some(method) => ConsentChange::Given(scope, method),
                None => ConsentChange::Withdrawn(scope, note),
            }),
            _ => Err(errors),
        }
    }

    /// What the change is about.
    #[must_use]
    pub fn scope(&self) -> ConsentScope {
        match self {
            ConsentChange::Given(scope, _) | ConsentChange::Withdrawn(scope, _) => *scope,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(scope: ConsentScope) -> ConsentState {
        ConsentState {
            scope,
            withdrawn: false,
        }
    }

    #[test]
    fn withdrawn_consent_is_not_in_force() {
        let records = [
            given(ConsentScope::StoreData),
            given(ConsentScope::ContactByPhone),
            ConsentState {
                scope: ConsentScope::ContactByEmail,
                withdrawn: true,
            },
        ];
        assert_eq!(
            in_force(&records),
            vec![ConsentScope::StoreData, ConsentScope::ContactByPhone]
        );
        assert!(may_contact(&records));
        assert!(!may_contact(&records[..1]));
    }

    #[test]
    fn withdrawing_storage_withdraws_everything() {
        let records = [
            ConsentState {
                scope: ConsentScope::StoreData,
                withdrawn: true,
            },
            given(ConsentScope::ContactByPhone),
        ];
        assert!(in_force(&records).is_empty());
        assert!(!may_contact(&records));
        // Given again after a withdrawal: in force once more.
        let again = [records[0], records[1], given(ConsentScope::StoreData)];
        assert_eq!(in_force(&again).len(), 2);
    }

    #[test]
    fn names_round_trip() {
        for scope in ConsentScope::ALL {
            assert_eq!(scope.as_str().parse(), Ok(scope));
        }
        for method in ConsentMethod::ALL {
            assert_eq!(method.as_str().parse(), Ok(method));
        }
        assert!("telepathy".parse::<ConsentMethod>().is_err());
    }

    #[test]
    fn sharing_with_a_peer() {
        let store = given(ConsentScope::StoreData);
        let share = given(ConsentScope::ShareWithPeer);
        let withdrawn = |mut c: ConsentState| {
            c.withdrawn = true;
            c
        };
        assert!(may_share_with_peer(&[store]));
        assert!(may_share_with_peer(&[store, share]));
        assert!(!may_share_with_peer(&[store, withdrawn(share)]));
        // Given again after a withdrawal.
        assert!(may_share_with_peer(&[store, withdrawn(share), share]));
        assert!(!may_share_with_peer(&[withdrawn(store), share]));
        assert!(!may_share_with_peer(&[]));
    }

    #[test]
    fn a_consent_change_names_each_problem() {
        let typed = |scope: &str, change: &str, method: &str| ConsentChangeInput {
            scope: scope.into(),
            change: change.into(),
            method: method.into(),
            consent_note: String::new(),
        };
        let given = ConsentChange::validate(&typed(
            ConsentScope::ContactByEmail.as_str(),
            "give",
            ConsentMethod::Verbal.as_str(),
        ))
        .unwrap();
        assert_eq!(
            given,
            ConsentChange::Given(ConsentScope::ContactByEmail, ConsentMethod::Verbal)
        );
        let withdrawn = ConsentChange::validate(&typed(
            ConsentScope::ContactByEmail.as_str(),
            "withdraw",
            "",
        ))
        .unwrap();
        assert_eq!(withdrawn.scope(), ConsentScope::ContactByEmail);
        let fields = |input| -> Vec<&'static str> {
            ConsentChange::validate(&input)
                .unwrap_err()
                .as_slice()
                .iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields(typed("", "", "")), ["scope", "change"]);
        assert_eq!(
            fields(typed(ConsentScope::ContactByEmail.as_str(), "give", "")),
            ["method"]
        );
    }
}
