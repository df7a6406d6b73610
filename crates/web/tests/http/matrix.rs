//! Every route × every role, allowed and forbidden cells alike. The table
//! below says which action each route declares; the policy's own matrix
//! (written out by hand in `domain::access`) says which roles may take it.

use alongside_domain::Role;
use alongside_domain::access::{Action, role_may};
use alongside_testdb::{TestDb, on_both_engines};
use reqwest::{Method, StatusCode};

use crate::support::{TestApp, location, programme_json};

const ID: &str = "{id}";

/// (method, path, action) for every signed-in page route.
const PAGES: &[(&str, &str, Action)] = &[
    ("GET", "/dashboard", Action::UseOwnAccount),
    ("GET", "/account", Action::UseOwnAccount),
    ("GET", "/account/password", Action::UseOwnAccount),
    ("POST", "/account/password", Action::UseOwnAccount),
    ("GET", "/account/tokens", Action::UseOwnAccount),
    ("GET", "/account/sessions", Action::UseOwnAccount),
    (
        "POST",
        "/account/sessions/sign-out-others",
        Action::UseOwnAccount,
    ),
    ("POST", "/account/tokens", Action::UseOwnAccount),
    (
        "POST",
        "/account/tokens/0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10/revoke",
        Action::UseOwnAccount,
    ),
    ("GET", "/programmes", Action::ViewProgrammes),
    ("GET", "/programmes/{id}", Action::ViewProgrammes),
    ("GET", "/programmes/new", Action::ManageProgrammes),
    ("POST", "/programmes", Action::ManageProgrammes),
    ("GET", "/programmes/{id}/edit", Action::ManageProgrammes),
    ("POST", "/programmes/{id}/edit", Action::ManageProgrammes),
    ("POST", "/programmes/{id}/archive", Action::ManageProgrammes),
    ("POST", "/programmes/{id}/restore", Action::ManageProgrammes),
    ("GET", "/staff", Action::ManageStaff),
    ("GET", "/staff/invite", Action::ManageStaff),
    ("POST", "/staff/invite", Action::ManageStaff),
    ("GET", "/staff/{aid}", Action::ManageStaff),
    ("POST", "/staff/{aid}/role", Action::ManageStaff),
    ("POST", "/staff/{aid}/access", Action::ManageStaff),
    ("GET", "/staff/{aid}/remove", Action::ManageStaff),
    ("POST", "/staff/{aid}/remove", Action::ManageStaff),
    (
        "POST",
        "/staff/invitations/0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10/cancel",
        Action::ManageStaff,
    ),
    ("GET", "/audit", Action::ViewAuditLog),
    ("GET", "/referrals", Action::ViewReferrals),
    ("GET", "/referrals/{rid}", Action::ViewReferrals),
    ("POST", "/referrals/{rid}/triage", Action::TriageReferrals),
    ("POST", "/referrals/{rid}/contact", Action::TriageReferrals),
    ("POST", "/referrals/{rid}/consent", Action::RecordConsent),
    ("POST", "/referrals/{rid}/merge", Action::MergeRecords),
    ("GET", "/referrals/import", Action::TriageReferrals),
    ("POST", "/referrals/import", Action::TriageReferrals),
    (
        "GET",
        "/referrals/import/template.csv",
        Action::TriageReferrals,
    ),
    ("GET", "/referrals/new", Action::MakeReferrals),
    ("POST", "/referrals/new", Action::MakeReferrals),
    ("GET", "/referrals/sent/R-ABCD-EFGH", Action::MakeReferrals),
    ("GET", "/my-referrals", Action::MakeReferrals),
    ("GET", "/my-referrals/{rid}", Action::MakeReferrals),
    ("GET", "/supporters", Action::ManageSupporters),
    ("GET", "/supporters/new", Action::ManageSupporters),
    ("POST", "/supporters", Action::ManageSupporters),
    ("GET", "/supporters/{sid}", Action::ManageSupporters),
    ("GET", "/supporters/{sid}/edit", Action::ManageSupporters),
    ("POST", "/supporters/{sid}/edit", Action::ManageSupporters),
    ("POST", "/supporters/{sid}/status", Action::ManageSupporters),
    ("POST", "/referrals/{rid}/matches", Action::MatchPeople),
    ("GET", "/referrals/{rid}/outcomes/0", Action::EnterOutcomes),
    ("POST", "/referrals/{rid}/outcomes/0", Action::EnterOutcomes),
    (
        "POST",
        "/referrals/{rid}/outcomes/0/link",
        Action::EnterOutcomes,
    ),
    ("GET", "/programmes/{id}/outcomes", Action::ManageProgrammes),
    (
        "GET",
        "/questionnaires/wemwbs/wording",
        Action::LoadLicensedText,
    ),
    (
        "POST",
        "/questionnaires/wemwbs/wording",
        Action::LoadLicensedText,
    ),
    (
        "POST",
        "/programmes/{id}/outcomes",
        Action::ManageProgrammes,
    ),
    (
        "POST",
        "/programmes/{id}/outcomes/schedule",
        Action::ManageProgrammes,
    ),
    ("GET", "/programmes/{id}/costs", Action::ManageProgrammes),
    ("GET", "/feedback", Action::ReviewFeedback),
    ("GET", "/questionnaires", Action::ManageProgrammes),
    ("GET", "/questionnaires/import", Action::ManageProgrammes),
    ("POST", "/questionnaires/import", Action::ManageProgrammes),
    (
        "GET",
        "/questionnaires/0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10",
        Action::ManageProgrammes,
    ),
    (
        "GET",
        "/questionnaires/0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10/fhir.json",
        Action::ManageProgrammes,
    ),
    (
        "POST",
        "/questionnaires/0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10/retire",
        Action::ManageProgrammes,
    ),
    (
        "POST",
        "/questionnaires/0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10/restore",
        Action::ManageProgrammes,
    ),
    ("POST", "/feedback/themes", Action::ReviewFeedback),
    (
        "POST",
        "/feedback/0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10/tags",
        Action::ReviewFeedback,
    ),
    ("POST", "/programmes/{id}/costs", Action::ManageProgrammes),
    ("GET", "/programmes/{id}/matching", Action::MatchPeople),
    (
        "POST",
        "/programmes/{id}/matching/rules",
        Action::MatchPeople,
    ),
    (
        "POST",
        "/programmes/{id}/matching-runs",
        Action::MatchPeople,
    ),
    (
        "GET",
        "/matching-runs/0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10",
        Action::MatchPeople,
    ),
    (
        "POST",
        "/matching-proposals/0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10/accept",
        Action::MatchPeople,
    ),
    (
        "POST",
        "/matching-proposals/0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10/reject",
        Action::MatchPeople,
    ),
    ("GET", "/reports", Action::ViewReports),
    ("GET", "/reports/referrals.csv", Action::ViewReports),
    ("GET", "/reports/report.xlsx", Action::ViewReports),
    (
        "POST",
        "/matches/0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10",
        Action::MatchPeople,
    ),
];

