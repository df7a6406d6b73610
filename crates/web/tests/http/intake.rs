//! Professional referrals, the person record, consent, duplicates and the
//! referrer's view of their own referrals, on both engines.

use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use reqwest::StatusCode;

use crate::referrals::{refer, referral_id};
use crate::support::{Browser, TestApp, input_value, location};

fn professional<'a>(given: &'a str, nhs: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("source", "link_worker"),
        ("referrer_name", "Sam Okafor"),
        ("referrer_organisation", "Hyde Park Surgery"),
        ("referrer_contact", "0113 496 0100"),
        ("given_name", given),
        ("family_name", "Mehta"),
        ("preferred_name", "AJ"),
        ("pronouns", "he/him"),
        ("dob_day", "4"),
        ("dob_month", "9"),
        ("dob_year", "1961"),
        ("nhs_number", nhs),
        ("address", "2 Cardigan Road\nLeeds"),
        ("postcode", "ls6 2ab"),
        ("phone", "0113 496 0000"),
        ("email", ""),
        ("contact_method", "phone"),
        ("contact_times", "Afternoons"),
        ("language", "Punjabi"),
        ("interpreter", "yes"),
        ("accessibility_needs", "Uses a wheelchair"),
        ("condition_codes", "44054006"),
        ("condition_codes", "38341003"),
        ("conditions_other", "Sight loss"),
        ("carer", "yes"),
        ("reason", "Isolated since his diagnosis"),
        ("programme", ""),
        ("risk", "yes"),
        ("risk_details", "Low mood; GP is aware"),
        ("models", "peer_mentoring"),
        ("channels", "phone"),
        ("channels", "face_to_face"),
        ("peer_gender", "man"),
        ("shared_condition", "yes"),
        ("availability", "mon-morning"),
        ("availability", "wed-afternoon"),
        ("travel_miles", "3"),
        ("consent_confirmed", "yes"),
        ("consent_method", "verbal"),
        ("consents", "contact_by_phone"),
        ("consents", "share_with_peer"),
    ]
}

/// Sends a professional referral; returns its reference.
async fn send(referrer: &Browser, fields: &[(&str, &str)]) -> String {
    let response = referrer
        .submit("/referrals/new", "/referrals/new", fields)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = location(&response);
    assert!(to.starts_with("/referrals/sent/R-"), "{to}");
    to.rsplit('/').next().unwrap().to_owned()
}

