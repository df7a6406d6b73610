//! Aggregate reports: exact inside the service, small numbers hidden for
//! commissioners and in downloads, on both engines.

use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use reqwest::StatusCode;

use crate::referrals::refer;

async fn reports_hide_small_numbers_outside_the_service(db: TestDb) {
    let app = crate::support::TestApp::spawn(db).await;
    for name in ["Maureen", "Alan"] {
        refer(&app.browser(), name).await;
    }
    let coordinator = app.signed_in(Role::Coordinator).await;
    let page = coordinator.get("/reports").await.text().await.unwrap();
    assert!(page.contains("Referral report"));
    assert!(
        page.contains(r#"<td class="nhsuk-table__cell nhsuk-table__cell--numeric">2</td>"#),
        "the coordinator sees exact counts"
    );
    assert!(!page.contains("&#60;5</td>"));
    assert!(!page.contains("Maureen"), "a report names no one");

    let commissioner = app.signed_in(Role::Commissioner).await;
    let page = commissioner.get("/reports").await.text().await.unwrap();
    assert!(page.contains("&#60;5</td>"), "small numbers are hidden");
    assert!(
        !page.contains(r#"numeric">2</td>"#),
        "the exact small count never reaches a commissioner"
    );
    assert!(page.contains("Not shown (fewer than 5)"));

    let csv = coordinator.get("/reports/referrals.csv").await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(
        csv.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    let body = csv.text().await.unwrap();
    assert!(body.contains("Self-referral,<5,0,0,0,0,0,<5\n"), "{body}");

    let peer = app.signed_in(Role::PeerSupporter).await;
    assert_eq!(peer.get("/reports").await.status(), StatusCode::FORBIDDEN);
    let events = app.audit_events().await;
    assert!(
        events
            .iter()
            .any(|(_, entity, detail)| entity == "report" && detail == "referral report downloaded")
    );
}

on_both_engines!(reports_hide_small_numbers_outside_the_service);
