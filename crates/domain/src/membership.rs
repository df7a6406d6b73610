//! A member of staff's place in an organisation: their role, whether they
//! may act now, and the changes an admin makes to it. Whoever has left
//! loses access at once; an organisation never loses its last admin.

use crate::Role;

/// A change an admin makes to another member of staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffChange {
    /// Give them another role.
    ChangeRole(Role),
    /// Stop them acting for the organisation until reinstated.
    Suspend,
    /// Let a suspended member act again.
    Reinstate,
    /// Take them off the organisation's staff.
    Remove,
}

impl StaffChange {
    /// The change in words, as the audit log and the pages say it.
    #[must_use]
    pub fn describe(self) -> String {
        match self {
            StaffChange::ChangeRole(role) => format!("role changed to {}", role.label()),
            StaffChange::Suspend => "suspended".to_owned(),
            StaffChange::Reinstate => "reinstated".to_owned(),
            StaffChange::Remove => "removed".to_owned(),
        }
    }

    /// Whether the member's open sessions and API tokens end with the
    /// change: leaving, being suspended, or a new role (whose rights are
    /// read afresh at the next sign-in).
    #[must_use]
    pub const fn ends_access(self) -> bool {
        !matches!(self, StaffChange::Reinstate)
    }
}

/// Where a member stands before a change, and who asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Their role.
    pub role: Role,
    /// Whether they are suspended.
    pub suspended: bool,
    /// Whether they are the admin asking for the change.
    pub is_actor: bool,
    /// Admins of the organisation who are not suspended, them included.
    pub active_admins: u32,
}

/// Why a change to a member of staff is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StaffChangeRefused {
    /// Admins change other members; another admin changes them.
    #[error("Ask another admin to change your own role or access")]
    OwnAccess,
    /// The change would leave nobody to manage the organisation.
    #[error("They are the only admin: make someone else an admin first")]
    LastAdmin,
    /// Suspending someone suspended, or reinstating someone who is not.
    #[error("They are already {0}")]
    Already(&'static str),
    /// The role they have already.
    #[error("They already have that role")]
    SameRole,
}

/// Checks a change against the rules of staff: nobody changes their own
/// access, the organisation keeps an admin who can act, and a change does
/// something.
///
/// # Errors
/// The rule the change breaks.
pub fn check(standing: Standing, change: StaffChange) -> Result<(), StaffChangeRefused> {
    if standing.is_actor {
        return Err(StaffChangeRefused::OwnAccess);
    }
    let counts_as_admin = standing.role == Role::Admin && !standing.suspended;
    let stays_admin = match change {
        StaffChange::ChangeRole(role) => {
            if role == standing.role {
                return Err(StaffChangeRefused::SameRole);
            }
            role == Role::Admin
        }
        StaffChange::Suspend if standing.suspended => {
            return Err(StaffChangeRefused::Already("suspended"));
        }
        StaffChange::Reinstate if !standing.suspended => {
            return Err(StaffChangeRefused::Already("active"));
        }
        StaffChange::Suspend | StaffChange::Remove => false,
        StaffChange::Reinstate => true,
    };
    if counts_as_admin && !stays_admin && standing.active_admins <= 1 {
        return Err(StaffChangeRefused::LastAdmin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coordinator() -> Standing {
        Standing {
            role: Role::Coordinator,
            suspended: false,
            is_actor: false,
            active_admins: 1,
        }
    }

    #[test]
    fn an_admin_changes_another_member() {
        for change in [
            StaffChange::ChangeRole(Role::Admin),
            StaffChange::Suspend,
            StaffChange::Remove,
        ] {
            assert_eq!(check(coordinator(), change), Ok(()), "{change:?}");
        }
        let suspended = Standing {
            suspended: true,
            ..coordinator()
        };
        assert_eq!(check(suspended, StaffChange::Reinstate), Ok(()));
        assert_eq!(
            check(suspended, StaffChange::Suspend),
            Err(StaffChangeRefused::Already("suspended"))
        );
        assert_eq!(
            check(coordinator(), StaffChange::Reinstate),
            Err(StaffChangeRefused::Already("active"))
        );
        assert_eq!(
            check(coordinator(), StaffChange::ChangeRole(Role::Coordinator)),
            Err(StaffChangeRefused::SameRole)
        );
    }

    #[test]
    fn nobody_changes_their_own_access() {
        let me = Standing {
            role: Role::Admin,
            is_actor: true,
            active_admins: 3,
            ..coordinator()
        };
        for change in [
            StaffChange::ChangeRole(Role::Coordinator),
            StaffChange::Suspend,
            StaffChange::Remove,
        ] {
            assert_eq!(check(me, change), Err(StaffChangeRefused::OwnAccess));
        }
    }

    #[test]
    fn the_last_admin_who_can_act_stays() {
        let only = Standing {
            role: Role::Admin,
            ..coordinator()
        };
        for change in [
            StaffChange::ChangeRole(Role::Coordinator),
            StaffChange::Suspend,
            StaffChange::Remove,
        ] {
            assert_eq!(check(only, change), Err(StaffChangeRefused::LastAdmin));
            let one_of_two = Standing {
                active_admins: 2,
                ..only
            };
            assert_eq!(check(one_of_two, change), Ok(()));
        }
        // A suspended admin is not the one who keeps the organisation going.
        let suspended_admin = Standing {
            role: Role::Admin,
            suspended: true,
            active_admins: 1,
            ..coordinator()
        };
        assert_eq!(check(suspended_admin, StaffChange::Remove), Ok(()));
    }

    #[test]
    fn only_reinstating_keeps_sessions() {
        assert!(StaffChange::Suspend.ends_access());
        assert!(StaffChange::Remove.ends_access());
        assert!(StaffChange::ChangeRole(Role::Referrer).ends_access());
        assert!(!StaffChange::Reinstate.ends_access());
    }
}
