//! Signing in and out, changing a password, and personal API tokens.

use std::net::IpAddr;
use std::time::Instant;

use alongside_db::api_tokens::ApiToken;
use alongside_db::audit::{self as audit_log, AuditEntry};
use alongside_db::sessions::{NewSession, OpenSession, SignedIn};
use alongside_db::{Tx, accounts, api_tokens, organisations, sessions};
use alongside_domain::account::{EmailAddress, Lockout, NewPassword};
use alongside_domain::audit::AuditEvent;
use alongside_domain::organisation::OrganisationName;
use alongside_domain::validation::text;
use alongside_domain::{AccountId, ApiTokenId, FieldErrors, OrganisationId, Role};

use super::{Audit, passwords};
use crate::Permit;
use crate::actions::UseOwnAccount;
use crate::tokens::{hash_token, new_token};
use crate::{Context, Error};

/// Why sign-in failed. Deliberately vague to the person: a wrong password,
/// an unknown address and a locked account all read the same.
#[derive(Debug)]
pub enum SignInFailure {
    /// Email or password left empty or malformed.
    Invalid(FieldErrors),
    /// Wrong email address or password (or a locked account).
    Refused,
    /// Too many attempts from this address this minute.
    RateLimited,
    /// Something else broke.
    Failed(Error),
}

impl From<Error> for SignInFailure {
    fn from(e: Error) -> Self {
        SignInFailure::Failed(e)
    }
}

impl From<alongside_db::DbError> for SignInFailure {
    fn from(e: alongside_db::DbError) -> Self {
        SignInFailure::Failed(e.into())
    }
}

