//! The access policy: the one place that decides what each role may do.
//!
//! The web layer asks [`decide`] before any handler runs; handlers receive
//! proof of the decision and cannot be reached without it. Everything here is
//! scoped to the actor's organisation: repositories only ever look inside
//! [`Actor::organisation_id`], so another organisation's records are not
//! forbidden but simply absent.

use serde::Serialize;

use crate::{AccountId, OrganisationId, Role};

/// Something a signed-in person or API client asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See their own dashboard, account and organisation name.
    UseOwnAccount,
    /// List and read programmes.
    ViewProgrammes,
    /// Create, edit, archive and restore programmes.
    ManageProgrammes,
    /// List the organisation's staff and invite new members.
    ManageStaff,
    /// Read the audit log of the organisation.
    ViewAuditLog,
    /// See the referral queue and a referral with the person's details.
    ViewReferrals,
    /// Triage referrals: accept onto a waiting list, signpost, decline,
    /// close; record the first contact; import referrals in bulk.
    TriageReferrals,
    /// Record a person's consent given or withdrawn.
    RecordConsent,
    /// Merge two records of the same person.
    MergeRecords,
    /// Send a person their outcome questionnaires, enter answers on their
    /// behalf and read the answers recorded for a referral.
    EnterOutcomes,
    /// Refer someone, and follow the outcome of one's own referrals (and
    /// nobody else's).
    MakeReferrals,
    /// Add, edit, pause and read peer supporters' records.
    ManageSupporters,
    /// Propose matches of people with peer supporters and record the answers.
    MatchPeople,
    /// Read aggregate reports (a commissioner's with small numbers hidden).
    ViewReports,
    /// Load the wording of licensed questionnaires under the organisation's
    /// own licence.
    LoadLicensedText,
    /// Read what people said helped or got in the way, and tag its themes.
    ReviewFeedback,
}

impl Action {
    /// Every action, so tests can walk the whole role × action matrix.
    pub const ALL: [Action; 16] = [
        Action::UseOwnAccount,
        Action::ViewProgrammes,
        Action::ManageProgrammes,
        Action::ManageStaff,
        Action::ViewAuditLog,
        Action::ViewReferrals,
        Action::TriageReferrals,
        Action::RecordConsent,
        Action::MergeRecords,
        Action::EnterOutcomes,
        Action::MakeReferrals,
        Action::ManageSupporters,
        Action::MatchPeople,
        Action::ViewReports,
        Action::LoadLicensedText,
        Action::ReviewFeedback,
    ];

    /// The machine name, used in the audit log.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::UseOwnAccount => "use_own_account",
            Action::ViewProgrammes => "view_programmes",
            Action::ManageProgrammes => "manage_programmes",
            Action::ManageStaff => "manage_staff",
            Action::ViewAuditLog => "view_audit_log",
            Action::ViewReferrals => "view_referrals",
            Action::TriageReferrals => "triage_referrals",
            Action::RecordConsent => "record_consent",
            Action::MergeRecords => "merge_records",
            Action::EnterOutcomes => "enter_outcomes",
            Action::MakeReferrals => "make_referrals",
            Action::ManageSupporters => "manage_supporters",
            Action::MatchPeople => "match_people",
            Action::ViewReports => "view_reports",
            Action::LoadLicensedText => "load_licensed_text",
            Action::ReviewFeedback => "review_feedback",
        }
    }
}

/// Who is asking: a signed-in account acting within one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The account making the request.
    pub account_id: AccountId,
    /// The organisation the account is acting in; every query is scoped to it.
    pub organisation_id: OrganisationId,
    /// The account's role in that organisation.
    pub role: Role,
}

/// The policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The actor may go ahead.
    Allow,
    /// The actor may not; the reason is for the audit log, not the person.
    Deny(&'static str),
}

impl Decision {
    /// Whether the action is allowed.
    #[must_use]
    pub fn is_allowed(self) -> bool {
        matches!(self, Decision::Allow)
    }
}

/// Whether `role` may take `action` at all.
#[must_use]
#[expect(
    clippy::match_same_arms,
    reason = "each action keeps its own arm, with why those roles may take it"
)]
pub const fn role_may(role: Role, action: Action) -> bool {
    use Action as A;
    use Role as R;
    match action {
        A::UseOwnAccount => true,
        // Programmes are the organisation's published offers: every member
        // may read them (referrers choose one, commissioners see what is funded).
        A::ViewProgrammes => true,
        A::ManageProgrammes => matches!(role, R::Admin | R::Coordinator),
        // A licence binds the organisation: its admins accept it.
        A::ManageStaff | A::ViewAuditLog | A::LoadLicensedText => matches!(role, R::Admin),
        // The queue holds people's details: those who triage see it, and
        // safeguarding leads, who act on concerns about the people in it.
        A::ViewReferrals => matches!(role, R::Admin | R::Coordinator | R::SafeguardingLead),
        // Deciding where a referral goes is the coordinators' work, and so
        // are merging records and collecting outcomes for a referral.
        A::TriageReferrals | A::MergeRecords | A::EnterOutcomes => {
            matches!(role, R::Admin | R::Coordinator)
        }
        // A person may give or withdraw consent to whoever they speak to
        // about it: a safeguarding lead records it without triaging.
        A::RecordConsent => matches!(role, R::Admin | R::Coordinator | R::SafeguardingLead),
        // Referrers send people in; coordinators and admins take referrals
        // by phone too.
        A::MakeReferrals => matches!(role, R::Admin | R::Coordinator | R::Referrer),
        // Supporters' records hold checks and personal details: those who
        // match people to them keep them.
        A::ManageSupporters | A::MatchPeople => matches!(role, R::Admin | R::Coordinator),
        // Aggregates only; commissioners see them with small numbers hidden.
        A::ViewReports => matches!(role, R::Admin | R::Coordinator | R::Commissioner),
        // People's own words, not names, but still theirs: read inside the
        // service only; commissioners get the theme counts.
        A::ReviewFeedback => matches!(role, R::Admin | R::Coordinator),
    }
}

