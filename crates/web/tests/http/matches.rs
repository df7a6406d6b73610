//! Matching a person with a peer supporter by hand, on both engines.

use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use reqwest::StatusCode;

use crate::referrals::{refer, referral_id};
use crate::support::{Browser, TestApp, programme_json};

/// Accepts the referral at `path` onto a new programme.
async fn accept(app: &TestApp, coordinator: &Browser, path: &str) {
    let admin = app.api(Some(&app.api_token(Role::Admin).await));
    let created: serde_json::Value = admin
        .post_json("/programmes", &programme_json("Breathe buddies"))
        .await
        .json()
        .await
        .unwrap();
    let programme = created["id"].as_str().unwrap().to_owned();
    let triage = format!("{path}/triage");
    coordinator
        .submit(path, &triage, &[("decision", "start")])
        .await;
    let accepted = coordinator
        .submit(
            path,
            &triage,
            &[("decision", "accept"), ("programme", &programme)],
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
}

fn supporter_id(path: &str) -> String {
    path.rsplit('/').next().unwrap().to_owned()
}

/// The id of the open match on the referral page.
fn match_action(page: &str) -> String {
    regex::Regex::new(r#"action="(/matches/[0-9a-f-]{36})""#)
        .unwrap()
        .captures(page)
        .expect("an open match")[1]
        .to_owned()
}

async fn a_coordinator_matches_a_person_by_hand(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let pat = crate::supporters::add(&coordinator, "Pat Hughes").await;
    let sam = crate::supporters::add(&coordinator, "Sam Lee").await;
    let reference = refer(&app.browser(), "Maureen").await;
    let path = format!(
        "/referrals/{}",
        referral_id(&coordinator, &reference, "new").await
    );
    let propose = format!("{path}/matches");
    let early = coordinator
        .submit(&path, &propose, &[("supporter", &supporter_id(&pat))])
        .await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        early
            .text()
            .await
            .unwrap()
            .contains("Only a person on a waiting list")
    );

    accept(&app, &coordinator, &path).await;
    let page = coordinator.get(&path).await.text().await.unwrap();
    assert!(page.contains("Choose a peer supporter") && page.contains("Pat Hughes"));
    assert!(page.contains("Lived with COPD"), "what they share is shown");

    let proposed = coordinator
        .submit(&path, &propose, &[("supporter", &supporter_id(&pat))])
        .await;
    assert_eq!(proposed.status(), StatusCode::SEE_OTHER);
    let page = coordinator.get(&path).await.text().await.unwrap();
    assert!(page.contains("Pat Hughes: Proposed"));
    assert!(page.contains("match proposed with Pat Hughes"));
    assert!(
        !page.contains("Propose the match"),
        "one open proposal at a time"
    );
    let again = coordinator
        .submit(&path, &propose, &[("supporter", &supporter_id(&sam))])
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Pat says no: declined, and Pat is not offered again.
    let decide = match_action(&page);
    let csrf = coordinator.csrf(&path).await;
    let no = coordinator
        .post_form(&decide, &csrf, &[("decision", "supporter_no")])
        .await;
    assert_eq!(no.status(), StatusCode::SEE_OTHER);
    let page = coordinator.get(&path).await.text().await.unwrap();
    assert!(page.contains("Pat Hughes: Declined"));
    assert!(page.contains("Pat Hughes: Excluded: Declined before"));
    let excluded = coordinator
        .submit(&path, &propose, &[("supporter", &supporter_id(&pat))])
        .await;
    assert_eq!(excluded.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        excluded
            .text()
            .await
            .unwrap()
            .contains("Pat Hughes cannot be matched: Excluded: Declined before")
    );
    let closed = coordinator
        .post_form(&decide, &csrf, &[("decision", "person_yes")])
        .await;
    assert_eq!(
        closed.status(),
        StatusCode::CONFLICT,
        "a closed proposal takes no answer"
    );

    // Sam: both say yes, and the person is placed.
    coordinator
        .submit(&path, &propose, &[("supporter", &supporter_id(&sam))])
        .await;
    let page = coordinator.get(&path).await.text().await.unwrap();
    let decide = match_action(&page);
    for answer in ["person_yes", "supporter_yes"] {
        let response = coordinator
            .post_form(&decide, &csrf, &[("decision", answer)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let page = coordinator.get(&path).await.text().await.unwrap();
    assert!(page.contains("Sam Lee: Agreed by both"));
    assert!(page.contains("Placed"));
    assert!(page.contains("matched with Sam Lee, both agreed"));
    // A second person whose consent to share was withdrawn is not matched.
    let other = refer(&app.browser(), "Alan").await;
    let other_path = format!(
        "/referrals/{}",
        referral_id(&coordinator, &other, "new").await
    );
    accept(&app, &coordinator, &other_path).await;
    let csrf = coordinator.csrf(&other_path).await;
    for change in [
        vec![
            ("change", "give"),
            ("scope", "share_with_peer"),
            ("method", "verbal"),
        ],
        vec![("change", "withdraw"), ("scope", "share_with_peer")],
    ] {
        let response = coordinator
            .post_form(&format!("{other_path}/consent"), &csrf, &change)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let refused = coordinator
        .submit(
            &other_path,
            &format!("{other_path}/matches"),
            &[("supporter", &supporter_id(&pat))],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("withdrawn their consent to share")
    );
    let sam_page = coordinator.get(&sam).await.text().await.unwrap();
    assert!(sam_page.contains("Sam Lee"));
    let events = app.audit_events().await;
    assert!(
        events
            .iter()
            .any(|(_, entity, detail)| entity == "match" && detail == "proposed → agreed")
    );
}

async fn a_peer_supporter_cannot_propose_matches(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let reference = refer(&app.browser(), "Maureen").await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let path = format!(
        "/referrals/{}",
        referral_id(&coordinator, &reference, "new").await
    );
    let peer = app.signed_in(Role::PeerSupporter).await;
    let csrf = peer.csrf("/dashboard").await;
    let response = peer
        .post_form(&format!("{path}/matches"), &csrf, &[("supporter", "x")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

on_both_engines!(
    a_coordinator_matches_a_person_by_hand,
    a_peer_supporter_cannot_propose_matches,
);