async fn a_referrer_refers_and_follows_the_outcome_of_their_own_referrals_only(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let referrer = app.signed_in(Role::Referrer).await;
    let form = referrer.get("/referrals/new").await;
    assert_eq!(form.status(), StatusCode::OK);
    let page = form.text().await.unwrap();
    assert!(page.contains("Refer someone for peer support"));
    assert!(
        page.contains(r#"href="/my-referrals""#),
        "referrers see My referrals"
    );

    // Every problem at once, and what was typed stays.
    let mut bad = professional("Arjun", "943 476 5918");
    bad.retain(|(k, _)| !matches!(*k, "consent_confirmed" | "source" | "reason"));
    let response = referrer
        .submit("/referrals/new", "/referrals/new", &bad)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    for message in [
        "Choose who is making the referral",
        "Enter the reason for the referral",
        "Confirm the person agreed",
        "Enter a valid NHS number",
    ] {
        assert!(page.contains(message), "{message}");
    }
    assert_eq!(
        input_value(&page, "nhs_number").as_deref(),
        Some("943 476 5918")
    );
    assert!(
        page.contains(r#"value="mon-morning" checked"#),
        "ticked boxes stay ticked"
    );

    let reference = send(&referrer, &professional("Arjun", "943 476 5919")).await;
    let sent = referrer.get(&format!("/referrals/sent/{reference}")).await;
    assert!(sent.text().await.unwrap().contains(&reference));
    let mine = referrer.get("/my-referrals").await.text().await.unwrap();
    assert!(mine.contains(&reference) && mine.contains("Received"));

    // The coordinator sees the whole record and the flags.
    let coordinator = app.signed_in(Role::Coordinator).await;
    let queue = coordinator.get("/referrals").await.text().await.unwrap();
    assert!(queue.contains("Risk noted") && queue.contains("Interpreter needed"));
    let id = referral_id(&coordinator, &reference, "new").await;
    let record = coordinator
        .get(&format!("/referrals/{id}"))
        .await
        .text()
        .await
        .unwrap();
    for shown in [
        "943 476 5919",
        "Low mood; GP is aware",
        "Diabetes, type 2 (SNOMED CT 44054006)",
        "High blood pressure (hypertension)",
        "Sight loss",
        "Punjabi, needs an interpreter",
        "Uses a wheelchair",
        "Sam Okafor, Hyde Park Surgery",
        "Monday morning, Wednesday afternoon",
        "Contact by phone call",
        "Share their details with their peer supporter",
        "LS6 2AB",
    ] {
        assert!(record.contains(shown), "the record shows {shown}");
    }

    // A decision reaches the referrer as an outcome.
    let csrf = coordinator.csrf(&format!("/referrals/{id}")).await;
    let triage = format!("/referrals/{id}/triage");
    coordinator
        .post_form(&triage, &csrf, &[("decision", "start")])
        .await;
    coordinator
        .post_form(
            &triage,
            &csrf,
            &[
                ("decision", "decline"),
                ("reason", "needs_beyond_peer_support"),
            ],
        )
        .await;
    let outcome = referrer
        .get(&format!("/my-referrals/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(outcome.contains("Declined (Needs more than peer support can safely offer)"));
    assert!(
        !outcome.contains("Low mood"),
        "the referrer sees the outcome, not the coordinator's record"
    );

    // Another referrer sees nothing of it; a peer supporter cannot refer.
    let other = app.signed_in(Role::Referrer).await;
    assert_eq!(
        other.get(&format!("/my-referrals/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        !other
            .get("/my-referrals")
            .await
            .text()
            .await
            .unwrap()
            .contains(&reference)
    );
    let peer = app.signed_in(Role::PeerSupporter).await;
    assert_eq!(
        peer.get("/referrals/new").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        peer.get("/referrals").await.status(),
        StatusCode::FORBIDDEN,
        "a peer supporter cannot see the queue"
    );
}

async fn consent_is_withdrawn_and_first_contact_recorded_on_the_referral_page(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let reference = refer(&app.browser(), "Maureen").await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let id = referral_id(&coordinator, &reference, "new").await;
    let page = format!("/referrals/{id}");
    let csrf = coordinator.csrf(&page).await;

    let nothing = coordinator
        .post_form(
            &format!("{page}/consent"),
            &csrf,
            &[("change", "withdraw"), ("scope", "contact_by_post")],
        )
        .await;
    assert_eq!(nothing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        nothing
            .text()
            .await
            .unwrap()
            .contains("That consent is not in force")
    );
    for scope in ["contact_by_phone", "contact_by_text"] {
        let withdrawn = coordinator
            .post_form(
                &format!("{page}/consent"),
                &csrf,
                &[
                    ("change", "withdraw"),
                    ("scope", scope),
                    ("consent_note", "Asked us not to call"),
                ],
            )
            .await;
        assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    }
    let queue = coordinator.get("/referrals").await.text().await.unwrap();
    assert!(
        queue.contains("No consent to contact"),
        "the withdrawal is honoured in the queue"
    );
    let record = coordinator.get(&page).await.text().await.unwrap();
    assert!(record.contains("Asked us not to call"));
    let given = coordinator
        .post_form(
            &format!("{page}/consent"),
            &csrf,
            &[
                ("change", "give"),
                ("scope", "contact_by_post"),
                ("method", "written"),
            ],
        )
        .await;
    assert_eq!(given.status(), StatusCode::SEE_OTHER);
    let queue = coordinator.get("/referrals").await.text().await.unwrap();
    assert!(!queue.contains("No consent to contact"));

    let contacted = coordinator
        .post_form(
            &format!("{page}/contact"),
            &csrf,
            &[("contact_note", "Spoke by phone")],
        )
        .await;
    assert_eq!(contacted.status(), StatusCode::SEE_OTHER);
    let record = coordinator.get(&page).await.text().await.unwrap();
    assert!(record.contains("first contact made: Spoke by phone"));
    assert!(
        !record.contains("Record first contact"),
        "first contact is recorded once"
    );
    let events = app.audit_events().await;
    assert!(
        events
            .iter()
            .any(|(_, entity, detail)| entity == "person" && detail.contains("consent withdrawn"))
    );
}

async fn a_likely_duplicate_is_shown_and_merged(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let first = refer(&app.browser(), "Maureen").await;
    let second = refer(&app.browser(), "Maureen").await;
    refer(&app.browser(), "Someone").await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let id = referral_id(&coordinator, &second, "new").await;
    let page = format!("/referrals/{id}");
    let record = coordinator.get(&page).await.text().await.unwrap();
    assert!(record.contains("This may be the same person as Maureen Ellis"));
    assert!(record.contains(&first));
    assert!(!record.contains("same person as Someone"));
    let other = input_value(&record, "other").expect("a merge form");
    let csrf = coordinator.csrf(&page).await;
    let forged = coordinator
        .post_form(
            &format!("{page}/merge"),
            &csrf,
            &[("other", "0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10")],
        )
        .await;
    assert_eq!(
        forged.status(),
        StatusCode::NOT_FOUND,
        "only a likely duplicate can be merged"
    );
    let merged = coordinator
        .post_form(&format!("{page}/merge"), &csrf, &[("other", &other)])
        .await;
    assert_eq!(merged.status(), StatusCode::SEE_OTHER);
    let record = coordinator.get(&page).await.text().await.unwrap();
    assert!(!record.contains("This may be the same person"));
    let first_id = referral_id(&coordinator, &first, "new").await;
    let first_page = coordinator
        .get(&format!("/referrals/{first_id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(first_page.contains("referred themself online"));
    assert!(first_page.contains("two records of the same person were merged"));
}

async fn the_queue_filters_by_name_source_and_programme(db: TestDb) {
    let app = TestApp::spawn(db).await;
    refer(&app.browser(), "Maureen").await;
    let referrer = app.signed_in(Role::Referrer).await;
    send(&referrer, &professional("Arjun", "")).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let by_name = coordinator
        .get("/referrals?q=maur")
        .await
        .text()
        .await
        .unwrap();
    assert!(by_name.contains("Maureen Ellis") && !by_name.contains("Arjun Mehta"));
    let by_source = coordinator
        .get("/referrals?source=link_worker")
        .await
        .text()
        .await
        .unwrap();
    assert!(by_source.contains("Arjun Mehta") && !by_source.contains("Maureen Ellis"));
    assert!(by_source.contains(r#"<option value="link_worker" selected>"#));
    let none = coordinator
        .get("/referrals?q=nobody")
        .await
        .text()
        .await
        .unwrap();
    assert!(none.contains("that match the filters"));
}

on_both_engines!(
    a_referrer_refers_and_follows_the_outcome_of_their_own_referrals_only,
    consent_is_withdrawn_and_first_contact_recorded_on_the_referral_page,
    a_likely_duplicate_is_shown_and_merged,
    the_queue_filters_by_name_source_and_programme,
);