/// Checks an email address and password; on success starts a session in the
/// account's first organisation and returns the session token for the cookie.
///
/// # Errors
/// A [`SignInFailure`].
pub async fn sign_in(
    ctx: &Context,
    email: &str,
    password: &str,
    client: IpAddr,
    device: &str,
    request_id: Option<&str>,
) -> Result<String, SignInFailure> {
    let mut errors = FieldErrors::new();
    let email = errors.check("email", EmailAddress::parse(email));
    if password.is_empty() {
        errors.add("password", "Enter your password");
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(SignInFailure::Invalid(errors));
    };
    if !ctx.sign_in_limiter().allow(client, Instant::now()) {
        return Err(SignInFailure::RateLimited);
    }

    let now = ctx.now();
    let account = accounts::find_by_email(ctx.db(), &email).await?;
    let matches = passwords::verify(
        password.to_owned(),
        account.as_ref().map(|a| a.password_hash.clone()),
    )
    .await?;
    let Some(account) = account else {
        record_failure(ctx, None, None, "unknown email address", request_id).await?;
        return Err(SignInFailure::Refused);
    };
    let memberships = organisations::memberships_of(ctx.db(), account.id).await?;
    let organisation = memberships.first().map(|(o, _)| o.id);
    if account.lockout.is_locked(now) {
        record_failure(
            ctx,
            organisation,
            Some(account.id),
            "account locked",
            request_id,
        )
        .await?;
        return Err(SignInFailure::Refused);
    }
    let mut tx = ctx.db().begin().await?;
    if !matches {
        let lockout = account.lockout.after_failure(now);
        accounts::set_lockout(&mut tx, account.id, lockout).await?;
        tx.commit().await?;
        let detail = if lockout.is_locked(now) {
            "wrong password; account locked"
        } else {
            "wrong password"
        };
        record_failure(ctx, organisation, Some(account.id), detail, request_id).await?;
        return Err(SignInFailure::Refused);
    }
    let Some(organisation) = organisation else {
        tx.rollback().await?;
        record_failure(
            ctx,
            None,
            Some(account.id),
            "no organisation membership",
            request_id,
        )
        .await?;
        return Err(SignInFailure::Refused);
    };
    accounts::set_lockout(&mut tx, account.id, Lockout::after_success()).await?;
    let token = start_session(ctx, &mut tx, account.id, organisation, device).await?;
    let entry = AuditEntry {
        organisation: Some(organisation),
        actor: Some(account.id),
        event: AuditEvent::SignIn,
        entity: "account",
        entity_id: Some(account.id.to_string()),
        detail: "signed in".into(),
        request_id,
    };
    audit_log::record(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(token)
}

async fn record_failure(
    ctx: &Context,
    organisation: Option<OrganisationId>,
    account: Option<AccountId>,
    detail: &str,
    request_id: Option<&str>,
) -> Result<(), Error> {
    let entry = AuditEntry {
        organisation,
        actor: None,
        event: AuditEvent::SignInFailed,
        entity: "account",
        entity_id: account.map(|a| a.to_string()),
        detail: detail.into(),
        request_id,
    };
    audit_log::record_now(ctx.db(), &entry, ctx.now()).await?;
    Ok(())
}

/// Starts a session inside `tx` and returns its token. `device` is the
/// browser's own description of itself (its user agent), kept short.
pub(crate) async fn start_session(
    ctx: &Context,
    tx: &mut Tx,
    account: AccountId,
    organisation: OrganisationId,
    device: &str,
) -> Result<String, Error> {
    let token = new_token("");
    let now = ctx.now();
    let lifetime = duration(ctx.settings().session_lifetime)?;
    let device: String = device
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let new = NewSession {
        token_hash: &hash_token(&token),
        account,
        organisation,
        device: &device,
        expires_at: now + lifetime,
    };
    sessions::create(tx, &new, now).await?;
    Ok(token)
}

fn duration(d: std::time::Duration) -> Result<chrono::Duration, Error> {
    chrono::Duration::from_std(d).map_err(|e| Error::Internal(Box::new(e)))
}

/// Ends the session whose token hashes to `token_hash`.
///
/// # Errors
/// When the database fails.
pub async fn sign_out(
    ctx: &Context,
    signed_in: &SignedIn,
    token_hash: &str,
    request_id: Option<&str>,
) -> Result<(), Error> {
    let actor = &signed_in.actor;
    let mut tx = ctx.db().begin().await?;
    sessions::delete(&mut tx, token_hash).await?;
    let entry = AuditEntry {
        organisation: Some(actor.organisation_id),
        actor: Some(actor.account_id),
        event: AuditEvent::SignOut,
        entity: "account",
        entity_id: Some(actor.account_id.to_string()),
        detail: "signed out".into(),
        request_id,
    };
    audit_log::record(&mut tx, &entry, ctx.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the signed-in person's password and ends their other sessions
/// (all but the one whose token hashes to `session_token_hash`).
///
/// # Errors
/// [`Error::Invalid`] naming the field: wrong current password, weak new
/// password, or confirmation that does not match.
pub async fn change_password(
    ctx: &Context,
    permit: &Permit<UseOwnAccount>,
    session_token_hash: &str,
    current: &str,
    new: &str,
    confirm: &str,
) -> Result<(), Error> {
    let account = accounts::find(ctx.db(), permit.actor().account_id).await?;
    let mut errors = FieldErrors::new();
    if current.is_empty() {
        errors.add("current_password", "Enter your current password");
    } else if !passwords::verify(current.to_owned(), Some(account.password_hash)).await? {
        errors.add("current_password", "Your current password is wrong");
    }
    let new = passwords::chosen(new, confirm, errors)?;
    let hash = passwords::hash(new.expose().to_owned()).await?;
    let mut tx = ctx.db().begin().await?;
    accounts::set_password(&mut tx, account.id, &hash, ctx.now()).await?;
    let ended = sessions::delete_others(&mut tx, account.id, session_token_hash).await?;
    Audit::updated(
        "account",
        account.id,
        format!("password changed; {ended} other sessions ended"),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(())
}

/// Creates a personal API token and returns it: the only time it is shown.
///
/// # Errors
/// [`Error::Invalid`] for a missing or overlong name.
pub async fn create_api_token(
    ctx: &Context,
    permit: &Permit<UseOwnAccount>,
    name: &str,
) -> Result<String, Error> {
    let name = text(name, "a token name", 1, 100).map_err(|m| FieldErrors::one("name", m))?;
    let token = new_token("alg_");
    let actor = permit.actor();
    let mut tx = ctx.db().begin().await?;
    let id = api_tokens::create(
        &mut tx,
        actor.account_id,
        actor.organisation_id,
        &name,
        &hash_token(&token),
        ctx.now(),
    )
    .await?;
    Audit::created("api_token", id, "created")
        .commit(ctx, tx, permit)
        .await?;
    Ok(token)
}

/// The signed-in person's live API tokens, newest first.
///
/// # Errors
/// When the database fails.
pub async fn api_tokens(
    ctx: &Context,
    permit: &Permit<UseOwnAccount>,
) -> Result<Vec<ApiToken>, Error> {
    let actor = permit.actor();
    Ok(api_tokens::list(ctx.db(), actor.account_id, actor.organisation_id).await?)
}

/// Who is signed in with the session `token` from a browser's cookie, while
/// the session lives.
///
/// # Errors
/// When the database fails.
pub async fn session(ctx: &Context, token: &str) -> Result<Option<SignedIn>, Error> {
    let now = ctx.now();
    let token_hash = hash_token(token);
    let idle_since = now - duration(ctx.settings().session_idle)?;
    let found = sessions::find(ctx.db(), &token_hash, now, idle_since).await?;
    if found.is_some() {
        // Noted at most once a minute, so a busy page does not write on
        // every request.
        sessions::touch(
            ctx.db(),
            &token_hash,
            now,
            now - chrono::Duration::minutes(1),
        )
        .await?;
    }
    Ok(found)
}

/// The signed-in person's live sessions in this organisation, last used
/// first, each with whether it is the one whose token hashes to
/// `current_token_hash`.
///
/// # Errors
/// When the database fails.
pub async fn open_sessions(
    ctx: &Context,
    permit: &Permit<UseOwnAccount>,
    current_token_hash: &str,
) -> Result<Vec<(OpenSession, bool)>, Error> {
    let now = ctx.now();
    let idle_since = now - duration(ctx.settings().session_idle)?;
    let actor = permit.actor();
    let open = sessions::open_of(
        ctx.db(),
        actor.account_id,
        actor.organisation_id,
        now,
        idle_since,
    )
    .await?;
    Ok(open
        .into_iter()
        .map(|s| {
            let current = s.token_hash == current_token_hash;
            (s, current)
        })
        .collect())
}

/// Ends every session of the signed-in person but the one in use.
///
/// # Errors
/// When the database fails.
pub async fn sign_out_elsewhere(
    ctx: &Context,
    permit: &Permit<UseOwnAccount>,
    current_token_hash: &str,
) -> Result<u64, Error> {
    let account = permit.actor().account_id;
    let mut tx = ctx.db().begin().await?;
    let ended = sessions::delete_others(&mut tx, account, current_token_hash).await?;
    Audit::updated(
        "account",
        account,
        format!("signed out of {ended} other sessions"),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(ended)
}

/// Who a live API `token` belongs to (its use is noted on the token).
///
/// # Errors
/// When the database fails.
pub async fn api_client(ctx: &Context, token: &str) -> Result<Option<SignedIn>, Error> {
    Ok(api_tokens::authenticate(ctx.db(), &hash_token(token), ctx.now()).await?)
}

/// Revokes one of the signed-in person's tokens.
///
/// # Errors
/// [`Error::NotFound`] for someone else's token or one already revoked.
pub async fn revoke_api_token(
    ctx: &Context,
    permit: &Permit<UseOwnAccount>,
    id: ApiTokenId,
) -> Result<(), Error> {
    let mut tx = ctx.db().begin().await?;
    api_tokens::revoke(&mut tx, permit.actor().account_id, id, ctx.now()).await?;
    Audit::removed("api_token", id, "revoked")
        .commit(ctx, tx, permit)
        .await?;
    Ok(())
}

/// What [`create_organisation_with_admin`] made.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    /// The organisation's name as stored.
    pub name: String,
    /// The admin's account.
    pub admin: AccountId,
}

/// Creates an organisation and its first admin, from the command line of
/// whoever runs the service (no permit: nobody is signed in yet).
///
/// # Errors
/// [`Error::Conflict`] when the email address has an account already or the
/// organisation's web address is taken.
pub async fn create_organisation_with_admin(
    ctx: &Context,
    organisation: &OrganisationName,
    email: &EmailAddress,
    name: &str,
    password: &NewPassword,
) -> Result<NewOrganisation, Error> {
    if accounts::find_by_email(ctx.db(), email).await?.is_some() {
        return Err(Error::Conflict(format!(
            "an account with the email address {email} already exists"
        )));
    }
    let hash = passwords::hash(password.expose().to_owned()).await?;
    let now = ctx.now();
    let mut tx = ctx.db().begin().await?;
    let org =
        organisations::create(&mut tx, organisation.as_str(), &organisation.slug(), now).await?;
    let account = accounts::create(&mut tx, email, name, &hash, now).await?;
    organisations::add_member(&mut tx, org.id, account, Role::Admin, now).await?;
    let entry = AuditEntry {
        organisation: Some(org.id),
        actor: None,
        event: AuditEvent::Create,
        entity: "account",
        entity_id: Some(account.to_string()),
        detail: "admin created from the command line".into(),
        request_id: None,
    };
    audit_log::record(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(NewOrganisation {
        name: org.name,
        admin: account,
    })
}

/// Removes sessions that have expired; returns how many. Several processes
/// may sweep at once: deleting what is already gone is harmless.
///
/// # Errors
/// When the database fails.
pub async fn remove_expired_sessions(ctx: &Context) -> Result<u64, Error> {
    Ok(sessions::delete_expired(ctx.db(), ctx.now()).await?)
}
