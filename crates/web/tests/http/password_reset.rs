//! Forgotten passwords: a link by email that works once and ends every
//! session, and the same answer whether or not an account uses an address.

use alongside_db::outbox;
use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use chrono::{Duration, Utc};
use reqwest::StatusCode;

use crate::support::{PASSWORD, TestApp, data_key, location};

/// The emails waiting in the outbox, as (to, body).
async fn emails(app: &TestApp) -> Vec<(String, String)> {
    outbox::claim(
        &app.test_db.db,
        &data_key(),
        100,
        Utc::now() + Duration::hours(2),
    )
    .await
    .unwrap()
    .into_iter()
    .map(|c| (c.to, c.body))
    .collect()
}

fn link_in(body: &str) -> String {
    let start = body.find("/password-reset/").expect("a link");
    body[start..].split_whitespace().next().unwrap().to_owned()
}

async fn a_forgotten_password_is_chosen_again_through_an_emailed_link(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let email = app.add_member(app.organisation, Role::Coordinator).await;
    let elsewhere = app.browser();
    elsewhere.sign_in(&email, PASSWORD).await;

    let visitor = app.browser();
    let sent = visitor
        .submit("/password-reset", "/password-reset", &[("email", &email)])
        .await;
    assert_eq!(sent.status(), StatusCode::OK);
    assert!(sent.text().await.unwrap().contains("Check your email"));
    let mail = emails(&app).await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].0, email);
    let link = link_in(&mail[0].1);
    assert!(
        !app.stored("SELECT token_hash FROM password_resets")
            .await
            .iter()
            .any(|h| link.contains(h.as_str())),
        "only the token's hash is stored"
    );

    let weak = visitor
        .submit(
            &link,
            &link,
            &[("new_password", "short"), ("confirm_password", "short")],
        )
        .await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let new = "a brand new long passphrase";
    let chosen = visitor
        .submit(
            &link,
            &link,
            &[("new_password", new), ("confirm_password", new)],
        )
        .await;
    assert_eq!(location(&chosen), "/sign-in?reset=1");

    assert_eq!(
        elsewhere.get("/dashboard").await.status(),
        StatusCode::SEE_OTHER,
        "every session ends with the reset"
    );
    assert_ne!(
        app.browser().sign_in(&email, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.browser().sign_in(&email, new).await.status(),
        StatusCode::SEE_OTHER
    );
    // The link works once.
    assert_eq!(visitor.get(&link).await.status(), StatusCode::NOT_FOUND);
    let again = visitor
        .submit(
            "/password-reset",
            &link,
            &[("new_password", new), ("confirm_password", new)],
        )
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

async fn nobody_learns_whether_an_address_has_an_account(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let email = app.add_member(app.organisation, Role::Referrer).await;
    let page = |response: reqwest::Response| async move {
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, text.replace(&email_of(&text), "ADDRESS"))
    };
    fn email_of(page: &str) -> String {
        page.split("<strong>")
            .nth(1)
            .and_then(|s| s.split("</strong>").next())
            .unwrap_or_default()
            .to_owned()
    }
    let known = page(
        app.browser()
            .submit("/password-reset", "/password-reset", &[("email", &email)])
            .await,
    )
    .await;
    let unknown = page(
        app.browser()
            .submit(
                "/password-reset",
                "/password-reset",
                &[("email", "nobody.here@example.org")],
            )
            .await,
    )
    .await;
    assert_eq!(known.0, unknown.0);
    assert_eq!(
        known.1.replace(char::is_alphanumeric, ""),
        unknown.1.replace(char::is_alphanumeric, ""),
        "the same page, but for the address and the form's token"
    );
    assert_eq!(
        emails(&app).await.len(),
        1,
        "only the account's address is emailed"
    );

    let malformed = app
        .browser()
        .submit(
            "/password-reset",
            "/password-reset",
            &[("email", "not an address")],
        )
        .await;
    assert_eq!(malformed.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn only_the_latest_link_works_and_an_unknown_one_never(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let email = app.add_member(app.organisation, Role::Supervisor).await;
    let visitor = app.browser();
    for _ in 0..2 {
        visitor
            .submit("/password-reset", "/password-reset", &[("email", &email)])
            .await;
    }
    let mail = emails(&app).await;
    assert_eq!(mail.len(), 2);
    let (first, second) = (link_in(&mail[0].1), link_in(&mail[1].1));
    let statuses = [
        visitor.get(&first).await.status(),
        visitor.get(&second).await.status(),
    ];
    assert!(
        statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::NOT_FOUND),
        "one of the two links, the later, works: {statuses:?}"
    );
    assert_eq!(
        visitor.get("/password-reset/pwr_made_up").await.status(),
        StatusCode::NOT_FOUND
    );
}

on_both_engines!(
    a_forgotten_password_is_chosen_again_through_an_emailed_link,
    nobody_learns_whether_an_address_has_an_account,
    only_the_latest_link_works_and_an_unknown_one_never,
);