/// (method, path under /api/v1, action) for every API route.
const API: &[(&str, &str, Action)] = &[
    ("GET", "/me", Action::UseOwnAccount),
    ("GET", "/programmes", Action::ViewProgrammes),
    ("GET", "/programmes/{id}", Action::ViewProgrammes),
    ("POST", "/programmes", Action::ManageProgrammes),
    ("PUT", "/programmes/{id}", Action::ManageProgrammes),
    ("POST", "/programmes/{id}/archive", Action::ManageProgrammes),
    ("POST", "/programmes/{id}/restore", Action::ManageProgrammes),
    ("GET", "/referrals", Action::MakeReferrals),
    ("POST", "/referrals", Action::MakeReferrals),
    ("GET", "/referrals/{rid}", Action::MakeReferrals),
    (
        "POST",
        "/programmes/{id}/matching-runs",
        Action::MatchPeople,
    ),
    (
        "GET",
        "/programmes/{id}/matching-runs/0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10",
        Action::MatchPeople,
    ),
];

async fn a_programme(app: &TestApp) -> String {
    let api = app.api(Some(&app.api_token(Role::Admin).await));
    let created: serde_json::Value = api
        .post_json("/programmes", &programme_json("Matrix programme"))
        .await
        .json()
        .await
        .unwrap();
    created["id"].as_str().unwrap().to_owned()
}

async fn every_page_route_answers_each_role_as_the_policy_says(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let id = a_programme(&app).await;
    let reference = crate::referrals::refer(&app.browser(), "Matrix").await;
    let rid =
        crate::referrals::referral_id(&app.signed_in(Role::Admin).await, &reference, "new").await;
    let supporter = crate::supporters::add(&app.signed_in(Role::Admin).await, "Matrix").await;
    let sid = supporter.rsplit('/').next().unwrap().to_owned();
    // A member of staff for the staff pages (removed by the admin's last
    // request to them).
    let staff = app.add_member(app.organisation, Role::Coordinator).await;
    let aid = alongside_db::accounts::find_by_email(
        &app.test_db.db,
        &alongside_domain::account::EmailAddress::parse(&staff).unwrap(),
    )
    .await
    .unwrap()
    .unwrap()
    .id
    .to_string();
    for role in Role::ALL {
        let browser = app.signed_in(role).await;
        let csrf = browser.csrf("/dashboard").await;
        for (method, path, action) in PAGES {
            let path = path
                .replace(ID, &id)
                .replace("{rid}", &rid)
                .replace("{sid}", &sid)
                .replace("{aid}", &aid);
            let response = match *method {
                "GET" => browser.get(&path).await,
                _ => browser.post_form(&path, &csrf, &[]).await,
            };
            let status = response.status();
            if role_may(role, *action) {
                assert_ne!(status, StatusCode::FORBIDDEN, "{role} may {method} {path}");
                assert!(
                    status.is_success()
                        || status.is_redirection()
                        || status == StatusCode::UNPROCESSABLE_ENTITY
                        || status == StatusCode::CONFLICT
                        // Placeholders that name nothing of the role's own.
                        // An empty decision on a match is a bad request.
                        || status == StatusCode::BAD_REQUEST && path.starts_with("/matches/")
                        || status == StatusCode::NOT_FOUND
                            && (path.contains("revoke")
                                || path.starts_with("/matching-")
                                || path.starts_with("/feedback/")
                                || path.starts_with("/staff/invitations/")
                                || path.starts_with("/questionnaires/0b8d")
                                || path.ends_with("/merge")
                                || path.starts_with("/my-referrals/")),
                    "{role} {method} {path}: {status}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role} may not {method} {path}"
                );
                assert!(
                    response
                        .text()
                        .await
                        .unwrap()
                        .contains("You do not have permission to see this page")
                );
            }
        }
    }
}

