//! Pages seen signed out: home, sign in, sign out, problem type docs.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, render, request_id, visitor_form};
use crate::api::ProblemKind;
use crate::auth::{Cookie, CsrfForm, Session, device, set_cookie};
use crate::services::accounts::{self, SignInFailure};
use crate::{AppState, Error};

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    layout: Layout,
}

/// The public home page: the same for everyone, so rendered once.
pub async fn home() -> Response {
    static PAGE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let page = PAGE.get_or_init(|| {
        Home {
            layout: Layout::visitor(
                "Peer support for people with long-term conditions",
                String::new(),
            ),
        }
        .render()
        .unwrap_or_else(|e| format!("<!DOCTYPE html><title>Alongside</title><p>{e}</p>"))
    });
    axum::response::Html(page.as_str()).into_response()
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignIn {
    layout: Layout,
    errors: alongside_domain::FieldErrors,
    email: String,
    next: String,
    signed_out: bool,
    reset: bool,
    idle_minutes: u64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInQuery {
    next: String,
    signed_out: Option<String>,
    reset: Option<String>,
}

/// Where to go after signing in: only a path on this site. A second slash
/// or backslash would name another host, and browsers drop tabs and line
/// breaks from a URL before reading it (`/\t/evil.example` is
/// `//evil.example`), so nothing but visible ASCII is taken.
fn safe_next(next: &str) -> &str {
    let on_this_site = next.starts_with('/')
        && !next[1..].starts_with(['/', '\\'])
        && next.chars().all(|c| c.is_ascii_graphic());
    if on_this_site { next } else { "/dashboard" }
}

/// The sign-in form.
pub async fn sign_in_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<SignInQuery>,
) -> Response {
    visitor_form(&state, &headers, |csrf| {
        let page = SignIn {
            layout: Layout::visitor("Sign in", csrf),
            errors: alongside_domain::FieldErrors::new(),
            email: String::new(),
            next: query.next,
            signed_out: query.signed_out.is_some(),
            reset: query.reset.is_some(),
            idle_minutes: state.settings().session_idle.as_secs() / 60,
        };
        render(StatusCode::OK, &page)
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    password: String,
    next: String,
    keep_signed_in: String,
}

/// Checks the email and password and starts a session.
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Response {
    let outcome = accounts::sign_in(
        state.services(),
        &form.email,
        &form.password,
        client.ip(),
        device(&headers),
        request_id(&headers).as_deref(),
    )
    .await;
    let (status, errors) = match outcome {
        Ok(token) => {
            // Unless they asked to stay signed in, the cookie goes when the
            // browser closes (the session ends on the server regardless).
            let keep =
                (form.keep_signed_in == "yes").then(|| state.settings().session_lifetime.as_secs());
            let cookie = set_cookie(
                state.settings().cookie(Cookie::Session),
                &token,
                keep,
                state.settings().secure_cookies(),
            );
            let mut response = Redirect::to(safe_next(&form.next)).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                cookie.parse().expect("cookie header value"),
            );
            return response;
        }
        Err(SignInFailure::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(SignInFailure::Refused) => (
            StatusCode::UNAUTHORIZED,
            alongside_domain::FieldErrors::one("email", "Wrong email address or password"),
        ),
        Err(SignInFailure::RateLimited) => (
            StatusCode::TOO_MANY_REQUESTS,
            alongside_domain::FieldErrors::one(
                "email",
                "Too many sign-in attempts from your network. Wait a minute, then try again",
            ),
        ),
        Err(SignInFailure::Failed(e)) => return super::error_page(&e, None),
    };
    visitor_form(&state, &headers, |csrf| {
        let page = SignIn {
            layout: Layout::visitor("Sign in", csrf).with_errors(true),
            errors,
            email: form.email,
            next: form.next,
            signed_out: false,
            reset: false,
            idle_minutes: state.settings().session_idle.as_secs() / 60,
        };
        render(status, &page)
    })
}

#[derive(Deserialize)]
pub struct Empty {}

/// Ends the session and clears the cookie.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm(_): CsrfForm<Empty>,
) -> Response {
    match Session::from_headers(&state, &headers).await {
        Ok(Some(session)) => {
            if let Err(e) = accounts::sign_out(
                state.services(),
                &session.signed_in,
                &session.token_hash,
                request_id(&headers).as_deref(),
            )
            .await
            {
                return super::error_page(&e, None);
            }
        }
        Ok(None) => {}
        Err(e) => return super::error_page(&e, None),
    }
    let mut response = Redirect::to("/sign-in?signed_out=1").into_response();
    let clear = set_cookie(
        state.settings().cookie(Cookie::Session),
        "",
        Some(0),
        state.settings().secure_cookies(),
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        clear.parse().expect("cookie header value"),
    );
    response
}

#[derive(Template)]
#[template(path = "problem.html")]
struct ProblemType {
    layout: Layout,
    title: &'static str,
    slug: &'static str,
    status: u16,
    explanation: &'static str,
}

/// Documents one API problem `type`, so the URI in a problem body leads somewhere.
pub async fn problem_type(Path(slug): Path<String>) -> Response {
    let Some(kind) = ProblemKind::from_slug(&slug) else {
        return super::error_page(&Error::NotFound, None);
    };
    let explanation = match kind {
        ProblemKind::ValidationFailed => {
            "One or more fields break a rule. The errors member lists each, with a JSON pointer to the field and a message."
        }
        ProblemKind::BadRequest => {
            "The request could not be read: malformed JSON, invalid UTF-8, an unknown field, or an id that is not well formed."
        }
        ProblemKind::Unauthenticated => {
            "Send a personal API token as Authorization: Bearer TOKEN. Tokens are made on the API tokens page of your account."
        }
        ProblemKind::Forbidden => "Your role in your organisation does not allow this action.",
        ProblemKind::NotFound => "There is no such resource in your organisation.",
        ProblemKind::Conflict => {
            "The request clashes with the current state, for example a duplicate."
        }
        ProblemKind::IllegalTransition => {
            "The record's current status does not allow this change; detail names both."
        }
        ProblemKind::PayloadTooLarge => "The request body is larger than the service accepts.",
        ProblemKind::UnsupportedMediaType => {
            "Send the body as JSON with Content-Type: application/json."
        }
        ProblemKind::TooManyRequests => "Too many requests in a short time; wait, then try again.",
        ProblemKind::Unavailable => "The database is unavailable; try again shortly.",
        ProblemKind::Internal => {
            "Something went wrong on our side. Quote the request id when you report it."
        }
    };
    render(
        StatusCode::OK,
        &ProblemType {
            layout: Layout::visitor(kind.title(), String::new()),
            title: kind.title(),
            slug: kind.slug(),
            status: kind.status().as_u16(),
            explanation,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        for path in [
            "/referrals",
            "/referrals?view=done",
            "/programmes/1/edit#costs",
            "/",
        ] {
            assert_eq!(safe_next(path), path);
        }
        for trick in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            " //evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "/ /evil.example",
            "/\u{3000}/evil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(trick), "/dashboard", "{trick:?}");
        }
    }
}
