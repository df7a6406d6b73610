//! Who is asking, and whether they may: sessions, API tokens, CSRF tokens,
//! the sign-in rate limit, and the extractors that apply the access policy.

mod extract;
pub(crate) mod secrets;

pub use alongside_services::limiter::AttemptLimiter;
pub use alongside_services::tokens::{hash_token, new_token};
pub use alongside_services::{Permission, Permit, actions};
pub use extract::{ApiAuthorised, Authorised, CsrfForm, Session};
pub use secrets::csrf_token;

/// The cookies Alongside sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cookie {
    /// The signed-in session.
    Session,
    /// Ties a signed-out visitor's forms to their browser.
    Visitor,
}

impl Cookie {
    /// Its name. Served over https it carries the `__Host-` prefix: a
    /// browser then keeps it only if it is Secure, for this host alone and
    /// the whole site, so no other subdomain can set or replace it. Over
    /// plain http (a laptop trial) a browser would refuse that prefix.
    #[must_use]
    pub const fn name(self, secure: bool) -> &'static str {
        match (self, secure) {
            (Cookie::Session, true) => "__Host-alongside_session",
            (Cookie::Session, false) => "alongside_session",
            (Cookie::Visitor, true) => "__Host-alongside_visitor",
            (Cookie::Visitor, false) => "alongside_visitor",
        }
    }
}

/// The value of cookie `name` in a request's `Cookie` headers.
#[must_use]
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value for an HttpOnly, SameSite=Lax cookie that lasts
/// `max_age_secs`, or, with none, until the browser closes.
#[must_use]
pub fn set_cookie(name: &str, value: &str, max_age_secs: Option<u64>, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let max_age = max_age_secs
        .map(|s| format!("; Max-Age={s}"))
        .unwrap_or_default();
    format!("{name}={value}; Path=/{max_age}; HttpOnly; SameSite=Lax{secure}")
}

/// The browser's description of itself (its user agent), to name a
/// session in its owner's list.
#[must_use]
pub fn device(headers: &axum::http::HeaderMap) -> &str {
    headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}
