//! Health, metrics, assets, error pages and headers.

use alongside_testdb::{TestDb, on_both_engines};
use alongside_web::api::ProblemKind;
use reqwest::StatusCode;

use crate::support::TestApp;

async fn health_and_readiness_answer(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let browser = app.browser();
    let health = browser.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    assert!(health.headers().get("set-cookie").is_none());
    assert_eq!(health.text().await.unwrap(), "ok");
    assert_eq!(browser.get("/readyz").await.text().await.unwrap(), "ready");
    browser.get("/").await;
    browser.get("/").await;
    let metrics = browser.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(r#"alongside_http_requests_total{method="GET",route="/",status="200"} 2"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"alongside_http_request_duration_seconds_count{route="/"} 2"#),
        "{metrics}"
    );
    assert!(
        !metrics.contains("/healthz"),
        "health checks are not counted: load balancers call them constantly"
    );
}

async fn public_pages_do_no_session_work(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let home = app.browser().get("/").await;
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.headers().get("set-cookie").is_none());
    for header in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "x-request-id",
    ] {
        assert!(home.headers().get(header).is_some(), "{header}");
    }
    let page = home.text().await.unwrap();
    assert!(
        page.contains(
            r##"<a class="nhsuk-skip-link" href="#maincontent">Skip to main content</a>"##
        )
    );
}

async fn assets_are_served_with_long_lived_caching(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let browser = app.browser();
    let page = browser.get("/sign-in").await.text().await.unwrap();
    let href = regex::Regex::new(r#"href="(/assets/[0-9a-f]+/nhsuk\.css)""#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_owned();
    let css = browser.get(&href).await;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(
        css.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let css = css.text().await.unwrap();
    assert!(
        css.contains(".nhsuk-error-summary") && !css.contains("https://"),
        "no fonts from a CDN"
    );
    assert_eq!(
        browser.get("/assets/abc/nothing.css").await.status(),
        StatusCode::NOT_FOUND
    );
    let gzipped = browser
        .client
        .get(format!("{}{href}", app.url))
        .header("accept-encoding", "br, gzip;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert_eq!(gzipped.headers()["vary"], "accept-encoding");
    let compressed = gzipped.bytes().await.unwrap();
    assert_eq!(&compressed[..2], &[0x1f, 0x8b], "a gzip stream");
    assert!(
        compressed.len() < css.len() / 3,
        "{} bytes gzipped of {}",
        compressed.len(),
        css.len()
    );
}

async fn unknown_paths_get_a_friendly_page_or_a_problem(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let page = app.browser().get("/no-such-page").await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await.unwrap().contains("Page not found"));
    let api = app.browser().get("/api/v1/no-such-thing").await;
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
}

async fn every_problem_type_is_documented(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let browser = app.browser();
    for kind in ProblemKind::ALL {
        let page = browser.get(&format!("/problems/{}", kind.slug())).await;
        assert_eq!(page.status(), StatusCode::OK, "{kind:?}");
        assert!(page.text().await.unwrap().contains(kind.title()));
    }
    assert_eq!(
        browser.get("/problems/nonsense").await.status(),
        StatusCode::NOT_FOUND
    );
}

async fn a_broken_database_gives_a_clean_500_without_sql(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let browser = app.signed_in(alongside_domain::Role::Coordinator).await;
    let api = app.api(Some(
        &app.api_token(alongside_domain::Role::Coordinator).await,
    ));
    // Break the schema on purpose, as an outage or a bad deploy would.
    alongside_db::on_db!(&app.test_db.db, |p| sqlx::query(
        "ALTER TABLE programmes RENAME TO programmes_gone"
    )
    .execute(p)
    .await
    .map(|_| ()))
    .unwrap();

    let page = browser.get("/programmes").await;
    assert_eq!(page.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let page = page.text().await.unwrap();
    assert!(page.contains("Sorry, there is a problem with the service"));
    for leak in [
        "programmes_gone",
        "no such table",
        "does not exist",
        "SELECT",
        "sqlx",
        "panicked",
    ] {
        assert!(!page.contains(leak), "the page leaks {leak:?}");
    }
    let response = api.get("/programmes").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        response.headers().get("x-request-id").is_some(),
        "the id to quote"
    );
    let body = response.text().await.unwrap();
    assert!(
        body.contains("/problems/internal") && body.contains("X-Request-Id"),
        "{body}"
    );
    for leak in ["programmes", "SELECT", "sqlx"] {
        assert!(!body.contains(leak), "the problem leaks {leak:?}: {body}");
    }
}

async fn a_change_whose_audit_entry_fails_is_not_saved(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let api = app.api(Some(
        &app.api_token(alongside_domain::Role::Coordinator).await,
    ));
    // The programme insert succeeds; its audit entry, in the same transaction, cannot.
    alongside_db::on_db!(&app.test_db.db, |p| sqlx::query(
        "ALTER TABLE audit_log RENAME TO audit_log_gone"
    )
    .execute(p)
    .await
    .map(|_| ()))
    .unwrap();
    let created = api
        .post_json(
            "/programmes",
            &crate::support::programme_json("Never half-saved"),
        )
        .await;
    assert_eq!(created.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let stored = alongside_db::programmes::list(&app.test_db.db, app.organisation, true)
        .await
        .unwrap();
    assert!(
        stored.is_empty(),
        "the programme was rolled back with its audit entry"
    );
}

on_both_engines!(
    a_broken_database_gives_a_clean_500_without_sql,
    a_change_whose_audit_entry_fails_is_not_saved,
    health_and_readiness_answer,
    public_pages_do_no_session_work,
    assets_are_served_with_long_lived_caching,
    unknown_paths_get_a_friendly_page_or_a_problem,
    every_problem_type_is_documented,
);

#[test]
fn every_problem_kind_has_its_own_type_and_a_4xx_or_5xx_status() {
    let mut slugs: Vec<_> = ProblemKind::ALL.iter().map(|k| k.slug()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), ProblemKind::ALL.len());
    for kind in ProblemKind::ALL {
        assert!(
            kind.status().is_client_error() || kind.status().is_server_error(),
            "{kind:?}"
        );
        assert_eq!(ProblemKind::from_slug(kind.slug()), Some(kind));
    }
}
