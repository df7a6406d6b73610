//! Inviting staff and accepting invitations.

use alongside_db::audit::{self as audit_log, AuditEntry};
use alongside_db::invitations::{self, Invitation, NewInvitation};
use alongside_db::{DbError, accounts, memberships, organisations, outbox};
use alongside_domain::account::{EmailAddress, NewPassword};
use alongside_domain::audit::AuditEvent;
use alongside_domain::membership::{self, StaffChange, Standing};
use alongside_domain::validation::text;
use alongside_domain::{AccountId, FieldErrors, InvitationId, Role};
use chrono::{DateTime, Utc};

use super::{Audit, passwords};
use crate::Permit;
use crate::actions::ManageStaff;
use crate::tokens::{hash_token, new_token};
use crate::{Context, Error};

/// The organisation's members and open invitations; the view is audited,
/// as the list holds staff's personal details.
///
/// # Errors
/// When the database fails.
pub async fn members(
    ctx: &Context,
    permit: &Permit<ManageStaff>,
) -> Result<(Vec<organisations::Member>, Vec<Invitation>), Error> {
    let organisation = permit.actor().organisation_id;
    let members = organisations::members(ctx.db(), organisation).await?;
    let invitations = invitations::pending(ctx.db(), organisation).await?;
    super::audit_view(
        ctx,
        permit,
        "staff_list",
        organisation,
        format!("{} members listed", members.len()),
    )
    .await?;
    Ok((members, invitations))
}

/// One member of staff, as their page shows them; the view is audited.
///
/// # Errors
/// [`Error::NotFound`] for someone not on the organisation's staff.
pub async fn member(
    ctx: &Context,
    permit: &Permit<ManageStaff>,
    account: AccountId,
) -> Result<organisations::Member, Error> {
    let organisation = permit.actor().organisation_id;
    let found = organisations::members(ctx.db(), organisation)
        .await?
        .into_iter()
        .find(|m| m.account_id == account)
        .ok_or(Error::NotFound)?;
    super::audit_view(ctx, permit, "membership", account, "member read").await?;
    Ok(found)
}

/// Changes another member of staff: a new role, suspended, reinstated or
/// removed. Unless reinstating, their open sessions end and their API
/// tokens are revoked in the same transaction, so they lose access on
/// their next request. Changes to one organisation's staff are made one at
/// a time, so two admins demoting each other leave one admin.
///
/// # Errors
/// [`Error::Invalid`] for a change the rules of staff refuse (their own
/// access, the last admin, no change); [`Error::Forbidden`] when the admin
/// asking is no longer one; [`Error::NotFound`] for someone not on the
/// staff.
pub async fn change(
    ctx: &Context,
    permit: &Permit<ManageStaff>,
    account: AccountId,
    change: StaffChange,
) -> Result<(), Error> {
    let organisation = permit.actor().organisation_id;
    let now = ctx.now();
    let mut tx = ctx.db().begin().await?;
    memberships::lock_staff(&mut tx, organisation).await?;
    // The permit was given a moment ago; another admin may have changed
    // this one's access since.
    let asking = memberships::find_in(&mut tx, organisation, permit.actor().account_id).await;
    if !matches!(asking, Ok(m) if m.role == Role::Admin && !m.suspended) {
        return Err(Error::Forbidden);
    }
    let membership = memberships::find_in(&mut tx, organisation, account).await?;
    let standing = Standing {
        role: membership.role,
        suspended: membership.suspended,
        is_actor: account == permit.actor().account_id,
        active_admins: memberships::active_admins(&mut tx, organisation).await?,
    };
    membership::check(standing, change)
        .map_err(|refused| FieldErrors::one("change", refused.to_string()))?;
    match change {
        StaffChange::ChangeRole(role) => {
            memberships::set_role(&mut tx, organisation, account, role).await?;
        }
        StaffChange::Suspend => {
            memberships::set_suspended(&mut tx, organisation, account, Some(now)).await?;
        }
        StaffChange::Reinstate => {
            memberships::set_suspended(&mut tx, organisation, account, None).await?;
        }
        StaffChange::Remove => memberships::remove(&mut tx, organisation, account).await?,
    }
    let detail = if change.ends_access() {
        let (sessions, tokens) =
            memberships::end_access(&mut tx, organisation, account, now).await?;
        format!(
            "{}; {sessions} sessions ended, {tokens} API tokens revoked",
            change.describe()
        )
    } else {
        change.describe()
    };
    Audit::updated("membership", account, detail)
        .commit(ctx, tx, permit)
        .await
}

