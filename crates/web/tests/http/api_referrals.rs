//! Referrals through the JSON API: idempotent creation, validation problems
//! with pointers, and each referrer seeing only their own, on both engines.

use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Api, TestApp};

pub fn referral_json(given: &str) -> Value {
    json!({
        "person": {
            "given_name": given,
            "family_name": "Mehta",
            "birth_date": "1961-09-04",
            "nhs_number": "943 476 5919",
            "address": ["2 Cardigan Road", "Leeds"],
            "postcode": "LS6 2AB",
            "phone": "0113 496 0000",
            "language": "Punjabi",
            "interpreter_needed": true,
            "conditions": [{"snomed_code": "44054006"}, {"description": "Sight loss"}]
        },
        "source": "link_worker",
        "referrer": {"name": "Sam Okafor", "organisation": "Hyde Park Surgery"},
        "reason": "Isolated since diagnosis",
        "risk": null,
        "consent": {"confirmed": true, "method": "verbal", "scopes": ["contact_by_phone"]},
        "preferences": {"channels": ["phone"], "availability": ["mon-morning"]}
    })
}

async fn send(api: &Api, key: Option<&str>, body: &Value) -> reqwest::Response {
    let mut request = api.request(reqwest::Method::POST, "/referrals").json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

async fn a_retried_request_makes_one_referral(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let api = app.api(Some(&app.api_token(Role::Referrer).await));
    let first = send(&api, Some("key-1"), &referral_json("Arjun")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let location = crate::support::location(&first);
    let created: Value = first.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/referrals/{}", created["id"].as_str().unwrap())
    );
    assert_eq!(created["status"], "received");
    assert!(created["reference"].as_str().unwrap().starts_with("R-"));

    // The same body again (keys in another order): the first referral.
    let mut reordered = serde_json::Map::new();
    for (k, v) in referral_json("Arjun").as_object().unwrap().iter().rev() {
        reordered.insert(k.clone(), v.clone());
    }
    let again = send(&api, Some("key-1"), &Value::Object(reordered)).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let replayed: Value = again.json().await.unwrap();
    assert_eq!(replayed["id"], created["id"]);

    let other = send(&api, Some("key-1"), &referral_json("Someone else")).await;
    assert_eq!(other.status(), StatusCode::CONFLICT);
    let problem: Value = other.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key")
    );

    let list: Value = api.get("/referrals").await.json().await.unwrap();
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "one referral for three requests"
    );

    // Concurrent retries with a new key still make one.
    let bea = referral_json("Bea");
    let (a, b) = tokio::join!(
        send(&api, Some("key-2"), &bea),
        send(&api, Some("key-2"), &bea)
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CREATED]);
    let list: Value = api.get("/referrals").await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
}

async fn bad_requests_get_specific_problems_and_store_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let api = app.api(Some(&app.api_token(Role::Referrer).await));
    let no_key = send(&api, None, &referral_json("Arjun")).await;
    assert_eq!(no_key.status(), StatusCode::BAD_REQUEST);
    let problem: Value = no_key.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .starts_with("Send an Idempotency-Key")
    );

    let mut unknown = referral_json("Arjun");
    unknown["person"]["shoe_size"] = json!(9);
    let response = send(&api, Some("k-unknown"), &unknown).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let problem: Value = response.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("unknown field `shoe_size`")
    );

    let mut invalid = referral_json("");
    invalid["person"]["nhs_number"] = json!("943 476 5918");
    invalid["person"]["birth_date"] = json!("1961-02-30");
    invalid["consent"]["confirmed"] = json!(false);
    invalid["source"] = json!("self");
    let response = send(&api, Some("k-invalid"), &invalid).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    for expected in [
        "/person/given_name",
        "/person/birth_date",
        "/person/nhs_number",
        "/source",
        "/consent/confirmed",
    ] {
        assert!(pointers.contains(&expected), "{expected} in {pointers:?}");
    }
    let list: Value = api.get("/referrals").await.json().await.unwrap();
    assert!(list.as_array().unwrap().is_empty(), "nothing was stored");
    // The rejected key is free for the corrected request.
    assert_eq!(
        send(&api, Some("k-invalid"), &referral_json("Arjun"))
            .await
            .status(),
        StatusCode::CREATED
    );
}

async fn a_referrer_reads_only_their_own_referrals(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let mine = app.api(Some(&app.api_token(Role::Referrer).await));
    let created: Value = send(&mine, Some("k"), &referral_json("Arjun"))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/referrals/{}", created["id"].as_str().unwrap());
    assert_eq!(mine.get(&path).await.status(), StatusCode::OK);
    let other = app.api(Some(&app.api_token(Role::Referrer).await));
    assert_eq!(other.get(&path).await.status(), StatusCode::NOT_FOUND);
    let list: Value = other.get("/referrals").await.json().await.unwrap();
    assert!(list.as_array().unwrap().is_empty());
    let peer = app.api(Some(&app.api_token(Role::PeerSupporter).await));
    assert_eq!(
        send(&peer, Some("k"), &referral_json("Arjun"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        mine.get("/referrals/not-an-id").await.status(),
        StatusCode::BAD_REQUEST
    );
}

on_both_engines!(
    a_retried_request_makes_one_referral,
    bad_requests_get_specific_problems_and_store_nothing,
    a_referrer_reads_only_their_own_referrals,
);
