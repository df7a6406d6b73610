//! Self-referral through the public form, the queue and triage, on both engines.

use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use alongside_web::WebSettings;
use reqwest::StatusCode;

use crate::support::{Browser, TestApp, input_value, location, programme_json};

pub(crate) fn answers<'a>(given: &'a str, postcode: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("given_name", given),
        ("family_name", "Ellis"),
        ("dob_day", "27"),
        ("dob_month", "3"),
        ("dob_year", "1956"),
        ("postcode", postcode),
        ("phone", "07700 900982"),
        ("email", ""),
        ("conditions", "COPD"),
        ("support_wanted", "Someone to talk to"),
        ("consent_store", "yes"),
        ("consent_contact", "yes"),
        ("website", ""),
    ]
}

/// Refers `given` through the public form; returns the reference.
pub async fn refer(browser: &Browser, given: &str) -> String {
    let response = browser
        .submit("/refer/north", "/refer/north", &answers(given, "ls1 4ap"))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = location(&response);
    assert!(to.starts_with("/refer/north/received?reference=R-"), "{to}");
    to.rsplit('=').next().unwrap().to_owned()
}

/// The id of the referral with `reference`, from the coordinator's queue.
pub async fn referral_id(coordinator: &Browser, reference: &str, view: &str) -> String {
    let queue = coordinator
        .get(&format!("/referrals?view={view}"))
        .await
        .text()
        .await
        .unwrap();
    let re = regex::Regex::new(&format!(
        r#"<a href="/referrals/([0-9a-f-]{{36}})">{reference}</a>"#
    ))
    .unwrap();
    re.captures(&queue)
        .unwrap_or_else(|| panic!("{reference} is not in the {view} queue"))[1]
        .to_owned()
}

