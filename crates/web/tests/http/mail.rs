//! Email through the outbox and real SMTP to a local sink, on both engines.

use alongside_db::outbox;
use alongside_domain::Role;
use alongside_services::mail::{Sender, deliver_due};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::{Duration, Utc};
use reqwest::StatusCode;

use crate::support::{SmtpSink, TestApp, data_key};

async fn an_invitation_is_emailed_once_through_smtp(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let sink = SmtpSink::start().await;
    let sender = Sender::new(&sink.url, "Alongside <alongside@example.org>").unwrap();
    let admin = app.signed_in(Role::Admin).await;
    let response = admin
        .submit(
            "/staff/invite",
            "/staff/invite",
            &[
                ("email", "new.coordinator@example.org"),
                ("role", "coordinator"),
            ],
        )
        .await;
    assert!(response.status().is_success() || response.status() == StatusCode::SEE_OTHER);
    let page = response.text().await.unwrap();
    let link = regex::Regex::new(r#"(http://[^"<\s]+/invitations/[A-Za-z0-9_-]+)"#)
        .unwrap()
        .captures(&page)
        .expect("the page shows the link")[1]
        .to_owned();

    let db = &app.test_db.db;
    let round = deliver_due(db, &data_key(), &sender, Utc::now())
        .await
        .unwrap();
    assert_eq!((round.sent, round.failed), (1, 0));
    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, ["new.coordinator@example.org"]);
    let data = &received[0].text();
    assert!(
        data.contains("Subject: You are invited to join North on Alongside"),
        "{data}"
    );
    assert!(data.contains(&link), "the email holds the link: {data}");
    assert!(data.contains("From: Alongside <alongside@example.org>"));

    // Sent once: a second round finds nothing, and the body is gone.
    let again = deliver_due(db, &data_key(), &sender, Utc::now())
        .await
        .unwrap();
    assert_eq!((again.sent, again.failed), (0, 0));
    assert_eq!(sink.received().len(), 1);
    let counts = outbox::counts(db).await.unwrap();
    assert_eq!((counts.waiting, counts.sent, counts.failed), (0, 1, 0));
}

async fn a_self_referral_is_acknowledged_only_with_consent_to_email(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let sink = SmtpSink::start().await;
    let sender = Sender::new(&sink.url, "alongside@example.org").unwrap();
    let public = app.browser();
    let mut answers = vec![
        ("given_name", "Maureen"),
        ("family_name", "Ellis"),
        ("dob_day", "27"),
        ("dob_month", "3"),
        ("dob_year", "1956"),
        ("postcode", "LS1 4AP"),
        ("email", "maureen@example.org"),
        ("support_wanted", "My private words"),
        ("consent_store", "yes"),
        ("consent_contact", "yes"),
        ("website", ""),
    ];
    let sent = public
        .submit("/refer/north", "/refer/north", &answers)
        .await;
    let reference = crate::support::location(&sent)
        .rsplit('=')
        .next()
        .unwrap()
        .to_owned();
    answers.retain(|(k, _)| *k != "consent_contact");
    public
        .submit("/refer/north", "/refer/north", &answers)
        .await;
    deliver_due(&app.test_db.db, &data_key(), &sender, Utc::now())
        .await
        .unwrap();
    let received = sink.received();
    assert_eq!(received.len(), 1, "no email without consent to contact");
    assert!(received[0].text().contains(&reference));
    assert!(
        !received[0].text().contains("My private words"),
        "the email never repeats what they wrote"
    );
}

async fn a_failed_send_is_retried_later_then_given_up(db: TestDb) {
    let app = TestApp::spawn(db).await;
    // A port nobody listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", closed.local_addr().unwrap());
    drop(closed);
    let sender = Sender::new(&url, "alongside@example.org").unwrap();
    let admin = app.signed_in(Role::Admin).await;
    admin
        .submit(
            "/staff/invite",
            "/staff/invite",
            &[("email", "someone@example.org"), ("role", "peer_supporter")],
        )
        .await;
    let db = &app.test_db.db;
    let mut now = Utc::now();
    let first = deliver_due(db, &data_key(), &sender, now).await.unwrap();
    assert_eq!((first.sent, first.failed), (0, 1));
    let too_soon = deliver_due(db, &data_key(), &sender, now).await.unwrap();
    assert_eq!(too_soon.failed, 0, "a retry waits");
    for _ in 1..outbox::MAX_ATTEMPTS {
        now += Duration::days(3);
        let round = deliver_due(db, &data_key(), &sender, now).await.unwrap();
        assert_eq!(round.failed, 1);
    }
    let counts = outbox::counts(db).await.unwrap();
    assert_eq!(
        (counts.waiting, counts.failed),
        (0, 1),
        "given up after the last attempt"
    );

    // A working server later does not resend what was given up.
    let sink = SmtpSink::start().await;
    let working = Sender::new(&sink.url, "alongside@example.org").unwrap();
    deliver_due(db, &data_key(), &working, now + Duration::days(30))
        .await
        .unwrap();
    assert!(sink.received().is_empty());
}

async fn a_bad_smtp_url_is_refused_clearly(db: TestDb) {
    drop(db);
    let error = Sender::new("carrier-pigeon://loft", "alongside@example.org").unwrap_err();
    assert!(error.starts_with("the SMTP URL is not usable"), "{error}");
    let error = Sender::new("smtp://127.0.0.1:25", "not an address").unwrap_err();
    assert!(error.contains("is not an email address"), "{error}");
}

on_both_engines!(
    an_invitation_is_emailed_once_through_smtp,
    a_self_referral_is_acknowledged_only_with_consent_to_email,
    a_failed_send_is_retried_later_then_given_up,
    a_bad_smtp_url_is_refused_clearly,
);
