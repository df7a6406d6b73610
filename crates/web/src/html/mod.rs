//! The pages. Every page is server-rendered and works without JavaScript.
//! Forms re-render with an error summary and keep what was typed.

mod account;
mod audit;
mod chart;
mod dashboard;
mod feedback;
mod form_values;
mod import;
mod matching;
mod outcomes;
mod page;
mod password_reset;
mod programmes;
mod public;
mod questionnaires;
mod referrals;
mod report_files;
mod reports;
mod staff;
mod supporters;

use alongside_domain::access::{Action, role_may};
use askama::Template;
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

pub(crate) use page::{OrPage, PageError, PageResult, RecordId, canonical};

use crate::auth::{Cookie, Session, cookie, csrf_token, new_token, set_cookie};
use crate::{AppState, Error};

/// The status of a page with a form: 200, or 422 when what was sent is
/// shown again with its problems.
pub(crate) fn form_status(all_valid: bool) -> StatusCode {
    if all_valid {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// Programmes as the radios and selects of a form offer them (id, name),
/// after `first` (the choice of none, such as "Any programme") when given.
pub(crate) fn programme_options(
    first: Option<&str>,
    programmes: Vec<alongside_domain::programme::Programme>,
) -> Vec<(String, String)> {
    first
        .map(|label| (String::new(), label.to_owned()))
        .into_iter()
        .chain(
            programmes
                .into_iter()
                .map(|p| (p.id.to_string(), p.details.name)),
        )
        .collect()
}

/// Checkboxes as the `checkboxes` macro shows them: value, label, ticked.
pub(crate) type Ticks = Vec<(String, String, bool)>;

/// Checkboxes for `options`, ticked where `chosen` holds the value.
pub(crate) fn ticks<'a>(
    options: impl IntoIterator<Item = (&'a str, &'a str)>,
    chosen: &[String],
) -> Ticks {
    options
        .into_iter()
        .map(|(value, label)| {
            (
                value.to_owned(),
                label.to_owned(),
                chosen.iter().any(|c| c == value),
            )
        })
        .collect()
}

/// The weekly-times table: for each day, its morning, afternoon and evening
/// boxes, ticked where `chosen` holds the slot (`mon-morning`).
pub(crate) fn weekly_ticks(chosen: &[String]) -> Vec<(&'static str, Ticks)> {
    use alongside_domain::preferences::{DayPart, Weekday, WeeklySlot};
    Weekday::ALL
        .iter()
        .map(|day| {
            let slots = DayPart::ALL
                .iter()
                .map(|part| {
                    let value = WeeklySlot {
                        day: *day,
                        part: *part,
                    }
                    .as_string();
                    let checked = chosen.contains(&value);
                    (value, part.label().to_owned(), checked)
                })
                .collect();
            (day.label(), slots)
        })
        .collect()
}

/// What the page layout shows around every page.
pub struct Layout {
    /// The page's title (before " – Alongside").
    pub title: String,
    /// Whether the page shows validation errors (prefixes the title with "Error:").
    pub has_errors: bool,
    /// Which navigation item is current.
    pub section: &'static str,
    /// The CSRF token for the page's forms.
    pub csrf: String,
    /// The signed-in person, if any.
    pub nav: Option<Nav>,
    /// Part of every asset URL.
    pub asset_version: &'static str,
}

/// The signed-in person as the header shows them.
pub struct Nav {
    /// Their name.
    pub display_name: String,
    /// Their organisation.
    pub organisation_name: String,
    /// Their role, in words.
    pub role_label: &'static str,
    /// Whether to show "Staff".
    pub may_manage_staff: bool,
    /// Whether to show "Audit log".
    pub may_view_audit: bool,
    /// Whether to show "Referrals".
    pub may_view_referrals: bool,
    /// Whether to show "My referrals" (for those who refer but do not triage).
    pub may_refer_only: bool,
    /// Whether to show "Supporters".
    pub may_manage_supporters: bool,
    /// Whether to show "Reports".
    pub may_view_reports: bool,
}

impl Layout {
    /// The layout for a signed-in page.
    #[must_use]
    pub fn signed_in(title: impl Into<String>, section: &'static str, session: &Session) -> Self {
        let s = &session.signed_in;
        Self {
            title: title.into(),
            has_errors: false,
            section,
            csrf: session.csrf.clone(),
            nav: Some(Nav {
                display_name: s.display_name.clone(),
                organisation_name: s.organisation_name.clone(),
                role_label: s.actor.role.label(),
                may_manage_staff: role_may(s.actor.role, Action::ManageStaff),
                may_view_audit: role_may(s.actor.role, Action::ViewAuditLog),
                may_view_referrals: role_may(s.actor.role, Action::ViewReferrals),
                may_refer_only: role_may(s.actor.role, Action::MakeReferrals)
                    && !role_may(s.actor.role, Action::ViewReferrals),
                may_manage_supporters: role_may(s.actor.role, Action::ManageSupporters),
                may_view_reports: role_may(s.actor.role, Action::ViewReports),
            }),
            asset_version: crate::assets::VERSION,
        }
    }

    /// The layout for a page seen signed out; `csrf` is for its forms, if any.
    #[must_use]
    pub fn visitor(title: impl Into<String>, csrf: String) -> Self {
        Self {
            title: title.into(),
            has_errors: false,
            section: "",
            csrf,
            nav: None,
            asset_version: crate::assets::VERSION,
        }
    }

    /// Marks the page as showing validation errors.
    #[must_use]
    pub fn with_errors(mut self, has_errors: bool) -> Self {
        self.has_errors = has_errors;
        self
    }

    /// Whether the header shows "Staff".
    #[must_use]
    pub fn may_manage_staff(&self) -> bool {
        self.nav.as_ref().is_some_and(|n| n.may_manage_staff)
    }

    /// Whether the header shows "Audit log".
    #[must_use]
    pub fn may_view_audit(&self) -> bool {
        self.nav.as_ref().is_some_and(|n| n.may_view_audit)
    }

    /// The signed-in person's organisation, or nothing.
    #[must_use]
    pub fn organisation_name(&self) -> &str {
        self.nav
            .as_ref()
            .map_or("", |n| n.organisation_name.as_str())
    }
}

/// Renders a template with a status; a rendering failure is a 500 page.
pub(crate) fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            error_page(Error::Internal(e.to_string()), None).into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: String,
    paragraphs: Vec<String>,
}

