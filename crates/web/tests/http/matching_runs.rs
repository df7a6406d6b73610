//! Matching runs: a programme's waiting list matched at once, reviewed by a
//! coordinator, through pages and the API, on both engines.

use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use reqwest::StatusCode;

use crate::referrals::{refer, referral_id};
use crate::support::{Browser, TestApp, location, programme_json};

/// A new programme with `people` self-referrals accepted onto its waiting
/// list: the programme's id and the referrals' paths.
async fn waiting_list(
    app: &TestApp,
    coordinator: &Browser,
    people: &[&str],
) -> (String, Vec<String>) {
    let admin = app.api(Some(&app.api_token(Role::Admin).await));
    let created: serde_json::Value = admin
        .post_json("/programmes", &programme_json("Breathe buddies"))
        .await
        .json()
        .await
        .unwrap();
    let programme = created["id"].as_str().unwrap().to_owned();
    let mut paths = Vec::new();
    for name in people {
        let reference = refer(&app.browser(), name).await;
        let path = format!(
            "/referrals/{}",
            referral_id(coordinator, &reference, "new").await
        );
        let triage = format!("{path}/triage");
        coordinator
            .submit(&path, &triage, &[("decision", "start")])
            .await;
        let accepted = coordinator
            .submit(
                &path,
                &triage,
                &[("decision", "accept"), ("programme", &programme)],
            )
            .await;
        assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
        paths.push(path);
    }
    (programme, paths)
}

