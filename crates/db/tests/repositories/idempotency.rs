//! Idempotency keys: remembered once per account.

use alongside_db::{DbError, idempotency};
use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use chrono::Utc;

use crate::support::{create, member, online, organisation, self_referral};

async fn an_idempotency_key_is_remembered_once(t: TestDb) {
    let north = organisation(&t, "North").await;
    let referrer = member(&t, north, "gp@example.org", Role::Referrer).await;
    let created = create(
        &t,
        north,
        &self_referral("Maureen"),
        "REF-1",
        online("x"),
        Utc::now(),
    )
    .await;
    assert!(
        idempotency::find(&t.db, referrer, "k-1")
            .await
            .unwrap()
            .is_none()
    );
    let remembered = idempotency::Remembered {
        request_hash: "abc".into(),
        referral: created.referral,
    };
    let mut tx = t.db.begin().await.unwrap();
    idempotency::remember(&mut tx, referrer, "k-1", &remembered, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        idempotency::find(&t.db, referrer, "k-1").await.unwrap(),
        Some(remembered.clone())
    );
    let mut tx = t.db.begin().await.unwrap();
    let again = idempotency::remember(&mut tx, referrer, "k-1", &remembered, Utc::now()).await;
    assert!(matches!(again, Err(DbError::Conflict(_))));
}

on_both_engines!(an_idempotency_key_is_remembered_once);