/// The friendly page for an error: no stack trace, no SQL.
pub fn error_page(error: impl Into<Error>, session: Option<&Session>) -> Response {
    error_page_with(error, session, None)
}

/// The friendly page for an error; when something broke on our side, it
/// quotes the request id so that a report can be matched to the log.
pub(crate) fn error_page_with(
    error: impl Into<Error>,
    session: Option<&Session>,
    request_id: Option<&str>,
) -> Response {
    let error = error.into();
    error.log();
    let error = &error;
    let (status, heading, paragraphs): (StatusCode, &str, Vec<String>) = match error {
        Error::NotFound => (StatusCode::NOT_FOUND, "Page not found", vec![
            "If you typed the web address, check it is correct.".into(),
            "If you pasted the web address, check you copied the entire address.".into(),
        ]),
        Error::Forbidden => (StatusCode::FORBIDDEN, "You do not have permission to see this page", vec![
            "Your role does not allow this. If you think it should, ask an admin of your organisation.".into(),
        ]),
        Error::Unauthenticated => (StatusCode::UNAUTHORIZED, "You need to sign in", vec!["Sign in to see this page.".into()]),
        Error::BadRequest(message) => (StatusCode::BAD_REQUEST, "Sorry, the request could not be read", vec![message.clone()]),
        Error::Conflict(message) => (StatusCode::CONFLICT, "This cannot be done now", vec![message.clone()]),
        Error::IllegalTransition(t) => (StatusCode::CONFLICT, "This cannot be done now", vec![format!("{}.", alongside_domain::validation::capitalise(&t.to_string()))]),
        Error::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, "Sorry, some answers are not valid", errors.as_slice().iter().map(|e| e.message.clone()).collect()),
        Error::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "Too many attempts", vec!["Wait a minute, then try again.".into()]),
        Error::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "Sorry, the service is unavailable", vec![
            "Try again in a few minutes. Nothing you entered has been half-saved: if the change was not confirmed, it was not made.".into(),
        ]),
        Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Sorry, there is a problem with the service", vec![
            "Try again later. Nothing you entered has been half-saved: if the change was not confirmed, it was not made.".into(),
        ]),
    };
    let mut paragraphs = paragraphs;
    if let (true, Some(id)) = (status.is_server_error(), request_id) {
        paragraphs.push(format!("If you report this, quote the reference {id}."));
    }
    let layout = match session {
        Some(session) => Layout::signed_in(heading, "", session),
        None => Layout::visitor(heading, String::new()),
    };
    render(
        status,
        &ErrorPage {
            layout,
            heading: heading.to_owned(),
            paragraphs,
        },
    )
}

