//! Static files, embedded in the binary at build time and served under a
//! path that changes with their content, so browsers may keep them a year.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/assets/{version}/{*path}", get(serve))
}

async fn serve(Path((version, path)): Path<(String, String)>) -> Response {
    let Some((_, bytes, content_type)) = FILES.iter().find(|(name, _, _)| *name == path) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    // An old version's URL still gets today's file, but not for a year.
    let cache = if version == VERSION {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        *bytes,
    )
        .into_response()
}
