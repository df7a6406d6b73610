//! Choosing a new password through a link sent by email: asked for by
//! address, with the same answer whether or not an account uses it; the
//! link is single-use, lasts an hour and is stored only as a hash; using it
//! ends every session of the account.

use std::net::IpAddr;
use std::time::Instant;

use alongside_db::audit::{self as audit_log, AuditEntry};
use alongside_db::{accounts, outbox, password_resets, sessions};
use alongside_domain::FieldErrors;
use alongside_domain::account::EmailAddress;
use alongside_domain::audit::AuditEvent;
use chrono::Duration;

use crate::passwords;
use crate::tokens::{hash_token, new_token};
use crate::{Context, Error};

/// How long an emailed link works.
pub const LINK_MINUTES: i64 = 60;

/// Sends a link to choose a new password to `email`, when an account uses
/// that address. The answer is the same either way, so nobody learns from
/// it whether someone has an account.
///
/// # Errors
/// [`Error::Invalid`] for an address that is not one;
/// [`Error::TooManyRequests`] past the per-address limit of sign-in
/// attempts (which it shares).
pub async fn request(
    ctx: &Context,
    email: &str,
    client: IpAddr,
    request_id: Option<&str>,
) -> Result<(), Error> {
    let email = EmailAddress::parse(email).map_err(|e| FieldErrors::one("email", e.to_string()))?;
    if !ctx.sign_in_limiter().allow(client, Instant::now()) {
        return Err(Error::TooManyRequests);
    }
    let Some(account) = accounts::find_by_email(ctx.db(), &email).await? else {
        return Ok(());
    };
    let now = ctx.now();
    let token = new_token("pwr_");
    let link = format!("{}/password-reset/{token}", ctx.settings().base_url());
    let mut tx = ctx.db().begin().await?;
    password_resets::create(
        &mut tx,
        account.id,
        &hash_token(&token),
        now,
        now + Duration::minutes(LINK_MINUTES),
    )
    .await?;
    let body = format!(
        "Hello {name},\n\nSomeone asked to choose a new password for your Alongside account. \
         If it was you, open this link within {LINK_MINUTES} minutes:\n{link}\n\n\
         The link works once. If you did not ask, you can ignore this email: your password stays as it is.\n",
        name = account.display_name,
    );
    let message = outbox::Email {
        organisation: None,
        to: email.as_str(),
        subject: "Choose a new password for Alongside",
        body: &body,
    };
    outbox::enqueue(&mut tx, ctx.data_key(), &message, now).await?;
    let entry = AuditEntry {
        organisation: None,
        actor: None,
        event: AuditEvent::Create,
        entity: "password_reset",
        entity_id: Some(account.id.to_string()),
        detail: "link to choose a new password emailed".into(),
        request_id,
    };
    audit_log::record(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the link of `token` can still be used.
///
/// # Errors
/// When the database fails.
pub async fn is_open(ctx: &Context, token: &str) -> Result<bool, Error> {
    Ok(
        password_resets::find_open(ctx.db(), &hash_token(token), ctx.now())
            .await?
            .is_some(),
    )
}

/// Sets a new password through the link of `token`, once, and ends every
/// session of the account; a paused sign-in is cleared.
///
/// # Errors
/// [`Error::Invalid`] for a weak password or a confirmation that does not
/// match; [`Error::NotFound`] for a link used already, expired or unknown.
pub async fn reset(
    ctx: &Context,
    token: &str,
    new: &str,
    confirm: &str,
    request_id: Option<&str>,
) -> Result<(), Error> {
    let new = passwords::chosen(new, confirm, FieldErrors::new())?;
    let hash = passwords::hash(new.expose().to_owned()).await?;
    let now = ctx.now();
    let mut tx = ctx.db().begin().await?;
    let Some(account) = password_resets::take(&mut tx, &hash_token(token), now).await? else {
        return Err(Error::NotFound);
    };
    accounts::set_password(&mut tx, account, &hash, now).await?;
    let ended = sessions::delete_all(&mut tx, account).await?;
    let entry = AuditEntry {
        organisation: None,
        actor: Some(account),
        event: AuditEvent::Update,
        entity: "account",
        entity_id: Some(account.to_string()),
        detail: format!("password chosen through an emailed link; {ended} sessions ended"),
        request_id,
    };
    audit_log::record(&mut tx, &entry, now).await?;
    tx.commit().await?;
    Ok(())
}