/// Renders an error page for a handler's error, keeping the header if signed in.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        error_page(self, None)
    }
}

/// A number as reports show it: up to two decimals, without trailing zeros.
pub(crate) fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// The CSRF token for a signed-out visitor's forms, and the cookie to set if
/// the browser has none yet. No database work.
fn visitor_csrf(state: &AppState, headers: &HeaderMap) -> (String, Option<String>) {
    match cookie(headers, state.settings().cookie(Cookie::Visitor)) {
        Some(visitor) => (csrf_token(state.csrf_key(), &format!("v:{visitor}")), None),
        None => {
            let visitor = new_token("");
            let csrf = csrf_token(state.csrf_key(), &format!("v:{visitor}"));
            (
                csrf,
                Some(set_cookie(
                    state.settings().cookie(Cookie::Visitor),
                    &visitor,
                    Some(2 * 3600),
                    state.settings().secure_cookies(),
                )),
            )
        }
    }
}

/// A page with a form for a signed-out visitor: `page` renders it with the
/// CSRF token, and the visitor cookie is set if the browser had none.
pub(crate) fn visitor_form(
    state: &AppState,
    headers: &HeaderMap,
    page: impl FnOnce(String) -> Response,
) -> Response {
    let (csrf, new_cookie) = visitor_csrf(state, headers);
    let mut response = page(csrf);
    if let Some(value) = new_cookie.and_then(|v| v.parse().ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The request id header, for the audit log.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Every page route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(public::home))
        .route("/sign-in", get(public::sign_in_page).post(public::sign_in))
        .route(
            "/password-reset",
            get(password_reset::ask_form).post(password_reset::ask),
        )
        .route(
            "/password-reset/{token}",
            get(password_reset::choose_form).post(password_reset::choose),
        )
        .route("/sign-out", post(public::sign_out))
        .route(
            "/invitations/{token}",
            get(staff::invitation_page).post(staff::accept_invitation),
        )
        .route("/problems/{slug}", get(public::problem_type))
        .route("/dashboard", get(dashboard::show))
        .route(
            "/programmes",
            get(programmes::list).post(programmes::create),
        )
        .route("/programmes/new", get(programmes::new_form))
        .route("/programmes/{id}", get(programmes::show))
        .route(
            "/programmes/{id}/edit",
            get(programmes::edit_form).post(programmes::update),
        )
        .route("/programmes/{id}/archive", post(programmes::archive))
        .route("/programmes/{id}/restore", post(programmes::restore))
        .route("/account", get(account::show))
        .route("/account/sessions", get(account::sessions))
        .route(
            "/account/sessions/sign-out-others",
            post(account::sign_out_others),
        )
        .route(
            "/account/password",
            get(account::password_form).post(account::change_password),
        )
        .route(
            "/account/tokens",
            get(account::tokens).post(account::create_token),
        )
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/staff", get(staff::list))
        .route("/staff/invite", get(staff::invite_form).post(staff::invite))
        .route("/staff/{id}", get(staff::member))
        .route("/staff/{id}/role", post(staff::change_role))
        .route("/staff/{id}/access", post(staff::change_access))
        .route(
            "/staff/{id}/remove",
            get(staff::remove_form).post(staff::remove),
        )
        .route(
            "/staff/invitations/{id}/cancel",
            post(staff::cancel_invitation),
        )
        .route("/audit", get(audit::list))
        .route(
            "/refer/{slug}",
            get(referrals::refer_form).post(referrals::refer),
        )
        .route("/refer/{slug}/received", get(referrals::received))
        .route("/referrals", get(referrals::queue))
        .route("/referrals/{id}", get(referrals::show))
        .route("/referrals/{id}/triage", post(referrals::triage))
        .route("/referrals/{id}/contact", post(referrals::first_contact))
        .route("/referrals/{id}/consent", post(referrals::consent))
        .route("/referrals/{id}/merge", post(referrals::merge))
        .route("/referrals/{id}/matches", post(matching::propose_match))
        .route("/matches/{id}", post(matching::decide_match))
        .route(
            "/referrals/{id}/outcomes/{timepoint}",
            get(outcomes::enter_form).post(outcomes::enter),
        )
        .route(
            "/referrals/{id}/outcomes/{timepoint}/link",
            post(outcomes::make_link),
        )
        .route(
            "/q/{token}",
            get(outcomes::answer_form).post(outcomes::answer),
        )
        .route("/questionnaires", get(questionnaires::list))
        .route(
            "/questionnaires/import",
            get(questionnaires::import_form).post(questionnaires::import),
        )
        .route("/questionnaires/{code}", get(questionnaires::show))
        .route(
            "/questionnaires/{code}/fhir.json",
            get(questionnaires::export),
        )
        .route(
            "/questionnaires/{code}/retire",
            post(questionnaires::retire),
        )
        .route(
            "/questionnaires/{code}/restore",
            post(questionnaires::restore),
        )
        .route(
            "/questionnaires/{code}/wording",
            get(outcomes::text_form).post(outcomes::load_text),
        )
        .route(
            "/programmes/{id}/outcomes",
            get(outcomes::programme_form).post(outcomes::choose),
        )
        .route(
            "/programmes/{id}/outcomes/schedule",
            post(outcomes::set_schedule),
        )
        .route("/feedback", get(feedback::review))
        .route("/feedback/themes", post(feedback::add_theme))
        .route("/feedback/{id}/tags", post(feedback::tag))
        .route(
            "/programmes/{id}/costs",
            get(programmes::costs_form).post(programmes::set_costs),
        )
        .route("/programmes/{id}/matching", get(matching::programme))
        .route(
            "/programmes/{id}/matching/rules",
            post(matching::save_rules),
        )
        .route("/programmes/{id}/matching-runs", post(matching::start_run))
        .route("/matching-runs/{id}", get(matching::show_run))
        .route("/matching-proposals/{id}/accept", post(matching::accept))
        .route("/matching-proposals/{id}/reject", post(matching::reject))
        .route("/reports", get(reports::referrals))
        .route("/reports/referrals.csv", get(reports::referrals_csv))
        .route("/reports/report.xlsx", get(reports::referrals_xlsx))
        .route(
            "/referrals/new",
            get(referrals::new_form).post(referrals::create),
        )
        .route("/referrals/sent/{reference}", get(referrals::sent))
        .route(
            "/referrals/import",
            get(import::form)
                .post(import::submit)
                // A spreadsheet is bigger than a form.
                .layer(axum::extract::DefaultBodyLimit::max(4 * 1024 * 1024)),
        )
        .route("/referrals/import/template.csv", get(import::template_csv))
        .route("/my-referrals", get(referrals::mine))
        .route(
            "/supporters",
            get(supporters::list).post(supporters::create),
        )
        .route("/supporters/new", get(supporters::new_form))
        .route("/supporters/{id}", get(supporters::show))
        .route(
            "/supporters/{id}/edit",
            get(supporters::edit_form).post(supporters::update),
        )
        .route("/supporters/{id}/status", post(supporters::change_status))
        .route("/my-referrals/{id}", get(referrals::one_of_mine))
}