fn proposal_ids(page: &str) -> Vec<String> {
    regex::Regex::new(r#"action="/matching-proposals/([0-9a-f-]{36})/accept""#)
        .unwrap()
        .captures_iter(page)
        .map(|c| c[1].to_owned())
        .collect()
}

async fn a_coordinator_runs_matching_and_reviews_proposals(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    // One supporter with two places, three people waiting.
    crate::supporters::add(&coordinator, "Pat Hughes").await;
    let (programme, paths) = waiting_list(&app, &coordinator, &["Maureen", "Dev", "Ann"]).await;
    let matching = format!("/programmes/{programme}/matching");
    let page = coordinator.get(&matching).await.text().await.unwrap();
    assert!(
        page.contains(r#"data-testid="waiting">3<"#),
        "three waiting"
    );

    let run = coordinator
        .submit(
            &matching,
            &format!("/programmes/{programme}/matching-runs"),
            &[],
        )
        .await;
    assert_eq!(run.status(), StatusCode::SEE_OTHER);
    let run_path = location(&run);
    assert!(run_path.starts_with("/matching-runs/"), "{run_path}");
    let page = coordinator.get(&run_path).await.text().await.unwrap();
    assert!(
        page.contains(r#"data-testid="proposed">2<"#),
        "capacity bounds the proposals"
    );
    assert!(page.contains(r#"data-testid="unmatched">1<"#));
    assert!(page.contains("Shared condition"), "the breakdown is shown");
    assert!(
        page.contains("All 1 possible supporters are full with people matched in this run"),
        "the person left out is told why"
    );
    let proposals = proposal_ids(&page);
    assert_eq!(proposals.len(), 2);
    let csrf = coordinator.csrf(&run_path).await;
    let run_id = run_path.rsplit('/').next().unwrap().to_owned();

    // A rejection needs a reason; what was typed is kept.
    let reject = format!("/matching-proposals/{}/reject", proposals[1]);
    let empty = coordinator
        .post_form(&reject, &csrf, &[("run", &run_id), ("reason", "  ")])
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty
            .text()
            .await
            .unwrap()
            .contains("Say why this pair should not be proposed")
    );
    let rejected = coordinator
        .post_form(
            &reject,
            &csrf,
            &[("run", &run_id), ("reason", "They know each other")],
        )
        .await;
    assert_eq!(rejected.status(), StatusCode::SEE_OTHER);

    // Accepting proposes the match to both sides.
    let accept = format!("/matching-proposals/{}/accept", proposals[0]);
    let accepted = coordinator
        .post_form(&accept, &csrf, &[("run", &run_id)])
        .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&accepted), format!("{run_path}?accepted=1"));
    let again = coordinator
        .post_form(&accept, &csrf, &[("run", &run_id)])
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().await.unwrap().contains("decided already"));
    let page = coordinator.get(&run_path).await.text().await.unwrap();
    assert!(proposal_ids(&page).is_empty(), "both decided");
    assert!(page.contains("Rejected: They know each other"));

    let mut proposed = 0;
    let mut noted = 0;
    for path in &paths {
        let referral = coordinator.get(path).await.text().await.unwrap();
        proposed += usize::from(referral.contains("Pat Hughes: Proposed"));
        noted += usize::from(referral.contains("rejected: They know each other"));
    }
    assert_eq!((proposed, noted), (1, 1));

    // The next run leaves out the matched person and never repeats the
    // rejected pair.
    let run = coordinator
        .submit(
            &matching,
            &format!("/programmes/{programme}/matching-runs"),
            &[],
        )
        .await;
    let page = coordinator.get(&location(&run)).await.text().await.unwrap();
    assert!(
        page.contains(r#"data-testid="proposed">1<"#),
        "one place left"
    );
    assert!(page.contains("Rejected by a coordinator: 1 supporter"));
}

async fn matching_rules_are_checked_and_used(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    crate::supporters::add(&coordinator, "Pat Hughes").await;
    let (programme, _) = waiting_list(&app, &coordinator, &["Maureen"]).await;
    let matching = format!("/programmes/{programme}/matching");
    let rules = format!("{matching}/rules");
    let bad = coordinator
        .submit(
            &matching,
            &rules,
            &[
                ("required_training", "Advanced listening"),
                ("weight_shared_condition", "lots"),
                ("weight_distance", "2000"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = bad.text().await.unwrap();
    assert!(page.contains("Shared condition must be a whole number from 0 to 1000"));
    assert!(page.contains("Live nearby must be a whole number from 0 to 1000"));
    assert!(
        page.contains("Advanced listening"),
        "what was typed is kept"
    );

    let mut good: Vec<(&str, &str)> = vec![("required_training", "Advanced listening")];
    for field in [
        "weight_shared_condition",
        "weight_lived_experience",
        "weight_age_band",
        "weight_interests",
        "weight_distance",
        "weight_availability",
        "weight_waiting",
    ] {
        good.push((field, "7"));
    }
    let saved = coordinator.submit(&matching, &rules, &good).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = coordinator
        .get(&location(&saved))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("The matching rules have been saved."));

    let run = coordinator
        .submit(
            &matching,
            &format!("/programmes/{programme}/matching-runs"),
            &[],
        )
        .await;
    let page = coordinator.get(&location(&run)).await.text().await.unwrap();
    assert!(page.contains(r#"data-testid="proposed">0<"#));
    assert!(
        page.contains("Required training not done: 1 supporter (1 of them for this reason alone)"),
        "the one barrier is named with what to change"
    );
    assert!(page.contains("complete supporters"));
}

async fn the_api_runs_matching_and_reads_a_run(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    crate::supporters::add(&coordinator, "Pat Hughes").await;
    let (programme, _) = waiting_list(&app, &coordinator, &["Maureen"]).await;
    let api = app.api(Some(&app.api_token(Role::Coordinator).await));
    let created = api
        .post_json(
            &format!("/programmes/{programme}/matching-runs"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let where_ = location(&created);
    let run: serde_json::Value = created.json().await.unwrap();
    assert_eq!(run["people"], 1);
    assert_eq!(run["proposals"].as_array().unwrap().len(), 1);
    let proposal = &run["proposals"][0];
    assert_eq!(proposal["supporter_name"], "Pat Hughes");
    assert_eq!(proposal["status"], "open");
    let parts: i64 = proposal["parts"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_i64().unwrap())
        .sum();
    assert_eq!(
        proposal["score"].as_i64().unwrap(),
        parts + 1,
        "the parts add up"
    );
    assert!(where_.ends_with(run["id"].as_str().unwrap()));

    let path = where_.strip_prefix("/api/v1").unwrap();
    let read: serde_json::Value = api.get(path).await.json().await.unwrap();
    assert_eq!(read, run);

    let other = app.api(Some(&app.api_token(Role::Admin).await));
    let elsewhere: serde_json::Value = other
        .post_json("/programmes", &programme_json("Another"))
        .await
        .json()
        .await
        .unwrap();
    let wrong = path.replace(&programme, elsewhere["id"].as_str().unwrap());
    assert_eq!(api.get(&wrong).await.status(), StatusCode::NOT_FOUND);
    let malformed = api
        .get(&format!("/programmes/{programme}/matching-runs/nope"))
        .await;
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = malformed.json().await.unwrap();
    assert_eq!(body["type"], "/problems/bad-request");
}

on_both_engines!(
    a_coordinator_runs_matching_and_reviews_proposals,
    matching_rules_are_checked_and_used,
    the_api_runs_matching_and_reads_a_run,
);
