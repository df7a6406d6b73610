//! Importing referrals from a spreadsheet: all rows or none, on both engines.

use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use reqwest::StatusCode;

use crate::support::{Browser, TestApp};

const GOOD: &str = "given_name,family_name,date_of_birth,postcode,phone,source,referrer_name,referrer_organisation,reason,consent_method,consents
Maureen,Ellis,27/03/1956,LS1 4AP,0113 496 0001,link_worker,Sam Okafor,Park Lane Surgery,Someone to talk to,verbal,contact_by_phone
Alan,Jones,1950-06-02,LS6 2AB,0113 496 0002,clinician,Dr Rae,Hyde Park Surgery,\"Low mood, lives alone\",written,
";

async fn queue_size(coordinator: &Browser) -> usize {
    coordinator
        .get("/referrals")
        .await
        .text()
        .await
        .unwrap()
        .matches(r#"<a href="/referrals/"#)
        .count()
}

async fn a_spreadsheet_is_imported_whole_or_not_at_all(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    let before = queue_size(&coordinator).await;

    let checked = coordinator
        .submit(
            "/referrals/import",
            "/referrals/import",
            &[("csv", GOOD), ("action", "check")],
        )
        .await;
    assert_eq!(checked.status(), StatusCode::OK);
    assert!(
        checked
            .text()
            .await
            .unwrap()
            .contains("2 referrals are ready to import")
    );
    assert_eq!(
        queue_size(&coordinator).await,
        before,
        "a check stores nothing"
    );

    let bad = format!(
        "{GOOD}Sian,Rees,31/02/1970,nowhere,,clinician,Dr Rae,Hyde Park Surgery,,verbal,\n"
    );
    let refused = coordinator
        .submit(
            "/referrals/import",
            "/referrals/import",
            &[("csv", &bad), ("action", "import")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("nothing was imported"));
    for cell in [
        r#"<span class="app-table-responsive__heading" aria-hidden="true">Line </span><div class="app-table-responsive__value">4</div>"#,
        "date_of_birth",
        "Enter a full UK postcode",
        "Enter the reason for the referral",
    ] {
        assert!(page.contains(cell), "{cell}");
    }
    assert!(page.contains("Sian,Rees"), "the text is kept to fix");
    assert_eq!(
        queue_size(&coordinator).await,
        before,
        "a bad row stops the whole import"
    );

    let imported = coordinator
        .submit(
            "/referrals/import",
            "/referrals/import",
            &[("csv", GOOD), ("action", "import")],
        )
        .await;
    assert_eq!(imported.status(), StatusCode::OK);
    assert!(
        imported
            .text()
            .await
            .unwrap()
            .contains("2 referrals imported")
    );
    assert_eq!(queue_size(&coordinator).await, before + 2);
    let events = app.audit_events().await;
    assert!(
        events
            .iter()
            .any(|(_, entity, detail)| entity == "referral" && detail == "2 referrals imported")
    );

    let template = coordinator.get("/referrals/import/template.csv").await;
    assert_eq!(
        template.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        template
            .text()
            .await
            .unwrap()
            .starts_with("given_name,family_name")
    );
}

async fn a_large_file_is_accepted_and_others_cannot_import(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let coordinator = app.signed_in(Role::Coordinator).await;
    // Larger than an ordinary form may be: 600 rows, about 130 KiB.
    let mut text = String::from(GOOD.lines().next().unwrap());
    text.push('\n');
    for i in 0..600 {
        text.push_str(&format!(
            "Person{i},Row,01/01/1960,LS1 4AP,0113 496 0001,clinician,Dr Rae,Hyde Park Surgery,A reason long enough to make the file grow past the ordinary form limit of sixty-four kibibytes,verbal,\n"
        ));
    }
    assert!(text.len() > 64 * 1024);
    let checked = coordinator
        .submit(
            "/referrals/import",
            "/referrals/import",
            &[("csv", &text), ("action", "check")],
        )
        .await;
    assert_eq!(checked.status(), StatusCode::OK);
    assert!(
        checked
            .text()
            .await
            .unwrap()
            .contains("600 referrals are ready")
    );

    let peer = app.signed_in(Role::PeerSupporter).await;
    assert_eq!(
        peer.get("/referrals/import").await.status(),
        StatusCode::FORBIDDEN
    );
    let referrer = app.signed_in(Role::Referrer).await;
    assert_eq!(
        referrer.get("/referrals/import").await.status(),
        StatusCode::FORBIDDEN
    );
}

on_both_engines!(
    a_spreadsheet_is_imported_whole_or_not_at_all,
    a_large_file_is_accepted_and_others_cannot_import,
);