/// Decides whether `actor` may take `action` in their organisation.
#[must_use]
pub fn decide(actor: &Actor, action: Action) -> Decision {
    if role_may(actor.role, action) {
        Decision::Allow
    } else {
        Decision::Deny("role does not allow this action")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole matrix, written out by hand: a new role or action fails
    /// `matrix_is_complete` until its row is here.
    const MATRIX: &[(Role, &[Action])] = &[
        (
            Role::Admin,
            &[
                Action::UseOwnAccount,
                Action::ViewProgrammes,
                Action::ManageProgrammes,
                Action::ManageStaff,
                Action::ViewAuditLog,
                Action::ViewReferrals,
                Action::TriageReferrals,
                Action::RecordConsent,
                Action::MergeRecords,
                Action::EnterOutcomes,
                Action::MakeReferrals,
                Action::ManageSupporters,
                Action::MatchPeople,
                Action::ViewReports,
                Action::LoadLicensedText,
                Action::ReviewFeedback,
            ],
        ),
        (
            Role::Coordinator,
            &[
                Action::UseOwnAccount,
                Action::ViewProgrammes,
                Action::ManageProgrammes,
                Action::ViewReferrals,
                Action::TriageReferrals,
                Action::RecordConsent,
                Action::MergeRecords,
                Action::EnterOutcomes,
                Action::MakeReferrals,
                Action::ManageSupporters,
                Action::MatchPeople,
                Action::ViewReports,
                Action::ReviewFeedback,
            ],
        ),
        (
            Role::Supervisor,
            &[Action::UseOwnAccount, Action::ViewProgrammes],
        ),
        (
            Role::SafeguardingLead,
            &[
                Action::UseOwnAccount,
                Action::ViewProgrammes,
                Action::ViewReferrals,
                Action::RecordConsent,
            ],
        ),
        (
            Role::PeerSupporter,
            &[Action::UseOwnAccount, Action::ViewProgrammes],
        ),
        (
            Role::Referrer,
            &[
                Action::UseOwnAccount,
                Action::ViewProgrammes,
                Action::MakeReferrals,
            ],
        ),
        (
            Role::Commissioner,
            &[
                Action::UseOwnAccount,
                Action::ViewProgrammes,
                Action::ViewReports,
            ],
        ),
        (
            Role::Participant,
            &[Action::UseOwnAccount, Action::ViewProgrammes],
        ),
    ];

    #[test]
    fn matrix_is_complete() {
        for role in Role::ALL {
            assert!(MATRIX.iter().any(|(r, _)| *r == role), "no row for {role}");
        }
    }

    #[test]
    fn every_cell_of_the_matrix_holds() {
        for (role, allowed) in MATRIX {
            let actor = Actor {
                account_id: AccountId::new(),
                organisation_id: OrganisationId::new(),
                role: *role,
            };
            for action in Action::ALL {
                let expected = allowed.contains(&action);
                assert_eq!(
                    decide(&actor, action).is_allowed(),
                    expected,
                    "{role} × {action:?}: expected allowed = {expected}"
                );
            }
        }
    }

    #[test]
    fn a_safeguarding_lead_records_consent_but_does_not_triage_or_merge() {
        let actor = Actor {
            account_id: AccountId::new(),
            organisation_id: OrganisationId::new(),
            role: Role::SafeguardingLead,
        };
        assert!(decide(&actor, Action::RecordConsent).is_allowed());
        for action in [
            Action::TriageReferrals,
            Action::MergeRecords,
            Action::EnterOutcomes,
        ] {
            assert!(!decide(&actor, action).is_allowed(), "{action:?}");
        }
    }

    #[test]
    fn a_commissioner_cannot_manage_anything() {
        let actor = Actor {
            account_id: AccountId::new(),
            organisation_id: OrganisationId::new(),
            role: Role::Commissioner,
        };
        for action in [
            Action::ManageProgrammes,
            Action::ManageStaff,
            Action::ViewAuditLog,
        ] {
            assert_eq!(
                decide(&actor, action),
                Decision::Deny("role does not allow this action")
            );
        }
    }
}
