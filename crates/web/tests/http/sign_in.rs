//! Signing in and out, lockout, rate limit, CSRF, passwords, invitations, tokens.

use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use alongside_web::WebSettings;
use reqwest::StatusCode;

use crate::support::{PASSWORD, TestApp, input_value, location};

async fn the_right_password_starts_a_session_with_a_safe_cookie(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let email = app.add_member(app.organisation, Role::Coordinator).await;
    let browser = app.browser();
    let response = browser.sign_in(&email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/dashboard");
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_none(),
        "over plain http (a trial on a laptop) HSTS would mean nothing"
    );
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("alongside_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let page = browser.get("/dashboard").await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("Hello, Test Coordinator") && page.contains("North"));
    assert!(
        app.audit_events()
            .await
            .iter()
            .any(|(event, _, _)| event == "sign_in")
    );
}

async fn over_https_cookies_are_host_only_and_browsers_stay_on_https(db: TestDb) {
    let settings = WebSettings {
        public_url: "https://alongside.example".into(),
        ..WebSettings::default()
    };
    let app = TestApp::spawn_with(db, settings).await;
    let response = app.browser().get("/sign-in").await;
    assert_eq!(
        response
            .headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.contains("alongside_visitor="))
        .expect("a visitor cookie");
    assert!(cookie.starts_with("__Host-alongside_visitor="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"),
        "a browser keeps a __Host- cookie only so: {cookie}"
    );
}

async fn a_wrong_password_or_unknown_email_get_the_same_message(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let email = app.add_member(app.organisation, Role::Admin).await;
    for (who, password) in [
        (email.as_str(), "not the password"),
        ("nobody@example.org", PASSWORD),
    ] {
        let response = app.browser().sign_in(who, password).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let page = response.text().await.unwrap();
        assert!(page.contains("Wrong email address or password"));
        assert!(page.contains("There is a problem"));
        assert_eq!(
            input_value(&page, "email").as_deref(),
            Some(who),
            "the email typed is kept"
        );
        assert!(
            !page.contains(password),
            "the password is never shown again"
        );
    }
}

async fn empty_fields_are_named(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let response = app.browser().sign_in("", "").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("Enter an email address") && page.contains("Enter your password"));
    assert!(page.contains("<title>Error: Sign in"));
}

async fn five_wrong_passwords_lock_the_account(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let email = app.add_member(app.organisation, Role::Supervisor).await;
    let browser = app.browser();
    for _ in 0..5 {
        assert_eq!(
            browser.sign_in(&email, "wrong password!").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let response = browser.sign_in(&email, PASSWORD).await;
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "locked: even the right password is refused"
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Wrong email address or password")
    );
    let failures = app
        .audit_events()
        .await
        .into_iter()
        .filter(|(e, _, _)| e == "sign_in_failed")
        .map(|(_, _, d)| d)
        .collect::<Vec<_>>();
    assert!(
        failures.contains(&"wrong password; account locked".to_owned()),
        "{failures:?}"
    );
    assert!(
        failures.contains(&"account locked".to_owned()),
        "{failures:?}"
    );
}

async fn too_many_attempts_from_one_address_are_slowed(db: TestDb) {
    let settings = WebSettings {
        sign_in_attempts_per_minute: 3,
        ..WebSettings::default()
    };
    let app = TestApp::spawn_with(db, settings).await;
    let browser = app.browser();
    for _ in 0..3 {
        assert_eq!(
            browser
                .sign_in("someone@example.org", "whatever pw")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let response = browser.sign_in("someone@example.org", "whatever pw").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Too many sign-in attempts")
    );
}

async fn a_form_without_its_csrf_token_is_refused(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let browser = app.signed_in(Role::Admin).await;
    for token in ["", "forged"] {
        let response = browser
            .post_form("/programmes", token, &[("name", "Sneaky")])
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("This form has expired")
        );
    }
    // Another browser's token does not work either.
    let other = app.signed_in(Role::Admin).await;
    let token = other.csrf("/programmes/new").await;
    assert_eq!(
        browser
            .post_form("/programmes", &token, &[("name", "Sneaky")])
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert!(
        alongside_db::programmes::list(&app.test_db.db, app.organisation, true)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn signing_out_ends_the_session(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let browser = app.signed_in(Role::Referrer).await;
    let response = browser.submit("/dashboard", "/sign-out", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/sign-in?signed_out=1");
    let response = browser.get("/dashboard").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/sign-in?next=%2Fdashboard");
    assert!(
        browser
            .get("/sign-in?signed_out=1")
            .await
            .text()
            .await
            .unwrap()
            .contains("You have signed out")
    );
}

async fn after_sign_in_only_local_pages_are_followed(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let email = app.add_member(app.organisation, Role::Coordinator).await;
    for (next, expected) in [
        ("/programmes", "/programmes"),
        ("//evil.example/", "/dashboard"),
        ("https://evil.example/", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
    ] {
        let browser = app.browser();
        let response = browser
            .submit(
                "/sign-in",
                "/sign-in",
                &[("email", &email), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(location(&response), expected, "next = {next}");
    }
}

async fn changing_the_password_signs_out_other_devices(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let email = app.add_member(app.organisation, Role::PeerSupporter).await;
    let (laptop, phone) = (app.browser(), app.browser());
    laptop.sign_in(&email, PASSWORD).await;
    phone.sign_in(&email, PASSWORD).await;

    let wrong = laptop
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", "nope nope nope"),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Your current password is wrong")
    );
    let mismatch = laptop
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "another one entirely"),
            ],
        )
        .await;
    assert!(
        mismatch
            .text()
            .await
            .unwrap()
            .contains("The passwords do not match")
    );
    let weak = laptop
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    assert!(
        weak.text()
            .await
            .unwrap()
            .contains("Password must be at least 10 characters")
    );

    let done = laptop
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(location(&done), "/account/password?changed=1");
    assert_eq!(
        laptop.get("/dashboard").await.status(),
        StatusCode::OK,
        "this device stays signed in"
    );
    assert_eq!(
        phone.get("/dashboard").await.status(),
        StatusCode::SEE_OTHER,
        "other devices are signed out"
    );
    assert_eq!(
        app.browser().sign_in(&email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.browser()
            .sign_in(&email, "a brand new passphrase")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

async fn an_invitation_makes_an_account_once(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let admin = app.signed_in(Role::Admin).await;
    let bad = admin
        .submit(
            "/staff/invite",
            "/staff/invite",
            &[("email", "not an email"), ("role", "emperor")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = bad.text().await.unwrap();
    assert!(
        page.contains("Enter an email address in the correct format")
            && page.contains("Choose a role from the list")
    );
    assert_eq!(input_value(&page, "email").as_deref(), Some("not an email"));

    let page = admin
        .submit(
            "/staff/invite",
            "/staff/invite",
            &[
                ("email", "New.Peer@Example.org"),
                ("role", "peer_supporter"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    let link = regex::Regex::new(r#"data-testid="invitation-link">([^<]+)<"#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_owned();
    let path = link.strip_prefix(&app.url).unwrap().to_owned();
    assert!(
        admin
            .get("/staff")
            .await
            .text()
            .await
            .unwrap()
            .contains("new.peer@example.org")
    );

    let newcomer = app.browser();
    let form = newcomer.get(&path).await.text().await.unwrap();
    assert!(form.contains("Join North") && form.contains("Peer supporter"));
    let mismatch = newcomer
        .submit(
            &path,
            &path,
            &[
                ("display_name", "Nia Evans"),
                ("password", "a fine passphrase"),
                ("confirm_password", "different"),
            ],
        )
        .await;
    assert_eq!(mismatch.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        input_value(&mismatch.text().await.unwrap(), "display_name").as_deref(),
        Some("Nia Evans")
    );
    let accepted = newcomer
        .submit(
            &path,
            &path,
            &[
                ("display_name", "Nia Evans"),
                ("password", "a fine passphrase"),
                ("confirm_password", "a fine passphrase"),
            ],
        )
        .await;
    assert_eq!(location(&accepted), "/dashboard");
    let dashboard = newcomer.get("/dashboard").await.text().await.unwrap();
    assert!(dashboard.contains("Hello, Nia Evans") && dashboard.contains("Peer supporter"));

    let again = app.browser().get(&path).await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "a link works once");
    assert_eq!(
        app.browser().get("/invitations/inv_unknown").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.browser()
            .sign_in("new.peer@example.org", "a fine passphrase")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

async fn api_tokens_are_shown_once_and_can_be_revoked(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let browser = app.signed_in(Role::Coordinator).await;
    let empty = browser
        .submit("/account/tokens", "/account/tokens", &[("name", "  ")])
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = browser
        .submit("/account/tokens", "/account/tokens", &[("name", "reports")])
        .await
        .text()
        .await
        .unwrap();
    let token = regex::Regex::new(r#"data-testid="new-api-token">([^<]+)<"#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_owned();
    assert!(token.starts_with("alg_"));
    let listing = browser.get("/account/tokens").await.text().await.unwrap();
    assert!(
        listing.contains("reports") && !listing.contains(&token),
        "the token is never shown again"
    );

    let me = app.api(Some(&token)).get("/me").await;
    assert_eq!(me.status(), StatusCode::OK);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["role"], "coordinator");
    assert_eq!(me["organisation"]["name"], "North");

    let id = regex::Regex::new(r#"/account/tokens/([0-9a-f-]{36})/revoke"#)
        .unwrap()
        .captures(&listing)
        .unwrap()[1]
        .to_owned();
    let revoked = browser
        .submit(
            "/account/tokens",
            &format!("/account/tokens/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.api(Some(&token)).get("/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

on_both_engines!(
    the_right_password_starts_a_session_with_a_safe_cookie,
    over_https_cookies_are_host_only_and_browsers_stay_on_https,
    a_wrong_password_or_unknown_email_get_the_same_message,
    empty_fields_are_named,
    five_wrong_passwords_lock_the_account,
    too_many_attempts_from_one_address_are_slowed,
    a_form_without_its_csrf_token_is_refused,
    signing_out_ends_the_session,
    after_sign_in_only_local_pages_are_followed,
    changing_the_password_signs_out_other_devices,
    an_invitation_makes_an_account_once,
    api_tokens_are_shown_once_and_can_be_revoked,
);
