//! The JSON API: programmes, problems, and the OpenAPI document.

use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, programme_json};

async fn problem(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "status {status}"
    );
    (status, response.json().await.unwrap())
}

async fn a_programme_is_created_read_replaced_and_archived(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let api = app.api(Some(&app.api_token(Role::Coordinator).await));
    let created = api
        .post_json("/programmes", &programme_json("Diabetes mentors"))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = created.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/programmes/{}", body["id"].as_str().unwrap())
    );
    assert_eq!(
        (
            body["capacity"].as_u64(),
            body["contact_gap_days"].as_u64(),
            body["status"].as_str()
        ),
        (Some(20), Some(14), Some("active"))
    );

    let path = location.trim_start_matches("/api/v1").to_owned();
    let read: Value = api.get(&path).await.json().await.unwrap();
    assert_eq!(read["conditions"], json!(["Type 2 diabetes"]));

    let mut replacement = programme_json("Diabetes peer mentors");
    replacement["conditions"] = json!(["Type 1 diabetes", "Type 2 diabetes, newly diagnosed"]);
    let replaced = api.put_json(&path, &replacement).await;
    assert_eq!(replaced.status(), StatusCode::OK);
    let replaced: Value = replaced.json().await.unwrap();
    assert_eq!(replaced["name"], "Diabetes peer mentors");
    assert_eq!(
        replaced["conditions"][1], "Type 2 diabetes, newly diagnosed",
        "a comma stays inside its condition"
    );

    assert_eq!(
        api.post(&format!("{path}/archive")).await.status(),
        StatusCode::OK
    );
    let (status, body) = problem(api.post(&format!("{path}/archive")).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["type"], "/problems/illegal-transition");
    assert_eq!(
        body["detail"],
        "A programme that is archived cannot be archived"
    );
    let listed: Value = api.get("/programmes").await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 0);
    let listed: Value = api
        .get("/programmes?include_archived=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(
        api.post(&format!("{path}/restore")).await.status(),
        StatusCode::OK
    );
}

