//! Outcome questionnaires: private links, drafts, submitted answers that
//! stay, staff entering answers, on both engines.

use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use reqwest::StatusCode;

use crate::referrals::referral_id;
use crate::support::{Browser, TestApp, programme_json};

/// A self-referral accepted onto a new programme: the referral's page.
async fn on_a_programme(app: &TestApp, coordinator: &Browser, given: &str) -> String {
    on_a_new_programme(app, coordinator, given).await.0
}

/// A self-referral accepted onto a new programme: the referral's page and
/// the programme's id.
async fn on_a_new_programme(app: &TestApp, coordinator: &Browser, given: &str) -> (String, String) {
    on_a_new_programme_as(
        app,
        coordinator,
        &crate::referrals::answers(given, "ls1 4ap"),
    )
    .await
}

/// A self-referral with these answers, accepted onto a new programme: the
/// referral's page and the programme's id.
async fn on_a_new_programme_as(
    app: &TestApp,
    coordinator: &Browser,
    form: &[(&str, &str)],
) -> (String, String) {
    let admin = app.api(Some(&app.api_token(Role::Admin).await));
    let created: serde_json::Value = admin
        .post_json("/programmes", &programme_json("Breathe buddies"))
        .await
        .json()
        .await
        .unwrap();
    let programme = created["id"].as_str().unwrap().to_owned();
    (onto(app, coordinator, form, &programme).await, programme)
}

