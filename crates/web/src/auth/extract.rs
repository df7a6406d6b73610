//! Extractors that turn a request into a checked actor. A handler that takes
//! `Authorised<actions::ManageProgrammes>` runs only when the access policy
//! allowed that action: the extractor asks `alongside_services::authorise`,
//! the only maker of a [`Permit`].

use alongside_db::sessions::SignedIn;
use alongside_services::{self as services, Permission, Permit};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use super::{Cookie, cookie, csrf_token, hash_token};
use crate::{AppState, Error};

/// A signed-in browser session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who is signed in.
    pub signed_in: SignedIn,
    /// The stored hash of the session token.
    pub token_hash: String,
    /// The CSRF token this session's forms carry.
    pub csrf: String,
}

impl Session {
    /// The session of a request, if it has a live one.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn from_headers(
        state: &AppState,
        headers: &HeaderMap,
    ) -> Result<Option<Session>, Error> {
        let Some(token) = cookie(headers, state.settings().cookie(Cookie::Session)) else {
            return Ok(None);
        };
        let token_hash = hash_token(token);
        let found = crate::services::accounts::session(state.services(), token).await?;
        Ok(found.map(|signed_in| Session {
            signed_in,
            token_hash,
            csrf: csrf_token(state.csrf_key(), &format!("s:{token}")),
        }))
    }
}

fn request_id(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Asks the policy (through the services, which record refusals).
async fn check<A: Permission>(
    state: &AppState,
    signed_in: SignedIn,
    request_id: Option<String>,
    path: &str,
) -> Result<Permit<A>, Error> {
    Ok(services::authorise::<A>(state.services(), signed_in, request_id, path).await?)
}

/// A page request by a signed-in person whom the policy allows action `A`.
/// Signed out: a redirect to the sign-in page. Refused: a 403 page.
#[derive(Debug)]
pub struct Authorised<A> {
    /// The policy's proof.
    pub permit: Permit<A>,
    /// The browser session.
    pub session: Session,
}

impl<A: Permission> FromRequestParts<AppState> for Authorised<A> {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = Session::from_headers(state, &parts.headers)
            .await
            .map_err(|e| crate::html::error_page(&e, None).into_response())?;
        let Some(session) = session else {
            let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let next: String = url_encode(path);
            return Err(Redirect::to(&format!("/sign-in?next={next}")).into_response());
        };
        let path = parts.uri.path().to_owned();
        match check::<A>(state, session.signed_in.clone(), request_id(parts), &path).await {
            Ok(permit) => Ok(Self { permit, session }),
            Err(e) => Err(crate::html::error_page(&e, Some(&session)).into_response()),
        }
    }
}

/// An API request with a valid bearer token whose owner the policy allows
/// action `A`. Otherwise a 401 or 403 problem.
#[derive(Debug)]
pub struct ApiAuthorised<A> {
    /// The policy's proof.
    pub permit: Permit<A>,
}

impl<A: Permission> FromRequestParts<AppState> for ApiAuthorised<A> {
    type Rejection = crate::api::Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(Error::Unauthenticated)?;
        let signed_in = crate::services::accounts::api_client(state.services(), token)
            .await
            .map_err(Error::from)?
            .ok_or(Error::Unauthenticated)?;
        let path = parts.uri.path().to_owned();
        Ok(Self {
            permit: check::<A>(state, signed_in, request_id(parts), &path).await?,
        })
    }
}

/// A form body whose CSRF token matches the browser's session or visitor
/// cookie. Anything else is refused before the handler runs.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = request.headers().clone();
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let bad = |message: &str| {
            crate::html::error_page(Error::BadRequest(message.to_owned()), None).into_response()
        };
        if !is_form {
            return Err(bad("The form was not sent as a web form."));
        }
        let body = match axum::body::Bytes::from_request(request, state).await {
            Ok(body) => body,
            Err(rejection) => return Err(bad(&rejection.body_text())),
        };
        let sent = form_urlencoded_value(&body, "csrf").unwrap_or_default();
        let expected = [
            cookie(&headers, state.settings().cookie(Cookie::Session))
                .map(|t| csrf_token(state.csrf_key(), &format!("s:{t}"))),
            cookie(&headers, state.settings().cookie(Cookie::Visitor))
                .map(|t| csrf_token(state.csrf_key(), &format!("v:{t}"))),
        ];
        let matches = expected
            .iter()
            .flatten()
            .any(|e| bool::from(e.as_bytes().ct_eq(sent.as_bytes())));
        if !matches {
            return Err(bad(
                "This form has expired. Go back, reload the page and try again.",
            ));
        }
        // serde_html_form reads repeated names (ticked checkboxes) as lists.
        serde_html_form::from_bytes(&body)
            .map(CsrfForm)
            .map_err(|_| bad("The form could not be read. Go back and try again."))
    }
}

fn form_urlencoded_value(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Percent-encodes a path for use as a query value.
#[must_use]
pub fn url_encode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}