/// Withdraws an invitation that has not been used: its link stops working.
///
/// # Errors
/// [`Error::NotFound`] for an invitation used already, or another
/// organisation's.
pub async fn cancel_invitation(
    ctx: &Context,
    permit: &Permit<ManageStaff>,
    id: InvitationId,
) -> Result<(), Error> {
    let mut tx = ctx.db().begin().await?;
    invitations::cancel(&mut tx, permit.actor().organisation_id, id).await?;
    Audit::removed("invitation", id, "cancelled")
        .commit(ctx, tx, permit)
        .await
}

/// A new invitation: the link to send, and when it stops working.
#[derive(Debug)]
pub struct Invited {
    /// The full link, with its secret token.
    pub link: String,
    /// Its expiry.
    pub expires_at: DateTime<Utc>,
    /// The normalised address.
    pub email: String,
}

/// Invites someone to the organisation with a role.
///
/// # Errors
/// [`Error::Invalid`] for a bad email address or role.
pub async fn invite(
    ctx: &Context,
    permit: &Permit<ManageStaff>,
    email: &str,
    role: &str,
) -> Result<Invited, Error> {
    let mut errors = FieldErrors::new();
    let email = errors.check("email", EmailAddress::parse(email));
    let role = errors.check("role", role.parse::<Role>());
    let (Some(email), Some(role)) = (email, role) else {
        return Err(Error::Invalid(errors));
    };
    let token = new_token("inv_");
    let now = ctx.now();
    let base = ctx.settings().public_url.trim_end_matches('/');
    let link = format!("{base}/invitations/{token}");
    let expires_at = now
        + chrono::Duration::from_std(ctx.settings().invitation_lifetime)
            .map_err(|e| Error::Internal(Box::new(e)))?;
    let mut tx = ctx.db().begin().await?;
    let id = invitations::create(
        &mut tx,
        NewInvitation {
            organisation: permit.actor().organisation_id,
            email: email.as_str(),
            role,
            token_hash: &hash_token(&token),
            invited_by: permit.actor().account_id,
            expires_at,
        },
        now,
    )
    .await?;
    Audit::created("invitation", id, format!("invited as {role}"))
        .record(ctx, &mut tx, permit)
        .await?;
    let organisation = &permit.signed_in.organisation_name;
    let body = format!(
        "Hello,\n\n{inviter} has invited you to join {organisation} on Alongside as {role}.\n\n\
         To accept, open this link and choose a password:\n{link}\n\n\
         The link works once, until {expires}. If you were not expecting this, you can ignore it.\n",
        inviter = permit.signed_in.display_name,
        role = role.label().to_lowercase(),
        expires = expires_at.format("%-d %B %Y, %H:%M UTC"),
    );
    let email_message = outbox::Email {
        organisation: Some(permit.actor().organisation_id),
        to: email.as_str(),
        subject: &format!("You are invited to join {organisation} on Alongside"),
        body: &body,
    };
    outbox::enqueue(&mut tx, ctx.data_key(), &email_message, now).await?;
    tx.commit().await?;
    Ok(Invited {
        link,
        expires_at,
        email: email.as_str().to_owned(),
    })
}

/// The open invitation a link's token belongs to.
///
/// # Errors
/// [`Error::NotFound`] for an unknown token; [`Error::Conflict`] for one used or expired.
pub async fn find_open(ctx: &Context, token: &str) -> Result<Invitation, Error> {
    let invitation = invitations::find_by_token(ctx.db(), &hash_token(token))
        .await?
        .ok_or(Error::NotFound)?;
    if invitation.is_open(ctx.now()) {
        Ok(invitation)
    } else {
        Err(Error::Conflict(
            "This invitation link has been used or has expired. Ask your admin for a new one."
                .into(),
        ))
    }
}

