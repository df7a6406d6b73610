//! Alongside's web layer: three faces over one set of services.
//!
//! - `html`: accessible server-rendered pages (NHS.UK frontend), forms with
//!   an error summary that keep what the person typed.
//! - `api`: JSON under `/api/v1`, token auth, problem+json errors, and an
//!   OpenAPI document generated from the same handler annotations.
//! - `health`: `/healthz`, `/readyz`, `/metrics`.
//!
//! Every signed-in route takes an [`auth::Authorised`] (pages) or
//! [`auth::ApiAuthorised`] (API) for its action; only the access policy in
//! `alongside_domain::access` can make one, so no handler can forget the
//! check. Business rules live in `domain`; `services` runs them inside one
//! transaction with their audit entries; handlers only translate.

pub mod api;
mod assets;
pub mod auth;
pub mod error;
pub mod fhir;
mod health;
pub mod html;
mod metrics;

use alongside_services as services;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use alongside_db::Db;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

pub use error::Error;

use axum::http::Uri;
use axum::response::{IntoResponse, Response};

/// Settings the web layer needs, built by the app from its configuration.
#[derive(Clone, Debug)]
pub struct WebSettings {
    /// The address people use to reach the service, for links in invitations
    /// and to decide whether cookies are `Secure`.
    pub public_url: String,
    /// How long a sign-in lasts.
    pub session_lifetime: Duration,
    /// How long a sign-in lasts unused.
    pub session_idle: Duration,
    /// How long an invitation link works.
    pub invitation_lifetime: Duration,
    /// Sign-in attempts allowed per client address per minute.
    pub sign_in_attempts_per_minute: u32,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Self-referrals accepted per client address per minute.
    pub self_referrals_per_minute: u32,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            session_lifetime: Duration::from_secs(8 * 3600),
            session_idle: Duration::from_secs(30 * 60),
            invitation_lifetime: Duration::from_secs(7 * 24 * 3600),
            sign_in_attempts_per_minute: 30,
            max_body_bytes: 64 * 1024,
            self_referrals_per_minute: 5,
        }
    }
}

impl WebSettings {
    /// Whether cookies must be sent only over HTTPS.
    #[must_use]
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The name `cookie` has on this service.
    #[must_use]
    pub fn cookie(&self, cookie: auth::Cookie) -> &'static str {
        cookie.name(self.secure_cookies())
    }
}

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    services: services::Context,
    settings: WebSettings,
    csrf_key: Vec<u8>,
    metrics: metrics::Metrics,
}

impl WebSettings {
    /// The part of these settings the use cases need.
    #[must_use]
    pub fn services(&self) -> services::Settings {
        services::Settings {
            public_url: self.public_url.clone(),
            session_lifetime: self.session_lifetime,
            session_idle: self.session_idle,
            invitation_lifetime: self.invitation_lifetime,
            sign_in_attempts_per_minute: self.sign_in_attempts_per_minute,
            self_referrals_per_minute: self.self_referrals_per_minute,
        }
    }
}

impl AppState {
    /// State over a migrated database. `data_key` seals sensitive free text
    /// and `csrf_key` signs form tokens; every process of one deployment
    /// must share both.
    #[must_use]
    pub fn new(
        db: Db,
        data_key: alongside_db::sealed::DataKey,
        settings: WebSettings,
        csrf_key: Vec<u8>,
    ) -> Self {
        let context = services::Context::new(db, data_key, settings.services());
        Self::from_context(context, settings, csrf_key)
    }

    /// State around a use-case context that the process shares with its
    /// background sweeps.
    #[must_use]
    pub fn from_context(
        services: services::Context,
        settings: WebSettings,
        csrf_key: Vec<u8>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                services,
                settings,
                csrf_key,
                metrics: metrics::Metrics::default(),
            }),
        }
    }

    /// The context the use cases run in.
    #[must_use]
    pub fn services(&self) -> &services::Context {
        &self.inner.services
    }

    /// The database.
    #[must_use]
    pub fn db(&self) -> &Db {
        self.inner.services.db()
    }

    /// The key that seals sensitive free text.
    #[must_use]
    pub fn data_key(&self) -> &alongside_db::sealed::DataKey {
        self.inner.services.data_key()
    }

    /// The settings.
    #[must_use]
    pub fn settings(&self) -> &WebSettings {
        &self.inner.settings
    }

    pub(crate) fn csrf_key(&self) -> &[u8] {
        &self.inner.csrf_key
    }

    pub(crate) fn metrics(&self) -> &metrics::Metrics {
        &self.inner.metrics
    }
}

/// Request ids: a random prefix per process and a counter, so that making
/// one costs no system call.
#[derive(Clone)]
struct SequentialRequestId {
    prefix: Arc<str>,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl SequentialRequestId {
    fn new() -> Self {
        let prefix = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
        Self {
            prefix: prefix.into(),
            next: Arc::default(),
        }
    }
}

impl MakeRequestId for SequentialRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// The whole service as one router. Health checks sit outside the layers:
/// load balancers call them often and they need none of it.
pub fn router(state: AppState) -> Router {
    let (api, _) = api::router().split_for_parts();
    let max_body = state.settings().max_body_bytes;
    let x_request_id = HeaderName::from_static("x-request-id");
    let service = Router::new()
        .merge(html::router())
        .nest("/api/v1", api)
        .nest("/fhir", fhir::router())
        .merge(health::metrics_router())
        .merge(assets::router())
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::map_response(security_headers))
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            strict_transport,
        ))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                // The path may carry an invitation token; log the method and route only.
                tracing::info_span!("request", method = %request.method(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::new(
            x_request_id,
            SequentialRequestId::new(),
        ));
    Router::new()
        .merge(health::router())
        .merge(service)
        .with_state(state)
}

/// Headers every answer carries, unless the handler set its own (assets set
/// their cache lifetime). One pass over the response instead of a layer each.
async fn security_headers(mut response: axum::response::Response) -> axum::response::Response {
    const HEADERS: [(HeaderName, &str); 5] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::CACHE_CONTROL, "no-store"),
    ];
    let headers = response.headers_mut();
    for (name, value) in HEADERS {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}

/// Served over https, browsers are told to come back only over https for
/// a year (HSTS); over plain http the header would mean nothing.
async fn strict_transport(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut response: axum::response::Response,
) -> axum::response::Response {
    if state.settings().secure_cookies() {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Serves the router on an already bound listener until `shutdown` resolves.
///
/// # Errors
/// When the listener fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// The OpenAPI document of `/api/v1`, as served at `/api/v1/openapi.json`.
#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::openapi()
}

/// The fallback for unknown paths: problem+json under `/api/`, a page elsewhere.
async fn fallback(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        crate::api::Problem::from(Error::NotFound).into_response()
    } else {
        crate::html::error_page(&Error::NotFound, None).into_response()
    }
}

/// What a panic in a handler turns into: a plain 500, the cause logged.
fn panic_response(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let cause = cause
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| cause.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default();
    tracing::error!(%cause, "handler panicked");
    crate::html::error_page(Error::Internal(cause), None).into_response()
}
