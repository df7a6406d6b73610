//! Sessions: ended by a spell without use, a cookie that goes with the
//! browser unless the person asks to stay signed in, and a list of where
//! one is signed in with "sign out everywhere else".

use alongside_db::accounts;
use alongside_domain::Role;
use alongside_domain::account::EmailAddress;
use alongside_testdb::{TestDb, on_both_engines};
use chrono::{Duration, Utc};
use reqwest::StatusCode;

use crate::support::{PASSWORD, TestApp, location};

/// The token hashes of `email`'s sessions.
async fn sessions_of(app: &TestApp, email: &str) -> Vec<String> {
    let id = accounts::find_by_email(&app.test_db.db, &EmailAddress::parse(email).unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    app.stored(&format!(
        "SELECT token_hash FROM sessions WHERE account_id = '{id}'"
    ))
    .await
}

async fn a_session_left_unused_ends(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let email = app.add_member(app.organisation, Role::Coordinator).await;
    let browser = app.browser();
    browser.sign_in(&email, PASSWORD).await;
    assert_eq!(browser.get("/dashboard").await.status(), StatusCode::OK);
    // Last used two hours ago (the idle limit is half an hour).
    let now = Utc::now();
    for hash in sessions_of(&app, &email).await {
        alongside_db::sessions::touch(
            &app.test_db.db,
            &hash,
            now - Duration::hours(2),
            now + Duration::days(1),
        )
        .await
        .unwrap();
    }
    let response = browser.get("/dashboard").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/sign-in"));
}

async fn the_cookie_goes_with_the_browser_unless_asked_to_stay(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let email = app.add_member(app.organisation, Role::Coordinator).await;
    let session_cookie = |response: &reqwest::Response| {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("alongside_session="))
            .unwrap()
    };
    let browser = app.browser();
    let plain = browser.sign_in(&email, PASSWORD).await;
    assert!(
        !session_cookie(&plain).contains("Max-Age"),
        "ends with the browser"
    );
    let staying = browser
        .submit(
            "/sign-in",
            "/sign-in",
            &[
                ("email", &email),
                ("password", PASSWORD),
                ("next", ""),
                ("keep_signed_in", "yes"),
            ],
        )
        .await;
    assert_eq!(staying.status(), StatusCode::SEE_OTHER);
    assert!(session_cookie(&staying).contains("Max-Age=28800"));
}

async fn signing_out_everywhere_else_keeps_only_this_browser(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let email = app.add_member(app.organisation, Role::PeerSupporter).await;
    let phone = app.browser();
    let laptop = app.browser();
    phone.sign_in(&email, PASSWORD).await;
    laptop.sign_in(&email, PASSWORD).await;
    let list = phone.get("/account/sessions").await.text().await.unwrap();
    assert!(list.contains("This browser") && list.contains("Another browser"));

    let done = phone
        .submit(
            "/account/sessions",
            "/account/sessions/sign-out-others",
            &[],
        )
        .await;
    assert_eq!(location(&done), "/account/sessions?ended=1");
    assert_eq!(
        laptop.get("/dashboard").await.status(),
        StatusCode::SEE_OTHER,
        "the other browser is signed out"
    );
    assert_eq!(phone.get("/dashboard").await.status(), StatusCode::OK);
    let list = phone.get("/account/sessions").await.text().await.unwrap();
    assert!(list.contains("This browser") && !list.contains("Another browser"));
    assert_eq!(sessions_of(&app, &email).await.len(), 1);
}

on_both_engines!(
    a_session_left_unused_ends,
    the_cookie_goes_with_the_browser_unless_asked_to_stay,
    signing_out_everywhere_else_keeps_only_this_browser,
);