/// What the invited person gave. Its `Debug` hides the passwords.
#[derive(Default)]
pub struct Acceptance {
    /// Their name (new accounts only).
    pub display_name: String,
    /// A new password, or the existing account's password.
    pub password: String,
    /// The new password again (new accounts only).
    pub confirm_password: String,
}

impl std::fmt::Debug for Acceptance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Acceptance")
            .field("display_name", &self.display_name)
            .field("password", &"[hidden]")
            .field("confirm_password", &"[hidden]")
            .finish()
    }
}

/// Whether an account with the invitation's address exists already.
///
/// # Errors
/// When the database fails.
pub async fn has_account(ctx: &Context, invitation: &Invitation) -> Result<bool, Error> {
    let email = EmailAddress::parse(&invitation.email).map_err(|e| Error::Internal(Box::new(e)))?;
    Ok(accounts::find_by_email(ctx.db(), &email).await?.is_some())
}

/// Accepts an invitation: makes the account (or checks the existing one's
/// password), adds the membership and starts a session. Returns its token.
///
/// # Errors
/// [`Error::Invalid`] for the form's problems; [`Error::Conflict`] if the
/// link was used meanwhile. Nothing is saved then.
pub async fn accept(
    ctx: &Context,
    token: &str,
    form: &Acceptance,
    device: &str,
    request_id: Option<&str>,
) -> Result<String, Error> {
    let invitation = find_open(ctx, token).await?;
    let email = EmailAddress::parse(&invitation.email).map_err(|e| Error::Internal(Box::new(e)))?;
    let existing = accounts::find_by_email(ctx.db(), &email).await?;
    let now = ctx.now();
    let mut tx = ctx.db().begin().await?;
    let account_id = if let Some(account) = existing {
        if !passwords::verify(form.password.clone(), Some(account.password_hash)).await? {
            return Err(FieldErrors::one(
                "password",
                "The password is wrong for the account with this email address",
            )
            .into());
        }
        account.id
    } else {
        let mut errors = FieldErrors::new();
        let name = errors.check(
            "display_name",
            text(&form.display_name, "your name", 1, 100),
        );
        let password = errors.check("password", NewPassword::parse(&form.password));
        if password.is_some() && form.confirm_password != form.password {
            errors.add("confirm_password", "The passwords do not match");
        }
        let (Some(name), Some(password)) = (name, password) else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let hash = passwords::hash(password.expose().to_owned()).await?;
        accounts::create(&mut tx, &email, &name, &hash, now).await?
    };
    invitations::accept(&mut tx, invitation.id, now)
        .await
        .map_err(|e| match e {
            DbError::Conflict(_) => Error::Conflict(
                "This invitation link has been used or has expired. Ask your admin for a new one."
                    .into(),
            ),
            other => other.into(),
        })?;
    organisations::add_member(
        &mut tx,
        invitation.organisation_id,
        account_id,
        invitation.role,
        now,
    )
    .await?;
    let session = super::accounts::start_session(
        ctx,
        &mut tx,
        account_id,
        invitation.organisation_id,
        device,
    )
    .await?;
    let entry = AuditEntry {
        organisation: Some(invitation.organisation_id),
        actor: Some(account_id),
        event: AuditEvent::Create,
        entity: "membership",
        entity_id: Some(account_id.to_string()),
        detail: format!(
            "accepted invitation {} as {}",
            invitation.id, invitation.role
        ),
        request_id,
    };
    audit_log::record(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::Acceptance;

    #[test]
    fn an_acceptance_never_prints_its_passwords() {
        let typed = Acceptance {
            display_name: "Sam".into(),
            password: "correct horse battery".into(),
            confirm_password: "correct horse battery".into(),
        };
        let shown = format!("{typed:?}");
        assert!(shown.contains("Sam"));
        assert!(!shown.contains("horse"), "{shown}");
    }
}
