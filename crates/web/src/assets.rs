//! Static files, embedded in the binary at build time and served under a
//! path that changes with their content, so browsers may keep them a year.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/assets/{version}/{*path}", get(serve))
}

async fn serve(Path((version, path)): Path<(String, String)>, headers: HeaderMap) -> Response {
    let Some((_, bytes, gzipped, content_type)) = FILES.iter().find(|(name, ..)| *name == path)
    else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    // An old version's URL still gets today's file, but not for a year.
    let cache = if version == VERSION {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    let accepts_gzip = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| coding.trim().split(';').next() == Some("gzip"));
    let mut response = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (header::VARY, HeaderValue::from_static("accept-encoding")),
        ],
        if accepts_gzip { *gzipped } else { *bytes },
    )
        .into_response();
    if accepts_gzip {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}
