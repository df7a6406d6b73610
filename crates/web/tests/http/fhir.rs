//! FHIR R4: ServiceRequest in and out, the CapabilityStatement, and an
//! OperationOutcome naming every problem of a bad resource, on both engines.

use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::TestApp;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../fixtures/fhir/", $name))
    };
}

struct Fhir {
    client: reqwest::Client,
    url: String,
    token: String,
}

impl Fhir {
    async fn new(app: &TestApp, role: Role) -> Fhir {
        Fhir {
            client: reqwest::Client::new(),
            url: format!("{}/fhir", app.url),
            token: app.api_token(role).await,
        }
    }

    async fn post(&self, body: &str) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let response = self
            .client
            .post(format!("{}/ServiceRequest", self.url))
            .bearer_auth(&self.token)
            .header("content-type", "application/fhir+json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        (status, headers, response.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-type"], "application/fhir+json");
        (response.status(), response.json().await.unwrap())
    }
}

/// The (code, expression, diagnostics) of each issue.
fn issues(outcome: &Value) -> Vec<(String, String, String)> {
    assert_eq!(outcome["resourceType"], "OperationOutcome", "{outcome}");
    outcome["issue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert_eq!(i["severity"], "error");
            (
                i["code"].as_str().unwrap().to_owned(),
                i["expression"][0].as_str().unwrap_or_default().to_owned(),
                i["diagnostics"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn a_service_request_becomes_a_referral_and_shows_its_outcome(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let fhir = Fhir::new(&app, Role::Referrer).await;
    let (status, headers, created) = fhir.post(fixture!("service-request.json")).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        headers["location"].to_str().unwrap(),
        format!("{}/fhir/ServiceRequest/{id}", app.url)
    );
    assert_eq!(created["resourceType"], "ServiceRequest");
    assert_eq!(created["status"], "active");
    assert_eq!(created["code"]["coding"][0]["code"], "871731000000106");
    assert_eq!(
        created["contained"][0]["identifier"][0]["value"],
        "9434765919"
    );

    // The coordinator sees the record the resource described.
    let coordinator = app.signed_in(Role::Coordinator).await;
    let reference = created["identifier"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let rid = crate::referrals::referral_id(&coordinator, &reference, "new").await;
    let page = coordinator
        .get(&format!("/referrals/{rid}"))
        .await
        .text()
        .await
        .unwrap();
    for shown in [
        "Type 2 diabetes (SNOMED CT 44054006)",
        "Punjabi, needs an interpreter",
        "Dr Sam Okafor, Hyde Park Surgery",
        "Isolated since his diagnosis",
        "AJ",
    ] {
        assert!(page.contains(shown), "{shown}");
    }

    // Triage reaches the referrer as the ServiceRequest's status.
    let path = format!("/referrals/{rid}");
    let triage = format!("{path}/triage");
    coordinator
        .submit(&path, &triage, &[("decision", "start")])
        .await;
    coordinator
        .submit(
            &path,
            &triage,
            &[("decision", "decline"), ("reason", "not_eligible")],
        )
        .await;
    let (status, read) = fhir.get(&format!("/ServiceRequest/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["status"], "revoked");
    assert_eq!(
        read["note"][0]["text"],
        "Outcome: Declined (Does not meet the eligibility)"
    );
    let (_, bundle) = fhir.get("/ServiceRequest").await;
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["total"], 1);
    assert_eq!(bundle["entry"][0]["resource"]["status"], "revoked");

    // Another referrer sees nothing of it; a peer supporter may not refer.
    let other = Fhir::new(&app, Role::Referrer).await;
    let (status, outcome) = other.get(&format!("/ServiceRequest/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(issues(&outcome)[0].0, "not-found");
    let (_, bundle) = other.get("/ServiceRequest").await;
    assert_eq!(bundle["total"], 0);
    let peer = Fhir::new(&app, Role::PeerSupporter).await;
    let (status, _, outcome) = peer.post(fixture!("service-request.json")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(issues(&outcome)[0].0, "forbidden");
}

async fn the_default_code_is_used_when_none_is_sent(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let fhir = Fhir::new(&app, Role::Referrer).await;
    let (status, _, created) = fhir.post(fixture!("no-code.json")).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["code"]["coding"][0]["code"], "871731000000106");
    assert_eq!(
        created["code"]["coding"][0]["display"],
        "Referral to social prescribing service"
    );
}

/// A fixture, the status it gets, and the (code, expression) of issues it must name.
type Case = (
    &'static str,
    StatusCode,
    &'static [(&'static str, &'static str)],
);

async fn bad_resources_get_an_operation_outcome_naming_every_problem(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let fhir = Fhir::new(&app, Role::Referrer).await;
    let cases: [Case; 7] = [
        (
            fixture!("wrong-resource-type.json"),
            StatusCode::BAD_REQUEST,
            &[("invalid", "resourceType")],
        ),
        (
            fixture!("bundle.json"),
            StatusCode::BAD_REQUEST,
            &[("not-supported", "Bundle")],
        ),
        (
            fixture!("missing-subject.json"),
            StatusCode::UNPROCESSABLE_ENTITY,
            &[("required", "ServiceRequest.subject")],
        ),
        (
            fixture!("invalid-nhs-number.json"),
            StatusCode::UNPROCESSABLE_ENTITY,
            &[("value", "Patient.identifier[0].value")],
        ),
        (
            fixture!("unknown-fields.json"),
            StatusCode::BAD_REQUEST,
            &[
                ("structure", "ServiceRequest.favouriteColour"),
                ("structure", "ServiceRequest.priorityScore"),
            ],
        ),
        (
            fixture!("bad-birth-date.json"),
            StatusCode::UNPROCESSABLE_ENTITY,
            &[("value", "Patient.birthDate")],
        ),
        (
            fixture!("several-problems.json"),
            StatusCode::UNPROCESSABLE_ENTITY,
            &[
                ("value", "ServiceRequest.status"),
                ("required", "Patient.name[0].family"),
                ("value", "Patient.identifier[0].value"),
                ("value", "Patient.address[0].postalCode"),
                ("required", "ServiceRequest.note"),
            ],
        ),
    ];
    for (body, expected_status, expected) in cases {
        let (status, headers, outcome) = fhir.post(body).await;
        assert_eq!(status, expected_status, "{outcome}");
        assert_eq!(headers["content-type"], "application/fhir+json");
        let found: Vec<(String, String)> = issues(&outcome)
            .into_iter()
            .map(|(code, expression, _)| (code, expression))
            .collect();
        for (code, expression) in expected {
            assert!(
                found.contains(&((*code).to_owned(), (*expression).to_owned())),
                "{code} at {expression} in {found:?}"
            );
        }
    }
    let (status, _, outcome) = fhir.post("{ not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(issues(&outcome)[0].0, "structure");
    let (_, bundle) = fhir.get("/ServiceRequest").await;
    assert_eq!(bundle["total"], 0, "nothing bad was stored");
}

async fn the_capability_statement_lists_what_is_supported(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let response = reqwest::get(format!("{}/fhir/metadata", app.url))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/fhir+json");
    let statement: Value = response.json().await.unwrap();
    assert_eq!(statement["resourceType"], "CapabilityStatement");
    assert_eq!(statement["fhirVersion"], "4.0.1");
    let resource = &statement["rest"][0]["resource"][0];
    assert_eq!(resource["type"], "ServiceRequest");
    let interactions: Vec<&str> = resource["interaction"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(interactions, ["create", "read", "search-type"]);
    let unauthenticated = reqwest::Client::new()
        .get(format!("{}/fhir/ServiceRequest", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);
    let outcome: Value = unauthenticated.json().await.unwrap();
    assert_eq!(issues(&outcome)[0].0, "security");
}

async fn a_retried_create_with_an_idempotency_key_makes_one_referral(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let fhir = Fhir::new(&app, Role::Referrer).await;
    let send = || async {
        fhir.client
            .post(format!("{}/ServiceRequest", fhir.url))
            .bearer_auth(&fhir.token)
            .header("content-type", "application/fhir+json")
            .header("Idempotency-Key", "practice-42")
            .body(fixture!("service-request.json"))
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(send().await, StatusCode::CREATED);
    assert_eq!(send().await, StatusCode::OK);
    let (_, bundle) = fhir.get("/ServiceRequest").await;
    assert_eq!(bundle["total"], 1);
}

on_both_engines!(
    a_service_request_becomes_a_referral_and_shows_its_outcome,
    the_default_code_is_used_when_none_is_sent,
    bad_resources_get_an_operation_outcome_naming_every_problem,
    the_capability_statement_lists_what_is_supported,
    a_retried_create_with_an_idempotency_key_makes_one_referral,
);
