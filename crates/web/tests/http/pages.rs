//! Programme pages, the audit log and tenancy, through the browser face.

use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use reqwest::StatusCode;

use crate::support::{TestApp, input_value, location, pairs, programme_form};

async fn a_programme_is_added_edited_archived_and_restored(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let browser = app.signed_in(Role::Coordinator).await;
    let created = browser
        .submit(
            "/programmes/new",
            "/programmes",
            &pairs(&programme_form("Diabetes mentors")),
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let path = location(&created);
    let path = path.strip_suffix("?saved=1").unwrap().to_owned();
    let page = browser
        .get(&format!("{path}?saved=1"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<h1>Diabetes mentors</h1>")
            && page.contains("The programme has been saved")
            && page.contains("Type 2 diabetes")
    );

    let edit = browser
        .get(&format!("{path}/edit"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        input_value(&edit, "name").as_deref(),
        Some("Diabetes mentors")
    );
    let mut form = programme_form("Diabetes peer mentors");
    form.push(("ignored_extra_field", "x".into()));
    let saved = browser
        .submit(
            &format!("{path}/edit"),
            &format!("{path}/edit"),
            &pairs(&form),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert!(
        browser
            .get(&path)
            .await
            .text()
            .await
            .unwrap()
            .contains("<h1>Diabetes peer mentors</h1>")
    );

    let archived = browser.submit(&path, &format!("{path}/archive"), &[]).await;
    assert_eq!(location(&archived), format!("{path}?archived=1"));
    let again = browser.submit(&path, &format!("{path}/archive"), &[]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("A programme that is archived cannot be archived.")
    );
    assert!(
        !browser
            .get("/programmes")
            .await
            .text()
            .await
            .unwrap()
            .contains("Diabetes peer mentors")
    );
    assert!(
        browser
            .get("/programmes?archived=1")
            .await
            .text()
            .await
            .unwrap()
            .contains("Diabetes peer mentors")
    );
    let restored = browser.submit(&path, &format!("{path}/restore"), &[]).await;
    assert_eq!(location(&restored), format!("{path}?restored=1"));

    let events: Vec<_> = app
        .audit_events()
        .await
        .into_iter()
        .filter(|(_, entity, _)| entity == "programme")
        .collect();
    let details: Vec<_> = events.iter().map(|(e, _, d)| format!("{e}: {d}")).collect();
    assert_eq!(
        details,
        [
            "create: created",
            "update: changed: name",
            "delete: archived",
            "update: restored"
        ]
    );
}

async fn a_form_with_errors_keeps_what_was_typed(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let browser = app.signed_in(Role::Admin).await;
    let mut form = programme_form("Walk & talk <group>");
    form[2].1 = String::new(); // no model
    form[6].1 = "lots".into(); // capacity
    let response = browser
        .submit("/programmes/new", "/programmes", &pairs(&form))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("<title>Error: Add a programme"));
    assert!(page.contains(r##"<a href="#model">Choose how support is given</a>"##));
    assert!(page.contains(r##"<a href="#capacity">Capacity must be a whole number, like 12</a>"##));
    assert_eq!(
        input_value(&page, "name").as_deref(),
        Some("Walk &#38; talk &#60;group&#62;"),
        "kept, and escaped"
    );
    assert_eq!(input_value(&page, "capacity").as_deref(), Some("lots"));
    assert!(
        page.contains(r#"value="clinical" checked"#),
        "the chosen setting stays chosen"
    );
    assert!(
        alongside_db::programmes::list(&app.test_db.db, app.organisation, true)
            .await
            .unwrap()
            .is_empty(),
        "nothing half-saved"
    );
}

async fn another_organisations_programme_is_not_found(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let south = TestApp::organisation_in(&app.test_db, "South").await;
    let theirs = app.signed_in_at(south, Role::Admin).await;
    let created = theirs
        .submit(
            "/programmes/new",
            "/programmes",
            &pairs(&programme_form("South only")),
        )
        .await;
    let path = location(&created).replace("?saved=1", "");

    let ours = app.signed_in(Role::Admin).await;
    for page in [path.clone(), format!("{path}/edit")] {
        let response = ours.get(&page).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{page}");
        assert!(response.text().await.unwrap().contains("Page not found"));
    }
    let archive = ours
        .submit("/dashboard", &format!("{path}/archive"), &[])
        .await;
    assert_eq!(archive.status(), StatusCode::NOT_FOUND);
    let edit = ours
        .submit(
            "/dashboard",
            &format!("{path}/edit"),
            &pairs(&programme_form("Taken over")),
        )
        .await;
    assert_eq!(edit.status(), StatusCode::NOT_FOUND);
    assert!(
        !ours
            .get("/programmes?archived=1")
            .await
            .text()
            .await
            .unwrap()
            .contains("South only")
    );
    assert!(
        theirs
            .get(&path)
            .await
            .text()
            .await
            .unwrap()
            .contains("South only"),
        "untouched"
    );
}

async fn malformed_ids_are_not_found(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let browser = app.signed_in(Role::Coordinator).await;
    for path in [
        "/programmes/42",
        "/programmes/not-an-id/edit",
        "/programmes/0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10",
    ] {
        assert_eq!(
            browser.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

async fn the_audit_log_shows_refusals_and_changes_to_admins(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let participant = app.signed_in(Role::Participant).await;
    assert_eq!(
        participant.get("/audit").await.status(),
        StatusCode::FORBIDDEN
    );
    let admin = app.signed_in(Role::Admin).await;
    let page = admin.get("/audit").await.text().await.unwrap();
    assert!(
        page.contains("denied") && page.contains("view_audit_log: role does not allow this action")
    );
    assert!(page.contains("sign_in"));
    assert_eq!(admin.get("/staff").await.status(), StatusCode::OK);
    assert!(
        app.audit_events()
            .await
            .iter()
            .any(|(event, entity, _)| event == "view" && entity == "staff_list"),
        "looking at staff's details is audited"
    );
    assert_eq!(
        admin.get("/audit?page=two").await.status(),
        StatusCode::OK,
        "a page that is not a number is the first"
    );
}

async fn the_dashboard_shows_what_the_role_can_do(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let admin = app
        .signed_in(Role::Admin)
        .await
        .get("/dashboard")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        admin.contains(r#"href="/staff""#)
            && admin.contains(r#"href="/audit""#)
            && admin.contains("Add a programme")
    );
    let commissioner = app
        .signed_in(Role::Commissioner)
        .await
        .get("/dashboard")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !commissioner.contains(r#"href="/staff""#)
            && !commissioner.contains(r#"href="/audit""#)
            && !commissioner.contains("Add a programme")
    );
    assert!(commissioner.contains("Commissioner"));
}

on_both_engines!(
    a_programme_is_added_edited_archived_and_restored,
    a_form_with_errors_keeps_what_was_typed,
    another_organisations_programme_is_not_found,
    malformed_ids_are_not_found,
    the_audit_log_shows_refusals_and_changes_to_admins,
    the_dashboard_shows_what_the_role_can_do,
);