async fn validation_problems_point_at_each_field(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let api = app.api(Some(&app.api_token(Role::Admin).await));
    let (status, body) = problem(
        api.post_json(
            "/programmes",
            &json!({"name": "", "model": "coaching", "setting": "online", "capacity": 0}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["type"], "/problems/validation-failed");
    assert_eq!(body["status"], 422);
    assert_eq!(body["detail"], "3 fields are not valid");
    assert_eq!(
        body["errors"],
        json!([
            {"pointer": "/name", "detail": "Enter a programme name"},
            {"pointer": "/model", "detail": "Choose how support is given"},
            {"pointer": "/capacity", "detail": "Capacity must be between 1 and 100000"}
        ])
    );
    let (_, body) = problem(api.post_json("/programmes", &json!({"name": "Two\nlines", "model": "befriending", "setting": "online", "conditions": ["a\nb"]})).await).await;
    assert_eq!(body["errors"][0]["pointer"], "/conditions");
    assert!(
        alongside_db::programmes::list(&app.test_db.db, app.organisation, true)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn malformed_bodies_get_a_clear_problem(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let token = app.api_token(Role::Admin).await;
    let api = app.api(Some(&token));
    let post = |body: Vec<u8>, content_type: &'static str| {
        api.request(Method::POST, "/programmes")
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let mut unknown = programme_json("X programme");
    unknown["colour"] = json!("blue");
    let cases: Vec<(&str, Vec<u8>, &str, StatusCode, &str)> = vec![
        (
            "unknown field",
            serde_json::to_vec(&unknown).unwrap(),
            "application/json",
            StatusCode::BAD_REQUEST,
            "unknown field `colour`",
        ),
        (
            "wrong type",
            br#"{"name": 5, "model": "befriending", "setting": "online"}"#.to_vec(),
            "application/json",
            StatusCode::BAD_REQUEST,
            "invalid type",
        ),
        (
            "missing field",
            br#"{"model": "befriending", "setting": "online"}"#.to_vec(),
            "application/json",
            StatusCode::BAD_REQUEST,
            "missing field `name`",
        ),
        (
            "syntax",
            b"{\"name\": ".to_vec(),
            "application/json",
            StatusCode::BAD_REQUEST,
            "The body is not valid JSON",
        ),
        (
            "bad UTF-8",
            b"{\"name\": \"\xff\xfe\", \"model\": \"befriending\", \"setting\": \"online\"}"
                .to_vec(),
            "application/json",
            StatusCode::BAD_REQUEST,
            "not valid JSON",
        ),
        (
            "not JSON",
            b"name=x".to_vec(),
            "application/x-www-form-urlencoded",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type: application/json",
        ),
        (
            "too large",
            format!("{{\"name\": \"{}\"}}", "x".repeat(70 * 1024)).into_bytes(),
            "application/json",
            StatusCode::PAYLOAD_TOO_LARGE,
            "larger than the service accepts",
        ),
    ];
    for (case, body, content_type, expected, detail) in cases {
        let (status, problem) = problem(post(body, content_type).await.unwrap()).await;
        assert_eq!(status, expected, "{case}");
        assert!(
            problem["detail"].as_str().unwrap().contains(detail),
            "{case}: {problem}"
        );
        assert!(
            problem["type"].as_str().unwrap().starts_with("/problems/"),
            "{case}"
        );
    }
    let (status, body) = problem(api.get("/programmes/not-an-id").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("programme id is not valid")
    );
    let (status, _) = problem(api.get("/programmes?include_archived=perhaps").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn tokens_are_required_and_scoped_to_their_organisation(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (status, body) = problem(app.api(None).get("/programmes").await).await;
    assert_eq!(
        (status, body["type"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("/problems/unauthenticated"))
    );
    let response = app.api(Some("alg_made_up")).get("/me").await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    let south = TestApp::organisation_in(&app.test_db, "South").await;
    let theirs = app.api(Some(&app.api_token_at(south, Role::Coordinator).await));
    let created: Value = theirs
        .post_json("/programmes", &programme_json("South only"))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/programmes/{}", created["id"].as_str().unwrap());
    let ours = app.api(Some(&app.api_token(Role::Coordinator).await));
    for response in [
        ours.get(&path).await,
        ours.put_json(&path, &programme_json("Mine now")).await,
        ours.post(&format!("{path}/archive")).await,
    ] {
        let (status, body) = problem(response).await;
        assert_eq!(
            (status, body["type"].as_str()),
            (StatusCode::NOT_FOUND, Some("/problems/not-found"))
        );
    }
    let listed: Value = ours
        .get("/programmes?include_archived=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!([]));
}

async fn every_documented_operation_exists(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let document: Value = app
        .api(None)
        .get("/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(document["servers"][0]["url"], "/api/v1");
    let api = app.api(Some(&app.api_token(Role::Admin).await));
    let id = "0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10";
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations.push(format!("{} {path}", method.to_uppercase()));
            let response = api
                .request(
                    method.to_uppercase().parse().unwrap(),
                    &path.replace("{id}", id).replace("{run}", id),
                )
                .json(&programme_json("Probe"))
                .send()
                .await
                .unwrap();
            // The route exists: an unknown id is 404 problem, never the router's 404 or 405.
            assert_ne!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            if response.status() == StatusCode::NOT_FOUND {
                let (_, body) = problem(response).await;
                assert_eq!(
                    body["detail"], "There is no such resource in your organisation.",
                    "{method} {path}"
                );
            }
        }
    }
    operations.sort();
    assert_eq!(
        operations,
        [
            "GET /me",
            "GET /programmes",
            "GET /programmes/{id}",
            "GET /programmes/{id}/matching-runs/{run}",
            "GET /referrals",
            "GET /referrals/{id}",
            "POST /programmes",
            "POST /programmes/{id}/archive",
            "POST /programmes/{id}/matching-runs",
            "POST /programmes/{id}/restore",
            "POST /referrals",
            "PUT /programmes/{id}",
        ]
    );
}

on_both_engines!(
    a_programme_is_created_read_replaced_and_archived,
    validation_problems_point_at_each_field,
    malformed_bodies_get_a_clear_problem,
    tokens_are_required_and_scoped_to_their_organisation,
    every_documented_operation_exists,
);

#[test]
fn the_openapi_document_is_stable() {
    let document = serde_json::to_value(alongside_web::openapi()).unwrap();
    insta::assert_json_snapshot!("openapi", document);
}
