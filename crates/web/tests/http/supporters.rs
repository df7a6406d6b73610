//! Peer supporters' records through the pages, on both engines.

use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use reqwest::StatusCode;

use crate::support::{Browser, TestApp, input_value, location};

fn form<'a>(name: &'a str, checks: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("name", name),
        ("email", "pat@example.org"),
        ("phone", "07700 900123"),
        ("gender", "woman"),
        ("age_band", "55-64"),
        ("languages", "English\nUrdu"),
        ("conditions", "COPD"),
        ("lived_experience", "Carer"),
        ("interests", "Gardening"),
        ("channels", "phone"),
        ("channels", "face_to_face"),
        ("availability", "tue-morning"),
        ("availability", "thu-evening"),
        ("postcode", "ls6 1aa"),
        ("travel_miles", "4"),
        ("capacity", "2"),
        ("checks_valid_until", checks),
        ("training", "Core peer support"),
    ]
}

/// Adds a supporter as `coordinator`; returns the path of their page.
pub async fn add(coordinator: &Browser, name: &str) -> String {
    let response = coordinator
        .submit("/supporters/new", "/supporters", &form(name, "1/9/2099"))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    location(&response).split('?').next().unwrap().to_owned()
}

async fn a_coordinator_keeps_supporters_records(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let mut bad = form("", "31/2/2027");
    bad.retain(|(k, _)| *k != "channels");
    let response = coordinator
        .submit("/supporters/new", "/supporters", &bad)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("Enter their name"));
    assert!(page.contains("Choose at least one way they can give support"));
    assert!(page.contains("must be a real date"));
    assert_eq!(
        input_value(&page, "checks_valid_until").as_deref(),
        Some("31/2/2027")
    );
    assert!(page.contains(r#"value="thu-evening" checked"#));

    let path = add(&coordinator, "Pat Hughes").await;
    let page = coordinator.get(&path).await.text().await.unwrap();
    for shown in [
        "Can be matched",
        "English, Urdu",
        "Tuesday morning, Thursday evening",
        "Phone, Face to face",
        "LS6 1AA, travels up to 4 miles",
        "1 September 2099",
    ] {
        assert!(page.contains(shown), "{shown}");
    }
    let list = coordinator.get("/supporters").await.text().await.unwrap();
    assert!(list.contains("Pat Hughes") && list.contains("LS6"));
    assert!(!list.contains("LS6 1AA"), "lists show the area only");

    // Checks that ran out stop matching, and the reason is shown.
    let edit = format!("{path}/edit");
    assert!(
        coordinator
            .get(&edit)
            .await
            .text()
            .await
            .unwrap()
            .contains(r#"value="1/9/2099""#)
    );
    let expired = coordinator
        .submit(&edit, &edit, &form("Pat Hughes", "1/1/2020"))
        .await;
    assert_eq!(expired.status(), StatusCode::SEE_OTHER);
    let page = coordinator.get(&path).await.text().await.unwrap();
    assert!(
        page.contains("Cannot be matched") && page.contains("Checks ran out on 1 January 2020")
    );

    let status = format!("{path}/status");
    let csrf = coordinator.csrf(&path).await;
    let paused = coordinator
        .post_form(&status, &csrf, &[("change", "pause")])
        .await;
    assert_eq!(paused.status(), StatusCode::SEE_OTHER);
    let again = coordinator
        .post_form(&status, &csrf, &[("change", "pause")])
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("A supporter that is paused cannot be paused")
    );
    coordinator
        .post_form(&status, &csrf, &[("change", "leave")])
        .await;
    let list = coordinator.get("/supporters").await.text().await.unwrap();
    assert!(!list.contains("Pat Hughes"), "those who left are hidden");
    let all = coordinator
        .get("/supporters?left=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(all.contains("Pat Hughes") && all.contains("Left"));
    let events = app.audit_events().await;
    assert!(
        events
            .iter()
            .any(|(_, entity, detail)| entity == "supporter" && detail == "paused → left")
    );
}

async fn supporters_stay_in_their_organisation(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let path = add(&app.signed_in(Role::Coordinator).await, "Pat Hughes").await;
    let south = TestApp::organisation_in(&app.test_db, "South").await;
    let elsewhere = app.signed_in_at(south, Role::Coordinator).await;
    assert_eq!(elsewhere.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert!(
        !elsewhere
            .get("/supporters")
            .await
            .text()
            .await
            .unwrap()
            .contains("Pat Hughes")
    );
    let peer = app.signed_in(Role::PeerSupporter).await;
    assert_eq!(
        peer.get("/supporters").await.status(),
        StatusCode::FORBIDDEN
    );
}

on_both_engines!(
    a_coordinator_keeps_supporters_records,
    supporters_stay_in_their_organisation,
);
