//! What page handlers share: the record id in a page's path, and the error
//! a page handler returns with `?`, which keeps the signed-in header and the
//! request id on the error page.

use std::collections::HashMap;
use std::fmt::Display;
use std::str::FromStr;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::{error_page_with, request_id};
use crate::auth::{Authorised, Permit, Session};
use crate::{AppState, Error};

/// A page's failure: the error, shown on a page that keeps the signed-in
/// header of `session` and quotes `request_id` when something broke.
#[derive(Debug)]
pub(crate) struct PageError(Box<Failure>);

#[derive(Debug)]
struct Failure {
    error: Error,
    session: Option<Session>,
    request_id: Option<String>,
}

/// What a page handler answers.
pub(crate) type PageResult = Result<Response, PageError>;

impl PageError {
    /// `error`, on a page for whoever `on` is.
    pub(crate) fn new(error: impl Into<Error>, on: &impl PageFor) -> Self {
        Self(Box::new(Failure {
            error: error.into(),
            session: on.session().cloned(),
            request_id: on.request_id().map(str::to_owned),
        }))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let Failure {
            error,
            session,
            request_id,
        } = *self.0;
        error_page_with(error, session.as_ref(), request_id.as_deref())
    }
}

/// Who a page is for: what an error page needs to keep.
pub(crate) trait PageFor {
    /// The browser session, when signed in.
    fn session(&self) -> Option<&Session>;
    /// The request's id.
    fn request_id(&self) -> Option<&str>;
}

impl<A> PageFor for Authorised<A> {
    fn session(&self) -> Option<&Session> {
        Some(&self.session)
    }

    fn request_id(&self) -> Option<&str> {
        self.permit.request_id.as_deref()
    }
}

impl<A> PageFor for (&Session, &Permit<A>) {
    fn session(&self) -> Option<&Session> {
        Some(self.0)
    }

    fn request_id(&self) -> Option<&str> {
        self.1.request_id.as_deref()
    }
}

impl PageFor for Session {
    fn session(&self) -> Option<&Session> {
        Some(self)
    }

    fn request_id(&self) -> Option<&str> {
        None
    }
}

/// Turns any failure into a [`PageError`] for whoever the page is for:
/// `service::show(..).await.or_page(&auth)?`.
pub(crate) trait OrPage<T> {
    /// The value, or the error on a page for `on`.
    ///
    /// # Errors
    /// The failure, as a [`PageError`].
    fn or_page(self, on: &impl PageFor) -> Result<T, PageError>;
}

impl<T, E: Into<Error>> OrPage<T> for Result<T, E> {
    fn or_page(self, on: &impl PageFor) -> Result<T, PageError> {
        self.map_err(|e| PageError::new(e, on))
    }
}

/// The record id in a page's path (the `{id}` segment). Only the canonical
/// spelling of an id names a record; anything else is simply not there, so
/// the page answers 404, keeping the signed-in header.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecordId<T>(pub T);

/// The id in `text`, if `text` is its one canonical spelling.
pub(crate) fn canonical<T: FromStr + Display>(text: &str) -> Option<T> {
    text.parse::<T>().ok().filter(|id| id.to_string() == text)
}

impl<T> FromRequestParts<AppState> for RecordId<T>
where
    T: FromStr + Display + Send,
{
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let params = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .ok();
        let found = params
            .as_ref()
            .and_then(|p| p.get("id"))
            .and_then(|text| canonical::<T>(text));
        match found {
            Some(id) => Ok(RecordId(id)),
            None => {
                // Only this failure reads the session: to keep the header.
                let session = Session::from_headers(state, &parts.headers)
                    .await
                    .ok()
                    .flatten();
                Err(PageError(Box::new(Failure {
                    error: Error::NotFound,
                    session,
                    request_id: request_id(&parts.headers),
                })))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use alongside_domain::ProgrammeId;
    use uuid::Uuid;

    use super::canonical;

    #[test]
    fn only_the_canonical_spelling_names_a_record() {
        let id = "0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10";
        assert!(canonical::<Uuid>(id).is_some());
        assert!(canonical::<ProgrammeId>(id).is_some());
        for other in [
            "0B8D4A1E-6F0C-4D7B-9A53-2C1E7F9D8B10",
            "0b8d4a1e6f0c4d7b9a532c1e7f9d8b10",
            "{0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10}",
            "new",
            "",
        ] {
            assert!(canonical::<Uuid>(other).is_none(), "{other}");
            assert!(canonical::<ProgrammeId>(other).is_none(), "{other}");
        }
    }

    #[tokio::test]
    async fn a_page_that_broke_quotes_the_request_id_and_others_do_not() {
        let body = |response: axum::response::Response| async move {
            let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
                .await
                .unwrap();
            String::from_utf8(bytes.to_vec()).unwrap()
        };
        let broke = crate::html::error_page_with(
            crate::Error::Internal("bug".into()),
            None,
            Some("abc123-7"),
        );
        assert_eq!(broke.status(), 500);
        assert!(body(broke).await.contains("quote the reference abc123-7"));
        let missing = crate::html::error_page_with(crate::Error::NotFound, None, Some("abc123-8"));
        assert!(!body(missing).await.contains("abc123-8"));
    }
}
