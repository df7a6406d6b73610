//! The JSON API under `/api/v1`. Each handler's `#[utoipa::path]` both
//! registers the route and documents it, so `/api/v1/openapi.json` always
//! matches the real routes. Clients authenticate with a personal API token
//! (`Authorization: Bearer ...`); errors are RFC 9457 problem+json.

mod matching_runs;
mod me;
mod problem;
mod programmes;
pub(crate) mod referrals;

use std::sync::OnceLock;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use problem::{FieldProblem, Problem, ProblemBody, ProblemKind};

use crate::AppState;
use crate::Error;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Alongside API",
        description = "Peer support for people with long-term conditions. Authenticate with a personal API token: `Authorization: Bearer TOKEN`. Errors are RFC 9457 problem details whose `type` is one of the `/problems/...` URIs.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later")
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerToken),
    security(("bearer_token" = [])),
    components(schemas(ProblemBody, FieldProblem)),
    tags(
        (name = "account", description = "The token owner's own account"),
        (name = "programmes", description = "Peer support programmes of the organisation"),
        (name = "referrals", description = "Referrals the token's owner sends, and their outcome"),
        (name = "matching", description = "Matching people on a programme's waiting list with peer supporters")
    )
)]
struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The API's routes with their OpenAPI operations.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(me::show))
        .routes(routes!(programmes::list, programmes::create))
        .routes(routes!(programmes::show, programmes::replace))
        .routes(routes!(programmes::archive))
        .routes(routes!(programmes::restore))
        .routes(routes!(referrals::list, referrals::create))
        .routes(routes!(referrals::show))
        .routes(routes!(matching_runs::create))
        .routes(routes!(matching_runs::show))
        .route("/openapi.json", get(openapi_json))
}

/// The OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    router().split_for_parts().1
}

async fn openapi_json() -> impl IntoResponse {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let body = DOCUMENT.get_or_init(|| {
        openapi()
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    });
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body.as_str(),
    )
}

/// A JSON body; malformed bodies become problem+json, never a bare 4xx.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_problem(&rejection)),
        }
    }
}

fn json_problem(rejection: &JsonRejection) -> Problem {
    let text = rejection.body_text();
    match rejection {
        JsonRejection::MissingJsonContentType(_) => Problem::new(
            ProblemKind::UnsupportedMediaType,
            "Send the body as JSON with the header Content-Type: application/json.",
        ),
        JsonRejection::BytesRejection(_)
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE =>
        {
            Problem::new(
                ProblemKind::PayloadTooLarge,
                "The request body is larger than the service accepts.",
            )
        }
        JsonRejection::JsonDataError(_) => Problem::new(
            ProblemKind::BadRequest,
            text.replace(
                "Failed to deserialize the JSON body into the target type: ",
                "The JSON does not fit: ",
            ),
        ),
        JsonRejection::JsonSyntaxError(_) => Problem::new(
            ProblemKind::BadRequest,
            text.replace(
                "Failed to parse the request body as JSON: ",
                "The body is not valid JSON: ",
            ),
        ),
        _ => Problem::new(ProblemKind::BadRequest, text),
    }
}

/// A record's id from the path's `{id}`; one that is not an id is a 400
/// problem naming it.
pub struct ApiId<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiId<T>
where
    T: std::str::FromStr<Err = alongside_domain::ids::InvalidId>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(params) = axum::extract::Path::<
            std::collections::HashMap<String, String>,
        >::from_request_parts(parts, state)
        .await
        .map_err(|e| Problem::from(Error::BadRequest(e.body_text())))?;
        let text = params.get("id").map(String::as_str).unwrap_or_default();
        text.parse()
            .map(ApiId)
            .map_err(|e: alongside_domain::ids::InvalidId| {
                Problem::from(Error::BadRequest(e.to_string()))
            })
    }
}