/// A self-referral with these answers, accepted onto `programme`: the
/// referral's page.
async fn onto(
    app: &TestApp,
    coordinator: &Browser,
    form: &[(&str, &str)],
    programme: &str,
) -> String {
    let sent = app
        .browser()
        .submit("/refer/north", "/refer/north", form)
        .await;
    let reference = crate::support::location(&sent)
        .rsplit('=')
        .next()
        .unwrap()
        .to_owned();
    let page = format!(
        "/referrals/{}",
        referral_id(coordinator, &reference, "new").await
    );
    let triage = format!("{page}/triage");
    coordinator
        .submit(&page, &triage, &[("decision", "start")])
        .await;
    let accepted = coordinator
        .submit(
            &page,
            &triage,
            &[("decision", "accept"), ("programme", programme)],
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    page
}

/// Places the person at `page` with a new peer supporter: both say yes.
async fn place(coordinator: &Browser, page: &str, supporter: &str) {
    let supporter = crate::supporters::add(coordinator, supporter).await;
    let proposed = coordinator
        .submit(
            page,
            &format!("{page}/matches"),
            &[("supporter", supporter.rsplit('/').next().unwrap())],
        )
        .await;
    assert_eq!(proposed.status(), StatusCode::SEE_OTHER);
    let html = coordinator.get(page).await.text().await.unwrap();
    let decide = regex::Regex::new(r#"action="(/matches/[0-9a-f-]{36})""#)
        .unwrap()
        .captures(&html)
        .expect("an open match")[1]
        .to_owned();
    let csrf = coordinator.csrf(page).await;
    for answer in ["person_yes", "supporter_yes"] {
        let answered = coordinator
            .post_form(&decide, &csrf, &[("decision", answer)])
            .await;
        assert_eq!(answered.status(), StatusCode::SEE_OTHER);
    }
}

/// Ends the person's support: their referral is closed.
async fn end_support(coordinator: &Browser, page: &str) {
    let closed = coordinator
        .submit(page, &format!("{page}/triage"), &[("decision", "close")])
        .await;
    assert_eq!(closed.status(), StatusCode::SEE_OTHER);
}

async fn give_consent(coordinator: &Browser, page: &str) {
    let csrf = coordinator.csrf(page).await;
    let given = coordinator
        .post_form(
            &format!("{page}/consent"),
            &csrf,
            &[
                ("change", "give"),
                ("scope", "outcome_questionnaires"),
                ("method", "verbal"),
            ],
        )
        .await;
    assert_eq!(given.status(), StatusCode::SEE_OTHER);
}

fn link_of(page: &str) -> String {
    regex::Regex::new(r#"data-testid="private-link">https?://[^/]+(/q/q_[A-Za-z0-9_-]+)<"#)
        .unwrap()
        .captures(page)
        .expect("a private link")[1]
        .to_owned()
}

/// Every answer of the default set (SEMCD-6, UCLA-3, ONS4), with `skip`
/// left out.
fn answers(skip: Option<&str>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (code, items, value) in [("semcd6", 6, "7"), ("ucla3", 3, "2"), ("ons4", 4, "6")] {
        for item in 1..=items {
            let field = format!("{code}-{item}");
            if Some(field.as_str()) != skip {
                out.push((field, value.to_owned()));
            }
        }
    }
    out
}

async fn a_person_answers_through_a_private_link(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let page = on_a_programme(&app, &coordinator, "Maureen").await;
    let referral = coordinator.get(&page).await.text().await.unwrap();
    assert!(referral.contains("Outcome questionnaires"));
    assert!(referral.contains("Self-Efficacy for Managing Chronic Disease (SEMCD-6)"));

    // Without consent to questionnaires, no link is made.
    let csrf = coordinator.csrf(&page).await;
    let refused = coordinator
        .post_form(&format!("{page}/outcomes/0/link"), &csrf, &[])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("has not agreed to outcome questionnaires")
    );

    give_consent(&coordinator, &page).await;
    let made = coordinator
        .post_form(&format!("{page}/outcomes/0/link"), &csrf, &[])
        .await;
    assert_eq!(made.status(), StatusCode::OK);
    let link = link_of(&made.text().await.unwrap());

    // The person, with no account.
    let person = app.browser();
    let form = person.get(&link).await;
    assert_eq!(form.status(), StatusCode::OK);
    let text = form.text().await.unwrap();
    assert!(text.contains("How confident are you that you can"));
    assert!(text.contains("How often do you feel"));

    // A draft keeps what was given.
    let mut partial: Vec<(String, String)> = answers(None).into_iter().take(4).collect();
    partial.push(("action".into(), "save".into()));
    let pairs: Vec<(&str, &str)> = partial
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = person.submit(&link, &link, &pairs).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let again = person.get(&link).await.text().await.unwrap();
    assert!(again.contains(r#"name="semcd6-1" type="radio" value="7" checked"#));
    let referral = coordinator.get(&page).await.text().await.unwrap();
    assert!(referral.contains("Started, not sent"));

    // Sending with a question left out is refused, naming it; the rest stays.
    let missing = answers(Some("ucla3-2"));
    let pairs: Vec<(&str, &str)> = missing
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = person.submit(&link, &link, &pairs).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text().await.unwrap();
    assert!(
        text.contains(r##"href="#ucla3-2""##),
        "the summary links to the question"
    );
    assert!(
        text.contains(r#"name="semcd6-6" type="radio" value="7" checked"#),
        "answers kept"
    );

    let all = answers(None);
    let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let sent = person.submit(&link, &link, &pairs).await;
    assert_eq!(sent.status(), StatusCode::OK);
    assert!(
        sent.text()
            .await
            .unwrap()
            .contains("Your answers have been sent")
    );
    // Used once: the link is closed.
    assert_eq!(person.get(&link).await.status(), StatusCode::GONE);
    assert_eq!(
        person.get("/q/q_nonsense").await.status(),
        StatusCode::NOT_FOUND
    );

    let referral = coordinator.get(&page).await.text().await.unwrap();
    assert!(
        referral.contains("Score 7"),
        "SEMCD-6 is the mean of its items"
    );
    assert!(referral.contains("Score 6"), "UCLA-3 sums three items of 2");
}

async fn staff_enter_answers_and_corrections_make_a_new_version(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let page = on_a_programme(&app, &coordinator, "Dev").await;
    let enter = format!("{page}/outcomes/1");
    let form = coordinator.get(&enter).await;
    assert_eq!(form.status(), StatusCode::OK);
    assert!(form.text().await.unwrap().contains("End of support"));
    let all = answers(None);
    let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let sent = coordinator.submit(&enter, &enter, &pairs).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let referral = coordinator.get(&page).await.text().await.unwrap();
    assert!(referral.contains("Score 7, entered by"));

    let mut corrected = answers(None);
    for (k, v) in &mut corrected {
        if k.starts_with("semcd6") {
            *v = "9".into();
        }
    }
    let pairs: Vec<(&str, &str)> = corrected
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    coordinator.submit(&enter, &enter, &pairs).await;
    let referral = coordinator.get(&page).await.text().await.unwrap();
    assert!(referral.contains("Score 9, entered by"));
    assert!(referral.contains("(corrected)"));

    assert_eq!(
        coordinator
            .get(&format!("{page}/outcomes/9"))
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "no such timepoint"
    );
}

async fn enter_all(coordinator: &Browser, page: &str, timepoint: usize, value: &str) {
    enter_on(coordinator, page, timepoint, value, "").await;
}

/// Enters every answer of a timepoint, SEMCD-6 items as `value`, given on
/// `day` (today when empty).
async fn enter_on(coordinator: &Browser, page: &str, timepoint: usize, value: &str, day: &str) {
    let enter = format!("{page}/outcomes/{timepoint}");
    let mut all = answers(None);
    for (k, v) in &mut all {
        if k.starts_with("semcd6") {
            *v = value.to_owned();
        }
    }
    all.push(("answered_on".to_owned(), day.to_owned()));
    let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let sent = coordinator.submit(&enter, &enter, &pairs).await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
}

async fn the_report_shows_change_and_hides_small_numbers_from_commissioners(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    for (name, before, after) in [("Maureen", "4", "7"), ("Dev", "5", "9")] {
        let page = on_a_programme(&app, &coordinator, name).await;
        place(&coordinator, &page, &format!("Supporter of {name}")).await;
        enter_all(&coordinator, &page, 0, before).await;
        end_support(&coordinator, &page).await;
        enter_all(&coordinator, &page, 1, after).await;
    }
    // Answers from long before the person's support do not count for its
    // baseline; nor do answers of someone never placed.
    let page = on_a_programme(&app, &coordinator, "Ann").await;
    enter_all(&coordinator, &page, 0, "2").await;
    place(&coordinator, &page, "Supporter of Ann").await;
    enter_on(&coordinator, &page, 0, "3", "2020-01-31").await;
    let report = coordinator.get("/reports").await.text().await.unwrap();
    assert!(
        report.contains("Not counted: 1 responses given outside their timepoint&#39;s window."),
        "{report}"
    );
    assert!(report.contains("<h2>Outcomes</h2>"));
    assert!(report.contains("Self-Efficacy for Managing Chronic Disease (SEMCD-6)"));
    assert!(report.contains("2 answered both, 0 only the first"));
    assert!(report.contains("Mean 4.5 to 8 (change 3.5)"), "{report}");
    assert!(report.contains("95% CI"));
    assert!(report.contains(r#"role="img""#), "a chart");
    assert!(report.contains("ONS4: Overall, how satisfied are you with your life nowadays?"));

    // The download hides small numbers even for the coordinator.
    let csv = coordinator
        .get("/reports/referrals.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("Outcome,Timepoint,People,Mean"));
    assert!(
        csv.contains("Self-Efficacy for Managing Chronic Disease (SEMCD-6),Baseline,<5,"),
        "{csv}"
    );
    assert!(
        csv.contains("Self-Efficacy for Managing Chronic Disease (SEMCD-6),End of support,<5,0,,"),
        "{csv}"
    );

    let workbook = coordinator.get("/reports/report.xlsx").await;
    assert_eq!(workbook.status(), StatusCode::OK);
    assert_eq!(
        workbook.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = workbook.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "an XLSX is a zip");
    let names = String::from_utf8_lossy(&bytes);
    assert!(
        names.contains("xl/worksheets/sheet1.xml") && names.contains("xl/worksheets/sheet2.xml")
    );

    let commissioner = app.signed_in(Role::Commissioner).await;
    let report = commissioner.get("/reports").await.text().await.unwrap();
    assert!(
        report.contains("&#60;5 answered both"),
        "small counts hidden"
    );
    assert!(
        !report.contains("Mean 4.5 to 8"),
        "no figures for fewer than five"
    );
    assert!(report.contains("Not shown (fewer than 5"));
    assert!(report.contains("Not counted: &#60;5 responses"));
}

async fn a_programme_sets_its_own_schedule(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let (page, id) = on_a_new_programme(&app, &coordinator, "Ann").await;
    let outcomes = format!("/programmes/{id}/outcomes");
    let schedule = format!("{outcomes}/schedule");
    let form = coordinator.get(&outcomes).await.text().await.unwrap();
    assert!(form.contains(r#"value="Five months after the end""#));
    assert_eq!(
        crate::support::input_value(&form, "window_days").as_deref(),
        Some("14")
    );

    let bad = coordinator
        .submit(
            &outcomes,
            &schedule,
            &[
                ("name-1", "Baseline"),
                ("anchor-1", "start"),
                ("months-1", "0"),
                ("name-2", ""),
                ("anchor-2", "end"),
                ("months-2", "3"),
                ("name-3", "Later"),
                ("anchor-3", "end"),
                ("months-3", "two"),
                ("window_days", "90"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = bad.text().await.unwrap();
    assert!(text.contains("Enter the months after for timepoint 3 as a whole number"));
    assert!(text.contains("Name timepoint 2"));
    assert!(text.contains("The window must be 60 days or fewer"));
    assert_eq!(
        crate::support::input_value(&text, "months-3").as_deref(),
        Some("two"),
        "what was typed stays"
    );

    let good = [
        ("name-1", "Baseline"),
        ("anchor-1", "start"),
        ("months-1", "0"),
        ("name-2", "Three months in"),
        ("anchor-2", "start"),
        ("months-2", "3"),
        ("name-3", "Six months after the end"),
        ("anchor-3", "end"),
        ("months-3", "6"),
        ("window_days", "21"),
    ];
    let saved = coordinator.submit(&outcomes, &schedule, &good).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let form = coordinator
        .get(&crate::support::location(&saved))
        .await
        .text()
        .await
        .unwrap();
    assert!(form.contains("The schedule has been saved."));
    assert!(form.contains(r#"value="Three months in""#));
    assert!(!form.contains(r#"value="End of support""#));

    // The person is placed today: the timepoints follow their dates.
    place(&coordinator, &page, "Pat Hughes").await;
    let referral = coordinator.get(&page).await.text().await.unwrap();
    let today = chrono::Utc::now().date_naive();
    let in_three = today.checked_add_months(chrono::Months::new(3)).unwrap();
    assert!(
        referral.contains(&format!(
            "Three months in: due {}",
            in_three.format("%-d %B %Y")
        )),
        "{referral}"
    );
    assert!(referral.contains("Open now"), "the baseline window is open");
    assert!(referral.contains("The due date is set once their support ends."));

    // Answers at the baseline keep its name in the schedule.
    enter_all(&coordinator, &page, 0, "5").await;
    let mut renamed = good;
    renamed[0].1 = "Start";
    let refused = coordinator.submit(&outcomes, &schedule, &renamed).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Keep \u{201c}Baseline\u{201d}: answers were given for it")
    );

    // A timepoint not in the schedule cannot be answered.
    assert_eq!(
        coordinator
            .get(&format!("{page}/outcomes/3"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

async fn the_report_gives_the_cost_per_person_supported(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let (first, id) = on_a_new_programme(&app, &coordinator, "Maureen").await;
    let report = coordinator.get("/reports").await.text().await.unwrap();
    assert!(
        !report.contains("Cost per person supported"),
        "no section until funding is recorded"
    );
    let costs = format!("/programmes/{id}/costs");
    let bad = coordinator
        .submit(
            &costs,
            &costs,
            &[
                ("funding", "lots"),
                ("volunteer_hours", "12"),
                ("hour_value", ""),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = bad.text().await.unwrap();
    assert!(text.contains("Enter an amount in pounds"));
    assert_eq!(
        crate::support::input_value(&text, "funding").as_deref(),
        Some("lots")
    );
    let saved = coordinator
        .submit(
            &costs,
            &costs,
            &[
                ("funding", "£1,000"),
                ("volunteer_hours", "30"),
                ("hour_value", "12.50"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let form = coordinator.get(&costs).await.text().await.unwrap();
    assert_eq!(
        crate::support::input_value(&form, "funding").as_deref(),
        Some("1000.00")
    );

    let report = coordinator.get("/reports").await.text().await.unwrap();
    assert!(report.contains("No one supported yet"), "{report}");
    // Two people placed: £500 each, £687.50 with 30 hours at £12.50.
    place(&coordinator, &first, "Pat Hughes").await;
    let second = onto(
        &app,
        &coordinator,
        &crate::referrals::answers("Dev", "ls1 4ap"),
        &id,
    )
    .await;
    place(&coordinator, &second, "Sam Lee").await;
    let report = coordinator
        .get(&format!("/reports?programme={id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(report.contains("£1,000.00"));
    assert!(report.contains("30 hours, valued at £375.00"));
    assert!(
        report.contains("£500.00 from funding; £687.50 with the value of volunteer time"),
        "{report}"
    );
    let csv = coordinator
        .get(&format!("/reports/referrals.csv?programme={id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("Funding (GBP),1000.00"), "{csv}");
    assert!(csv.contains("People supported,<5"), "{csv}");
    assert!(
        csv.contains("Cost per person from funding (GBP),\n"),
        "hidden for fewer than five"
    );

    let commissioner = app.signed_in(Role::Commissioner).await;
    let report = commissioner
        .get(&format!("/reports?programme={id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(report.contains("Not shown (fewer than 5 people supported)"));
    assert!(!report.contains("£500.00"));
    assert_eq!(
        commissioner.get(&costs).await.status(),
        StatusCode::FORBIDDEN
    );
}

async fn what_people_said_is_kept_sealed_tagged_and_counted(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let page = on_a_programme(&app, &coordinator, "Maureen").await;
    give_consent(&coordinator, &page).await;
    let csrf = coordinator.csrf(&page).await;
    let baseline = coordinator
        .post_form(&format!("{page}/outcomes/0/link"), &csrf, &[])
        .await
        .text()
        .await
        .unwrap();
    let person = app.browser();
    let form = person.get(&link_of(&baseline)).await.text().await.unwrap();
    assert!(
        !form.contains("What has helped you most"),
        "the open questions come at the end of support"
    );
    let end = coordinator
        .post_form(&format!("{page}/outcomes/1/link"), &csrf, &[])
        .await
        .text()
        .await
        .unwrap();
    let link = link_of(&end);
    let form = person.get(&link).await.text().await.unwrap();
    assert!(form.contains("What has helped you most about the support?"));
    assert!(form.contains("What has got in the way, or could have been better?"));

    // Saved for later, then sent.
    let mut all = answers(None);
    all.push(("helped".into(), "Talking to Pat, who had been there".into()));
    all.push(("action".into(), "save".into()));
    let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        person.submit(&link, &link, &pairs).await.status(),
        StatusCode::SEE_OTHER
    );
    let again = person.get(&link).await.text().await.unwrap();
    assert!(
        again.contains("Talking to Pat, who had been there"),
        "the draft"
    );
    let mut all = answers(None);
    all.push(("helped".into(), "Talking to Pat, who had been there".into()));
    all.push(("hindered".into(), "The bus to the group".into()));
    let long = "x".repeat(2001);
    let mut too_long = all.clone();
    too_long.last_mut().unwrap().1 = long;
    let pairs: Vec<(&str, &str)> = too_long
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = person.submit(&link, &link, &pairs).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Keep the answer to 2000 characters or fewer")
    );
    let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        person.submit(&link, &link, &pairs).await.status(),
        StatusCode::OK
    );

    // Sealed at rest.
    let stored = app.stored("SELECT helped FROM reflections").await;
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains("Talking to"), "the words are sealed");

    // The coordinator reads and tags.
    let review = coordinator.get("/feedback").await.text().await.unwrap();
    assert!(review.contains("Talking to Pat, who had been there"));
    assert!(review.contains("There are no themes yet"));
    assert!(!review.contains("Maureen"), "no names");
    let bad = coordinator
        .submit("/feedback", "/feedback/themes", &[("theme", "x")])
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("Enter a theme name of at least 2 characters")
    );
    for theme in ["Someone who understood", "Travel"] {
        let added = coordinator
            .submit("/feedback", "/feedback/themes", &[("theme", theme)])
            .await;
        assert_eq!(added.status(), StatusCode::SEE_OTHER);
    }
    let twice = coordinator
        .submit("/feedback", "/feedback/themes", &[("theme", "Travel")])
        .await;
    assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let review = coordinator.get("/feedback").await.text().await.unwrap();
    let id_of = |name: &str| {
        regex::Regex::new(&format!(
            r#"name="helped" type="checkbox" value="([0-9a-f-]{{36}})">\s*<label[^>]*>{name}<"#
        ))
        .unwrap()
        .captures(&review)
        .unwrap_or_else(|| panic!("a checkbox for {name}"))[1]
            .to_owned()
    };
    let (understood, travel) = (id_of("Someone who understood"), id_of("Travel"));
    let action = regex::Regex::new(r#"action="(/feedback/[0-9a-f-]{36}/tags)""#)
        .unwrap()
        .captures(&review)
        .unwrap()[1]
        .to_owned();
    let csrf = coordinator.csrf("/feedback").await;
    let tagged = coordinator
        .post_form(
            &action,
            &csrf,
            &[("helped", &understood), ("hindered", &travel)],
        )
        .await;
    assert_eq!(tagged.status(), StatusCode::SEE_OTHER);
    let review = coordinator.get("/feedback").await.text().await.unwrap();
    assert_eq!(review.matches(" checked>").count(), 2);

    let report = coordinator.get("/reports").await.text().await.unwrap();
    assert!(report.contains("<h2>What people said</h2>"));
    assert!(report.contains("What helped: 1 answered"));
    assert!(
        regex::Regex::new(r#"scope="row">Someone who understood</th><td[^>]*>1<"#)
            .unwrap()
            .is_match(&report)
    );
    let csv = coordinator
        .get("/reports/referrals.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("What got in the way,Travel,<5"), "{csv}");

    let commissioner = app.signed_in(Role::Commissioner).await;
    let report = commissioner.get("/reports").await.text().await.unwrap();
    assert!(report.contains("What helped: &#60;5 answered"));
    assert!(!report.contains("Talking to Pat"));
    assert!(!report.contains("Read and tag the answers"));
    assert_eq!(
        commissioner.get("/feedback").await.status(),
        StatusCode::FORBIDDEN
    );
}

fn own_questionnaire(title: &str) -> serde_json::Value {
    let option = |code: &str, display: &str, score: f64| {
        serde_json::json!({
            "valueCoding": {"code": code, "display": display},
            "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": score}]
        })
    };
    serde_json::json!({
        "resourceType": "Questionnaire",
        "title": title,
        "status": "active",
        "description": "How people get out and about.",
        "extension": [{"url": "https://example.org/fhir/StructureDefinition/scoring", "valueCode": "sum"}],
        "item": [
            {"linkId": "intro", "type": "display", "text": "Think about the last month."},
            {"linkId": "out", "type": "group", "text": "Going out", "item": [
                {"linkId": "days", "type": "integer", "text": "On how many days did you go out?", "required": true},
                {"linkId": "ease", "type": "choice", "text": "How easy was it?", "required": true,
                 "answerOption": [option("hard", "Hard", 0.0), option("ok", "All right", 1.0), option("easy", "Easy", 2.0)]},
                {"linkId": "where", "type": "choice", "text": "Where did you go?", "repeats": true,
                 "answerOption": [{"valueString": "Shops"}, {"valueString": "Park"}, {"valueString": "Friends"}]},
                {"linkId": "alone", "type": "boolean", "text": "Did you go on your own?"},
                {"linkId": "miles", "type": "decimal", "text": "About how far, in miles?"},
                {"linkId": "else", "type": "text", "text": "Anything else?"}
            ]}
        ]
    })
}

async fn own_questionnaires_are_imported_answered_and_exported(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let post = reqwest::Method::POST;
    let get = reqwest::Method::GET;

    // Through FHIR: checked, refused to those who may not, one per title.
    let (status, _) = fhir(
        &app,
        Role::Referrer,
        post.clone(),
        "/Questionnaire",
        Some(own_questionnaire("Out and about")),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut bad = own_questionnaire("Out and about");
    bad["item"][1]["item"][0]["type"] = "attachment".into();
    bad["item"][1]["item"][1]["linkId"] = "days".into();
    let (status, outcome) = fhir(
        &app,
        Role::Coordinator,
        post.clone(),
        "/Questionnaire",
        Some(bad),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = outcome.to_string();
    assert!(
        text.contains("Questionnaire.item[1].item[0].type"),
        "{text}"
    );
    assert!(text.contains("linkId 'days' is used twice"), "{text}");
    let (status, created) = fhir(
        &app,
        Role::Coordinator,
        post.clone(),
        "/Questionnaire",
        Some(own_questionnaire("Out and about")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, _) = fhir(
        &app,
        Role::Coordinator,
        post.clone(),
        "/Questionnaire",
        Some(own_questionnaire("Out and about")),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "one per title");
    let (status, read) = fhir(
        &app,
        Role::Commissioner,
        get.clone(),
        &format!("/Questionnaire/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        read["item"][1]["item"][1]["answerOption"][2]["extension"][0]["valueDecimal"],
        2.0
    );
    assert_eq!(read["item"][1]["item"][2]["repeats"], true);
    let (_, all) = fhir(&app, Role::Coordinator, get.clone(), "/Questionnaire", None).await;
    assert!(all.to_string().contains("Out and about"));

    // On pages: a pasted export is checked the same way.
    let listed = coordinator
        .get("/questionnaires")
        .await
        .text()
        .await
        .unwrap();
    assert!(listed.contains("Out and about"));
    let refused = coordinator
        .submit(
            "/questionnaires/import",
            "/questionnaires/import",
            &[("resource", "{not json")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("This is not JSON"));
    assert!(page.contains("{not json"), "what was pasted stays");
    let pasted = own_questionnaire("Getting out").to_string();
    let added = coordinator
        .submit(
            "/questionnaires/import",
            "/questionnaires/import",
            &[("resource", &pasted)],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let shown = coordinator
        .get(&crate::support::location(&added))
        .await
        .text()
        .await
        .unwrap();
    assert!(shown.contains("Scored as the sum of its scored items"));
    assert!(shown.contains("Easy = 2"));
    // Retired, it is marked in the list; brought back, it can be chosen.
    let pasted_id = crate::support::location(&added)
        .trim_start_matches("/questionnaires/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let shown_path = format!("/questionnaires/{pasted_id}");
    let retired = coordinator
        .submit(&shown_path, &format!("{shown_path}/retire"), &[])
        .await;
    assert_eq!(retired.status(), StatusCode::SEE_OTHER);
    let shown = coordinator
        .get(&crate::support::location(&retired))
        .await
        .text()
        .await
        .unwrap();
    assert!(shown.contains("programmes can no longer choose it"));
    assert!(shown.contains("Bring it back"));
    let listed = coordinator
        .get("/questionnaires")
        .await
        .text()
        .await
        .unwrap();
    assert!(listed.contains("(retired)"));
    let restored = coordinator
        .submit(&shown_path, &format!("{shown_path}/restore"), &[])
        .await;
    assert_eq!(restored.status(), StatusCode::SEE_OTHER);
    let listed = coordinator
        .get("/questionnaires")
        .await
        .text()
        .await
        .unwrap();
    assert!(!listed.contains("(retired)"));
    let download = coordinator
        .get(&format!("/questionnaires/{id}/fhir.json"))
        .await;
    assert_eq!(download.headers()["content-type"], "application/fhir+json");
    let exported: serde_json::Value = download.json().await.unwrap();
    assert_eq!(exported["title"], "Out and about");

    // A programme collects it; the person answers it through their link.
    let (page, programme) = on_a_new_programme(&app, &coordinator, "Maureen").await;
    let choose = format!("/programmes/{programme}/outcomes");
    let code = format!("q-{id}");
    let chosen = coordinator
        .submit(
            &choose,
            &choose,
            &[("instruments", "ucla3"), ("instruments", &code)],
        )
        .await;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    give_consent(&coordinator, &page).await;
    let csrf = coordinator.csrf(&page).await;
    let made = coordinator
        .post_form(&format!("{page}/outcomes/0/link"), &csrf, &[])
        .await
        .text()
        .await
        .unwrap();
    let link = link_of(&made);
    let person = app.browser();
    let form = person.get(&link).await.text().await.unwrap();
    assert!(form.contains("On how many days did you go out?"));
    assert!(form.contains("Where did you go?"));
    let field = |link_id: &str| format!("{code}.{link_id}");
    let ucla = [("ucla3-1", "2"), ("ucla3-2", "2"), ("ucla3-3", "2")];
    let mut wrong: Vec<(String, String)> = ucla
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    wrong.push((field("days"), "lots".into()));
    let pairs: Vec<(&str, &str)> = wrong
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = person.submit(&link, &link, &pairs).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text().await.unwrap();
    assert!(
        text.contains("Out and about: answer with a whole number, like 3"),
        "{text}"
    );
    let mut missing: Vec<(String, String)> = ucla
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    missing.push((field("days"), "12".into()));
    let pairs: Vec<(&str, &str)> = missing
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = person.submit(&link, &link, &pairs).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Answer \u{201c}How easy was it?\u{201d}: it is required")
    );
    let mut good = missing.clone();
    good.extend([
        (field("ease"), "easy".to_owned()),
        (format!("{}.0", field("where")), "Shops".to_owned()),
        (format!("{}.2", field("where")), "Friends".to_owned()),
        (field("alone"), "yes".to_owned()),
        (field("miles"), "1.5".to_owned()),
        (field("else"), "The bus pass helped".to_owned()),
    ]);
    let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        person.submit(&link, &link, &pairs).await.status(),
        StatusCode::OK
    );
    let referral = coordinator.get(&page).await.text().await.unwrap();
    assert!(referral.contains("Out and about"));
    assert!(
        referral.contains("Score 15.5"),
        "12 days, easy (2) and 1.5 miles: numbers count in the sum"
    );

    // A scored own questionnaire has its outcome table once the answers
    // count: here when the person is placed the same day.
    let report = coordinator.get("/reports").await.text().await.unwrap();
    assert!(report.contains(">Out and about</h3>"));
    assert!(
        report.contains("Not counted: 1 responses"),
        "not placed yet"
    );
    place(&coordinator, &page, "Pat Hughes").await;
    let report = coordinator.get("/reports").await.text().await.unwrap();
    let section = &report[report.find(">Out and about</h3>").unwrap()..];
    assert!(!section.contains("Not counted"), "{section}");
    assert!(section.contains("15.5"), "the mean at baseline: {section}");

    // Sealed at rest, read back through FHIR with typed values.
    let stored = app
        .stored("SELECT answers FROM questionnaire_responses WHERE instrument LIKE 'q-%'")
        .await;
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].contains("bus pass"));
    let referral_id = page.rsplit('/').next().unwrap();
    let (_, found) = fhir(
        &app,
        Role::Coordinator,
        get,
        &format!("/QuestionnaireResponse?based-on=ServiceRequest/{referral_id}"),
        None,
    )
    .await;
    let own = found["entry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["resource"]["questionnaire"]
                .as_str()
                .unwrap()
                .ends_with(&id)
        })
        .expect("the own questionnaire's response");
    let items = own["resource"]["item"].to_string();
    assert!(items.contains(r#"{"valueInteger":12}"#), "{items}");
    assert!(items.contains(r#"{"valueBoolean":true}"#), "{items}");
    assert!(items.contains("The bus pass helped"), "{items}");

    // Another system sends answers to it: checked against its items.
    let response = |days: serde_json::Value, status: &str| {
        serde_json::json!({
            "resourceType": "QuestionnaireResponse",
            "questionnaire": format!("Questionnaire/{id}"),
            "status": status,
            "basedOn": [{"reference": format!("ServiceRequest/{referral_id}")}],
            "extension": [{"url": "https://example.org/fhir/StructureDefinition/timepoint", "valueString": "End of support"}],
            "item": [{"linkId": "out", "item": [
                {"linkId": "days", "answer": [days]},
                {"linkId": "ease", "answer": [{"valueCoding": {"code": "ok"}}]},
                {"linkId": "miles", "answer": [{"valueDecimal": 2.5}]},
                {"linkId": "where", "answer": [{"valueString": "Park"}, {"valueString": "Shops"}]}
            ]}]
        })
    };
    let (status, outcome) = fhir(
        &app,
        Role::Coordinator,
        post.clone(),
        "/QuestionnaireResponse",
        Some(response(
            serde_json::json!({"valueString": "twelve"}),
            "completed",
        )),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{outcome}");
    assert!(
        outcome
            .to_string()
            .contains("days: Answer with a whole number"),
        "{outcome}"
    );
    let (status, created) = fhir(
        &app,
        Role::Coordinator,
        post,
        "/QuestionnaireResponse",
        Some(response(
            serde_json::json!({"valueInteger": 20}),
            "completed",
        )),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(created["questionnaire"].as_str().unwrap().ends_with(&id));
    assert_eq!(created["item"].as_array().unwrap().len(), 4);
    let referral = coordinator.get(&page).await.text().await.unwrap();
    assert!(
        referral.contains("Score 23.5, entered by"),
        "20 days, all right (1), 2.5 miles"
    );
}

async fn links_go_by_email_as_windows_open(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let emailed = |given: &'static str| {
        let mut form = crate::referrals::answers(given, "ls1 4ap");
        for (k, v) in &mut form {
            if *k == "email" {
                *v = "someone@example.org";
            }
        }
        form
    };
    let mut pages = Vec::new();
    for given in ["Maureen", "Dev"] {
        let (page, _) = on_a_new_programme_as(&app, &coordinator, &emailed(given)).await;
        pages.push(page);
    }
    let (maureen, dev) = (&pages[0], &pages[1]);
    give_consent(&coordinator, maureen).await;
    // Dev agreed to email but not to questionnaires: staff ask in person.
    let today = chrono::Utc::now().date_naive();
    let send =
        || alongside_services::outcomes::send_links_as_windows_open(app.state.services(), today);
    assert_eq!(send().await.unwrap(), 0, "no one is placed yet");
    place(&coordinator, maureen, "Pat Hughes").await;
    place(&coordinator, dev, "Sam Lee").await;
    let waiting = || async {
        alongside_db::outbox::counts(&app.test_db.db)
            .await
            .unwrap()
            .waiting
    };
    let before = waiting().await;
    assert_eq!(send().await.unwrap(), 1, "Maureen's baseline");
    assert_eq!(waiting().await, before + 2, "the link and its reminder");
    assert_eq!(send().await.unwrap(), 0, "never twice");
    assert!(
        app.audit_events()
            .await
            .iter()
            .any(|(_, entity, detail)| entity == "questionnaire_link"
                && detail == "private link emailed for Baseline as its window opened")
    );

    // At the end of support the next window opens.
    end_support(&coordinator, maureen).await;
    assert_eq!(send().await.unwrap(), 1, "Maureen's end of support");
    let later = today + chrono::Duration::days(61);
    assert_eq!(
        alongside_services::outcomes::send_links_as_windows_open(app.state.services(), later)
            .await
            .unwrap(),
        1,
        "two months after the end"
    );
}

async fn a_programme_chooses_its_questionnaires(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let (page, id) = on_a_new_programme(&app, &coordinator, "Ann").await;
    let choose = format!("/programmes/{id}/outcomes");
    let form = coordinator.get(&choose).await.text().await.unwrap();
    assert!(
        form.contains(r#"value="semcd6" checked"#),
        "the default set is ticked"
    );
    assert!(form.contains("Licensed questionnaires") && form.contains("WEMWBS"));

    let none = coordinator.submit(&choose, &choose, &[]).await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        none.text()
            .await
            .unwrap()
            .contains("Choose at least one questionnaire")
    );
    let licensed = coordinator
        .submit(&choose, &choose, &[("instruments", "wemwbs")])
        .await;
    assert_eq!(licensed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        licensed
            .text()
            .await
            .unwrap()
            .contains("needs its item text loaded")
    );

    let saved = coordinator
        .submit(
            &choose,
            &choose,
            &[("instruments", "phq9"), ("instruments", "gad7")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let referral = coordinator.get(&page).await.text().await.unwrap();
    assert!(referral.contains("Patient Health Questionnaire (PHQ-9)"));
    assert!(!referral.contains("SEMCD-6"));
}

async fn fhir(
    app: &TestApp,
    role: Role,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let token = app.api_token(role).await;
    let mut request = app
        .api(None)
        .client
        .request(method, format!("{}/fhir{path}", app.url))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/fhir+json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

fn ucla3_response(
    referral: &str,
    timepoint: &str,
    answers: &[&str],
    status: &str,
) -> serde_json::Value {
    let items: Vec<serde_json::Value> = answers
        .iter()
        .enumerate()
        .map(|(i, code)| serde_json::json!({"linkId": format!("ucla3-{}", i + 1), "answer": [{"valueCoding": {"code": code}}]}))
        .collect();
    serde_json::json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "Questionnaire/ucla3",
        "status": status,
        "basedOn": [{"reference": format!("ServiceRequest/{referral}")}],
        "extension": [{"url": "https://example.org/fhir/StructureDefinition/timepoint", "valueString": timepoint}],
        "item": [{"linkId": "ucla3", "item": items}],
    })
}

async fn questionnaires_and_responses_through_fhir(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let get = reqwest::Method::GET;
    let post = reqwest::Method::POST;
    let (status, bundle) = fhir(&app, Role::Referrer, get.clone(), "/Questionnaire", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["total"], 6, "the six instruments whose text ships");
    let (_, phq9) = fhir(
        &app,
        Role::Referrer,
        get.clone(),
        "/Questionnaire/phq9",
        None,
    )
    .await;
    assert_eq!(phq9["item"][0]["type"], "group");
    assert_eq!(phq9["item"][0]["item"].as_array().unwrap().len(), 9);
    assert_eq!(
        phq9["item"][0]["item"][0]["answerOption"][3]["valueCoding"]["display"],
        "Nearly every day"
    );
    let (status, outcome) = fhir(
        &app,
        Role::Referrer,
        get.clone(),
        "/Questionnaire/wemwbs",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        outcome["issue"][0]["diagnostics"]
            .as_str()
            .unwrap()
            .contains("licensed")
    );

    let coordinator = app.signed_in(Role::Coordinator).await;
    let page = on_a_programme(&app, &coordinator, "Maureen").await;
    let referral = page.rsplit('/').next().unwrap().to_owned();

    let (status, created) = fhir(
        &app,
        Role::Coordinator,
        post.clone(),
        "/QuestionnaireResponse",
        Some(ucla3_response(
            &referral,
            "Baseline",
            &["3", "2", "3"],
            "completed",
        )),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "completed");
    let referral_page = coordinator.get(&page).await.text().await.unwrap();
    assert!(referral_page.contains("Score 8"), "3 + 2 + 3");

    let (status, found) = fhir(
        &app,
        Role::Coordinator,
        get.clone(),
        &format!("/QuestionnaireResponse?based-on=ServiceRequest/{referral}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found["total"], 1);
    assert_eq!(
        found["entry"][0]["resource"]["item"][1]["answer"][0]["valueCoding"]["code"],
        "2"
    );

    // Every problem at once, each at its place.
    let mut bad = ucla3_response(&referral, "Someday", &["3", "7"], "completed");
    bad["item"][0]["item"][1]["linkId"] = "ucla3-9".into();
    bad["colour"] = "blue".into();
    let (status, outcome) = fhir(
        &app,
        Role::Coordinator,
        post.clone(),
        "/QuestionnaireResponse",
        Some(bad),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    let expressions: Vec<String> = outcome["issue"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["expression"].as_array().cloned().unwrap_or_default())
        .map(|e| e.as_str().unwrap().to_owned())
        .collect();
    for expected in [
        "QuestionnaireResponse.colour",
        "QuestionnaireResponse.extension",
        "QuestionnaireResponse.item[0].item[1].linkId",
    ] {
        assert!(
            expressions.iter().any(|e| e == expected),
            "{expected} in {expressions:?}"
        );
    }
    let (status, outcome) = fhir(
        &app,
        Role::Coordinator,
        post.clone(),
        "/QuestionnaireResponse",
        Some(ucla3_response(
            &referral,
            "End of support",
            &["3", "2"],
            "completed",
        )),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        outcome["issue"][0]["diagnostics"]
            .as_str()
            .unwrap()
            .contains("must be scorable")
    );
    // The same, in progress, is a draft.
    let (status, _) = fhir(
        &app,
        Role::Coordinator,
        post.clone(),
        "/QuestionnaireResponse",
        Some(ucla3_response(
            &referral,
            "End of support",
            &["3", "2"],
            "in-progress",
        )),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (status, outcome) = fhir(
        &app,
        Role::Referrer,
        post,
        "/QuestionnaireResponse",
        Some(ucla3_response(
            &referral,
            "Baseline",
            &["1", "1", "1"],
            "completed",
        )),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(outcome["resourceType"], "OperationOutcome");
}

async fn an_emailed_link_is_reminded_until_answered(db: TestDb) {
    use alongside_services::mail::{Sender, deliver_due};
    let app = TestApp::spawn(db).await;
    let sink = crate::support::SmtpSink::start().await;
    let sender = Sender::new(&sink.url, "Alongside <alongside@example.org>").unwrap();
    let coordinator = app.signed_in(Role::Coordinator).await;
    let admin = app.api(Some(&app.api_token(Role::Admin).await));
    let created: serde_json::Value = admin
        .post_json("/programmes", &programme_json("Breathe buddies"))
        .await
        .json()
        .await
        .unwrap();
    let programme = created["id"].as_str().unwrap().to_owned();
    let mut form = crate::referrals::answers("Maureen", "ls1 4ap");
    for (k, v) in &mut form {
        if *k == "email" {
            *v = "maureen@example.org";
        }
    }
    let sent = app
        .browser()
        .submit("/refer/north", "/refer/north", &form)
        .await;
    let reference = crate::support::location(&sent)
        .rsplit('=')
        .next()
        .unwrap()
        .to_owned();
    let page = format!(
        "/referrals/{}",
        referral_id(&coordinator, &reference, "new").await
    );
    let triage = format!("{page}/triage");
    coordinator
        .submit(&page, &triage, &[("decision", "start")])
        .await;
    coordinator
        .submit(
            &page,
            &triage,
            &[("decision", "accept"), ("programme", &programme)],
        )
        .await;
    give_consent(&coordinator, &page).await;
    let csrf = coordinator.csrf(&page).await;
    let made = coordinator
        .post_form(&format!("{page}/outcomes/0/link"), &csrf, &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        made.contains("The link has been emailed to maureen@example.org"),
        "{made}"
    );
    let link = link_of(&made);

    let db = &app.test_db.db;
    let key = crate::support::data_key();
    let now = chrono::Utc::now();
    // The acknowledgement of the self-referral and the link go now; the
    // reminder waits.
    deliver_due(db, &key, &sender, now).await.unwrap();
    let texts: Vec<String> = sink.received().iter().map(|m| m.text()).collect();
    assert!(
        texts.iter().any(
            |t| t.contains("A few questions about how things are for you") && t.contains(&link)
        )
    );
    assert!(!texts.iter().any(|t| t.contains("Reminder:")));
    let waiting = alongside_db::outbox::counts(db).await.unwrap().waiting;
    assert_eq!(waiting, 1, "the reminder is waiting");

    let all = answers(None);
    let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let person = app.browser();
    assert_eq!(
        person.submit(&link, &link, &pairs).await.status(),
        StatusCode::OK
    );
    // Answered: a week later, no reminder goes.
    let later = deliver_due(db, &key, &sender, now + chrono::Duration::days(8))
        .await
        .unwrap();
    assert_eq!(later.sent, 0);
    assert_eq!(alongside_db::outbox::counts(db).await.unwrap().waiting, 0);
}

async fn an_admin_loads_licensed_wording_which_programmes_can_then_use(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let admin = app.signed_in(Role::Admin).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let wording = "/questionnaires/swemwbs/wording";
    assert_eq!(
        coordinator.get(wording).await.status(),
        StatusCode::FORBIDDEN,
        "admins accept licences"
    );
    assert_eq!(
        admin.get("/questionnaires/phq9/wording").await.status(),
        StatusCode::NOT_FOUND,
        "PHQ-9's wording ships"
    );
    let short = admin
        .submit(wording, wording, &[("items", "One\nTwo")])
        .await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = short.text().await.unwrap();
    assert!(text.contains("Enter the 7 items"), "{text}");
    assert!(text.contains("One\nTwo"), "what was typed is kept");
    let items = (1..=7)
        .map(|i| format!("Licensed statement {i}"))
        .collect::<Vec<_>>()
        .join("\n");
    let saved = admin.submit(wording, wording, &[("items", &items)]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let (page, programme) = on_a_new_programme(&app, &coordinator, "Ann").await;
    let choose = format!("/programmes/{programme}/outcomes");
    let chosen = coordinator
        .submit(&choose, &choose, &[("instruments", "swemwbs")])
        .await;
    assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
    let enter = format!("{page}/outcomes/0");
    let form = coordinator.get(&enter).await.text().await.unwrap();
    assert!(
        form.contains("Licensed statement 7"),
        "the loaded wording is asked"
    );
    let all: Vec<(String, String)> = (1..=7)
        .map(|i| (format!("swemwbs-{i}"), "3".to_owned()))
        .collect();
    let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        coordinator.submit(&enter, &enter, &pairs).await.status(),
        StatusCode::SEE_OTHER
    );
    let referral = coordinator.get(&page).await.text().await.unwrap();
    assert!(
        referral.contains("Score 19.25"),
        "raw 21 is 19.25 on the metric scale"
    );

    // Never published: FHIR still does not give it out.
    let (status, _) = fhir(
        &app,
        Role::Coordinator,
        reqwest::Method::GET,
        "/Questionnaire/swemwbs",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn outcome_pages_take_only_the_canonical_spelling_of_an_id(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let (page, programme) = on_a_new_programme(&app, &coordinator, "Ann").await;
    let referral = page.trim_start_matches("/referrals/").to_uppercase();
    let programme_upper = programme.to_uppercase();
    for path in [
        format!("{page}/outcomes/0"),
        format!("/programmes/{programme}/outcomes"),
    ] {
        let status = coordinator.get(&path).await.status();
        assert_eq!(status, StatusCode::OK, "{path} as spelled");
    }

    let not_found = |response: reqwest::Response, what: String| async move {
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{what}");
        let body = response.text().await.unwrap();
        assert!(body.contains("Page not found"), "{what}");
        assert!(
            body.contains("Sign out"),
            "{what}: the signed-in header stays"
        );
    };
    for path in [
        format!("/referrals/{referral}/outcomes/0"),
        "/referrals/42/outcomes/0".to_owned(),
        format!("/programmes/{programme_upper}/outcomes"),
        "/programmes/not-an-id/outcomes".to_owned(),
        "/questionnaires/not-an-id".to_owned(),
        "/questionnaires/not-an-id/fhir.json".to_owned(),
    ] {
        not_found(coordinator.get(&path).await, format!("GET {path}")).await;
    }
    for path in [
        format!("/referrals/{referral}/outcomes/0"),
        format!("/referrals/{referral}/outcomes/0/link"),
        format!("/programmes/{programme_upper}/outcomes"),
        format!("/programmes/{programme_upper}/outcomes/schedule"),
        "/feedback/42/tags".to_owned(),
        "/questionnaires/not-an-id/retire".to_owned(),
    ] {
        let response = coordinator.submit("/dashboard", &path, &[]).await;
        not_found(response, format!("POST {path}")).await;
    }
}

on_both_engines!(
    outcome_pages_take_only_the_canonical_spelling_of_an_id,
    a_programme_sets_its_own_schedule,
    links_go_by_email_as_windows_open,
    own_questionnaires_are_imported_answered_and_exported,
    what_people_said_is_kept_sealed_tagged_and_counted,
    the_report_gives_the_cost_per_person_supported,
    an_admin_loads_licensed_wording_which_programmes_can_then_use,
    an_emailed_link_is_reminded_until_answered,
    questionnaires_and_responses_through_fhir,
    a_programme_chooses_its_questionnaires,
    the_report_shows_change_and_hides_small_numbers_from_commissioners,
    a_person_answers_through_a_private_link,
    staff_enter_answers_and_corrections_make_a_new_version,
);