async fn a_person_refers_themself_and_a_coordinator_triages(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let public = app.browser();
    let form = public.get("/refer/north").await;
    assert_eq!(form.status(), StatusCode::OK);
    assert!(form.text().await.unwrap().contains("Ask for peer support"));

    let mut bad = answers("", "nowhere");
    bad.retain(|(k, _)| *k != "consent_store");
    let response = public.submit("/refer/north", "/refer/north", &bad).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Enter your first name")
            && page.contains("Enter a full UK postcode")
            && page.contains("Tick the box")
    );
    assert_eq!(
        input_value(&page, "postcode").as_deref(),
        Some("nowhere"),
        "what was typed is kept"
    );
    assert!(page.contains(
        r#"name="dob_year" type="text" inputmode="numeric" autocomplete="bday-year" value="1956""#
    ));

    let reference = refer(&public, "Maureen").await;
    let confirmation = public
        .get(&format!("/refer/north/received?reference={reference}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(confirmation.contains(&reference) && confirmation.contains("What happens next"));

    let coordinator = app.signed_in(Role::Coordinator).await;
    let id = referral_id(&coordinator, &reference, "new").await;
    let path = format!("/referrals/{id}");
    let page = coordinator.get(&path).await.text().await.unwrap();
    assert!(
        page.contains("Maureen Ellis")
            && page.contains("LS1 4AP")
            && page.contains("27 March 1956")
            && page.contains("Self-referral")
    );
    assert!(
        app.audit_events()
            .await
            .iter()
            .any(|(event, entity, _)| event == "view" && entity == "referral"),
        "looking at a person is audited"
    );

    let triage = format!("{path}/triage");
    assert_eq!(
        location(
            &coordinator
                .submit(&path, &triage, &[("decision", "start")])
                .await
        ),
        format!("{path}?saved=1")
    );
    let missing = coordinator
        .submit(
            &path,
            &triage,
            &[("decision", "accept"), ("note", "keen to start")],
        )
        .await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let missing = missing.text().await.unwrap();
    assert!(missing.contains("Choose the programme whose waiting list the person joins"));
    assert!(missing.contains("keen to start"), "the note typed is kept");

    let admin_api = app.api(Some(&app.api_token(Role::Admin).await));
    let programme: serde_json::Value = admin_api
        .post_json("/programmes", &programme_json("Breathe easy"))
        .await
        .json()
        .await
        .unwrap();
    let programme = programme["id"].as_str().unwrap().to_owned();
    let accepted = coordinator
        .submit(
            &path,
            &triage,
            &[
                ("decision", "accept"),
                ("programme", &programme),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let page = coordinator.get(&path).await.text().await.unwrap();
    assert!(page.contains("On a waiting list: Breathe easy"));
    assert!(
        page.contains("Tom") || page.contains("Test Coordinator"),
        "the history names who decided"
    );
    assert!(
        coordinator
            .get("/referrals?view=waiting")
            .await
            .text()
            .await
            .unwrap()
            .contains(&reference)
    );

    let again = coordinator
        .submit(&path, &triage, &[("decision", "start")])
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("A referral that is on a waiting list cannot be taken into triage.")
    );
    assert_eq!(
        coordinator
            .submit(&path, &triage, &[("decision", "close")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        coordinator
            .get("/referrals?view=done")
            .await
            .text()
            .await
            .unwrap()
            .contains(&reference)
    );
    let changes: Vec<_> = app
        .audit_events()
        .await
        .into_iter()
        .filter(|(e, entity, _)| e == "update" && entity == "referral")
        .map(|(_, _, d)| d)
        .collect();
    assert_eq!(
        changes,
        [
            "received → in_triage",
            "in_triage → accepted",
            "accepted → closed"
        ]
    );
}

async fn declining_needs_a_reason_and_signposting_a_place(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let reference = refer(&app.browser(), "Alan").await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let path = format!(
        "/referrals/{}",
        referral_id(&coordinator, &reference, "new").await
    );
    let triage = format!("{path}/triage");
    coordinator
        .submit(&path, &triage, &[("decision", "start")])
        .await;
    let no_reason = coordinator
        .submit(&path, &triage, &[("decision", "decline")])
        .await
        .text()
        .await
        .unwrap();
    assert!(no_reason.contains("Choose why the referral is declined"));
    let no_place = coordinator
        .submit(&path, &triage, &[("decision", "signpost"), ("note", " ")])
        .await
        .text()
        .await
        .unwrap();
    assert!(no_place.contains("Say where the person was signposted to"));
    let nothing = coordinator
        .submit(&path, &triage, &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(nothing.contains("Choose what happens next"));
    let declined = coordinator
        .submit(
            &path,
            &triage,
            &[
                ("decision", "decline"),
                ("reason", "no_contact"),
                ("note", "three calls"),
            ],
        )
        .await;
    assert_eq!(declined.status(), StatusCode::SEE_OTHER);
    let page = coordinator.get(&path).await.text().await.unwrap();
    assert!(
        page.contains("Declined (Could not make contact)")
            && page.contains("Could not make contact: three calls")
    );
}

async fn a_referral_is_signposted_to_another_programme(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let admin = app.api(Some(&app.api_token(Role::Admin).await));
    let created: serde_json::Value = admin
        .post_json("/programmes", &programme_json("Sight loss peer group"))
        .await
        .json()
        .await
        .unwrap();
    let programme = created["id"].as_str().unwrap().to_owned();
    let reference = refer(&app.browser(), "Alan").await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let path = format!(
        "/referrals/{}",
        referral_id(&coordinator, &reference, "new").await
    );
    let triage = format!("{path}/triage");
    coordinator
        .submit(&path, &triage, &[("decision", "start")])
        .await;
    let signposted = coordinator
        .submit(
            &path,
            &triage,
            &[("decision", "signpost"), ("programme", &programme)],
        )
        .await;
    assert_eq!(signposted.status(), StatusCode::SEE_OTHER);
    let page = coordinator.get(&path).await.text().await.unwrap();
    assert!(page.contains("signposted to Sight loss peer group"));
    assert!(
        !page.contains("Signposted: Sight loss peer group"),
        "signposting does not put the person on that programme's list"
    );
}

async fn a_bot_filling_the_hidden_field_stores_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let mut bot = answers("Spam", "LS1 4AP");
    bot.retain(|(k, _)| *k != "website");
    bot.push(("website", "http://spam.example"));
    let response = app
        .browser()
        .submit("/refer/north", "/refer/north", &bot)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the bot is told nothing"
    );
    let coordinator = app.signed_in(Role::Coordinator).await;
    assert!(
        coordinator
            .get("/referrals")
            .await
            .text()
            .await
            .unwrap()
            .contains("There are no referrals here.")
    );
}

async fn many_referrals_from_one_address_are_slowed(db: TestDb) {
    let settings = WebSettings {
        self_referrals_per_minute: 2,
        ..WebSettings::default()
    };
    let app = TestApp::spawn_with(db, settings).await;
    let public = app.browser();
    refer(&public, "One").await;
    refer(&public, "Two").await;
    let third = public
        .submit("/refer/north", "/refer/north", &answers("Three", "LS1 4AP"))
        .await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    let page = third.text().await.unwrap();
    assert!(
        page.contains("Wait a minute")
            && input_value(&page, "given_name").as_deref() == Some("Three")
    );
}

async fn referrals_stay_in_their_organisation(db: TestDb) {
    let app = TestApp::spawn(db).await;
    assert_eq!(
        app.browser().get("/refer/nowhere").await.status(),
        StatusCode::NOT_FOUND
    );
    let reference = refer(&app.browser(), "Maureen").await;
    let ours = app.signed_in(Role::Coordinator).await;
    let path = format!("/referrals/{}", referral_id(&ours, &reference, "new").await);
    let south = TestApp::organisation_in(&app.test_db, "South").await;
    let theirs = app.signed_in_at(south, Role::Coordinator).await;
    assert_eq!(theirs.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        theirs
            .submit(
                "/referrals",
                &format!("{path}/triage"),
                &[("decision", "start")]
            )
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        !theirs
            .get("/referrals")
            .await
            .text()
            .await
            .unwrap()
            .contains(&reference)
    );
    assert_eq!(
        ours.get("/referrals/not-an-id").await.status(),
        StatusCode::NOT_FOUND
    );
}

on_both_engines!(
    a_referral_is_signposted_to_another_programme,
    a_person_refers_themself_and_a_coordinator_triages,
    declining_needs_a_reason_and_signposting_a_place,
    a_bot_filling_the_hidden_field_stores_nothing,
    many_referrals_from_one_address_are_slowed,
    referrals_stay_in_their_organisation,
);