async fn every_api_route_answers_each_role_as_the_policy_says(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let id = a_programme(&app).await;
    let reference = crate::referrals::refer(&app.browser(), "Matrix").await;
    let rid =
        crate::referrals::referral_id(&app.signed_in(Role::Admin).await, &reference, "new").await;
    for role in Role::ALL {
        let api = app.api(Some(&app.api_token(role).await));
        for (method, path, action) in API {
            let path = path.replace(ID, &id).replace("{rid}", &rid);
            let response = api
                .request(method.parse::<Method>().unwrap(), &path)
                .json(&programme_json("Matrix programme"))
                .send()
                .await
                .unwrap();
            let status = response.status();
            if role_may(role, *action) {
                // The body sent is a programme's: a referral route refuses it
                // as malformed, and a referral id of someone else's is not
                // found; neither is a refusal.
                let referral_route = path.starts_with("/referrals");
                assert!(
                    status.is_success()
                        || status == StatusCode::CONFLICT
                        || status == StatusCode::NOT_FOUND && path.contains("/matching-runs/")
                        || referral_route
                            && (status == StatusCode::BAD_REQUEST
                                || status == StatusCode::NOT_FOUND),
                    "{role} may {method} {path}: {status}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role} may not {method} {path}"
                );
                let body: serde_json::Value = response.json().await.unwrap();
                assert_eq!(body["type"], "/problems/forbidden");
            }
        }
        // FHIR answers the same policy, in OperationOutcome.
        for (method, path, action) in [
            ("GET", "/fhir/ServiceRequest", Action::MakeReferrals),
            ("POST", "/fhir/ServiceRequest", Action::MakeReferrals),
            ("GET", "/fhir/Questionnaire", Action::ViewProgrammes),
            ("GET", "/fhir/Questionnaire/phq9", Action::ViewProgrammes),
            (
                "GET",
                "/fhir/QuestionnaireResponse?based-on=ServiceRequest/0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10",
                Action::EnterOutcomes,
            ),
            ("POST", "/fhir/QuestionnaireResponse", Action::EnterOutcomes),
        ] {
            let response = api
                .client
                .request(method.parse().unwrap(), format!("{}{path}", app.url))
                .bearer_auth(api.token.as_deref().unwrap())
                .header("content-type", "application/fhir+json")
                .body("{}")
                .send()
                .await
                .unwrap();
            let status = response.status();
            if role_may(role, action) {
                assert_ne!(status, StatusCode::FORBIDDEN, "{role} may {method} {path}");
                assert!(
                    status.is_success() || status.is_client_error(),
                    "{role} {method} {path}: {status}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role} may not {method} {path}"
                );
                let body: serde_json::Value = response.json().await.unwrap();
                assert_eq!(body["resourceType"], "OperationOutcome");
            }
        }
    }
}

async fn nobody_signed_in_is_sent_to_sign_in_or_refused(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let id = a_programme(&app).await;
    let browser = app.browser();
    for (method, path, _) in PAGES {
        let path = path
            .replace(ID, &id)
            .replace("{rid}", "0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10");
        let response = match *method {
            "GET" => browser.get(&path).await,
            _ => browser.post_form(&path, "", &[]).await,
        };
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{method} {path}");
        assert!(
            location(&response).starts_with("/sign-in?next="),
            "{method} {path}"
        );
    }
    let api = app.api(None);
    for (method, path, _) in API {
        let response = api
            .request(method.parse::<Method>().unwrap(), &path.replace(ID, &id))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
    }
}

async fn a_commissioner_never_changes_a_programme(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let id = a_programme(&app).await;
    let commissioner = app.signed_in(Role::Commissioner).await;
    let csrf = commissioner.csrf("/dashboard").await;
    let response = commissioner
        .post_form(&format!("/programmes/{id}/archive"), &csrf, &[])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let stored =
        alongside_db::programmes::find(&app.test_db.db, app.organisation, id.parse().unwrap())
            .await
            .unwrap();
    assert_eq!(stored.status.as_str(), "active");
    assert!(
        app.audit_events()
            .await
            .iter()
            .any(|(event, _, detail)| event == "denied" && detail.starts_with("manage_programmes"))
    );
}

on_both_engines!(
    every_page_route_answers_each_role_as_the_policy_says,
    every_api_route_answers_each_role_as_the_policy_says,
    nobody_signed_in_is_sent_to_sign_in_or_refused,
    a_commissioner_never_changes_a_programme,
);
