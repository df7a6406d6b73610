//! Proof that the access policy allowed an action. Every use case that acts
//! for somebody takes a `Permit` for its own action; [`authorise`] is the
//! only way to get one, so no face can call a use case without the check.

use std::marker::PhantomData;

use alongside_db::audit::{self, AuditEntry};
use alongside_db::sessions::SignedIn;
use alongside_domain::Actor;
use alongside_domain::access::{self, Action, Decision};
use alongside_domain::audit::AuditEvent;

use crate::{Context, Error};

/// An action a use case needs; implemented by the unit types in [`actions`].
pub trait Permission: Send + Sync + 'static {
    /// The policy action this stands for.
    const ACTION: Action;
}

/// One type per [`Action`], to name in a use case's and a handler's signature.
pub mod actions {
    use super::{Action, Permission};

    macro_rules! permission {
        ($($name:ident),+ $(,)?) => {$(
            #[doc = concat!("The `", stringify!($name), "` action.")]
            #[derive(Debug)]
            pub struct $name;
            impl Permission for $name {
                const ACTION: Action = Action::$name;
            }
        )+};
    }

    permission!(
        UseOwnAccount,
        ViewProgrammes,
        ManageProgrammes,
        ManageStaff,
        ViewAuditLog,
        ViewReferrals,
        TriageReferrals,
        RecordConsent,
        MergeRecords,
        EnterOutcomes,
        MakeReferrals,
        ManageSupporters,
        MatchPeople,
        ViewReports,
        LoadLicensedText,
        ReviewFeedback
    );
}

/// Proof that the policy allowed action `A` for this actor.
#[derive(Debug)]
pub struct Permit<A> {
    /// Who is acting.
    pub signed_in: SignedIn,
    /// The request's id, for the audit log.
    pub request_id: Option<String>,
    _action: PhantomData<A>,
}

impl<A> Permit<A> {
    /// The actor the policy judged.
    #[must_use]
    pub fn actor(&self) -> &Actor {
        &self.signed_in.actor
    }

    /// A permit for another action, if the policy allows it too: for a page
    /// that, say, triages a referral and then shows it again.
    #[must_use]
    pub fn also<B: Permission>(&self) -> Option<Permit<B>> {
        access::decide(&self.signed_in.actor, B::ACTION)
            .is_allowed()
            .then(|| Permit {
                signed_in: self.signed_in.clone(),
                request_id: self.request_id.clone(),
                _action: PhantomData,
            })
    }
}

impl Permit<actions::ManageProgrammes> {
    /// Whoever may manage programmes may read them: the policy lets every
    /// member read programmes (a test below holds it to that).
    #[must_use]
    pub fn to_view(&self) -> Permit<actions::ViewProgrammes> {
        Permit {
            signed_in: self.signed_in.clone(),
            request_id: self.request_id.clone(),
            _action: PhantomData,
        }
    }
}

/// Asks the policy whether `signed_in` may do `A`. A refusal is recorded in
/// the audit log (with `place`, the route or command that was refused) and
/// answered [`Error::Forbidden`].
///
/// # Errors
/// [`Error::Forbidden`] when the policy refuses; a database error when the
/// refusal cannot be recorded.
pub async fn authorise<A: Permission>(
    ctx: &Context,
    signed_in: SignedIn,
    request_id: Option<String>,
    place: &str,
) -> Result<Permit<A>, Error> {
    match access::decide(&signed_in.actor, A::ACTION) {
        Decision::Allow => Ok(Permit {
            signed_in,
            request_id,
            _action: PhantomData,
        }),
        Decision::Deny(reason) => {
            let entry = AuditEntry {
                organisation: Some(signed_in.actor.organisation_id),
                actor: Some(signed_in.actor.account_id),
                event: AuditEvent::Denied,
                entity: "route",
                entity_id: Some(place.to_owned()),
                detail: format!("{}: {reason}", A::ACTION.as_str()),
                request_id: request_id.as_deref(),
            };
            audit::record_now(ctx.db(), &entry, ctx.now()).await?;
            Err(Error::Forbidden)
        }
    }
}

#[cfg(test)]
mod tests {
    use alongside_domain::Role;
    use alongside_domain::access::{Action, role_may};

    #[test]
    fn managing_programmes_implies_reading_them() {
        for role in Role::ALL {
            assert!(
                !role_may(role, Action::ManageProgrammes) || role_may(role, Action::ViewProgrammes),
                "{role} may manage programmes but not read them"
            );
        }
    }
}
