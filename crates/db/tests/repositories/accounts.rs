//! Accounts: one per email address, lockout and password changes.

use alongside_db::{DbError, accounts};
use alongside_domain::Role;
use alongside_domain::account::{EmailAddress, Lockout};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::{Duration, Utc};

use crate::support::{member, organisation};

async fn an_email_address_has_one_account(t: TestDb) {
    let org = organisation(&t, "North").await;
    member(&t, org, "sam@example.org", Role::Coordinator).await;
    let mut tx = t.db.begin().await.unwrap();
    let err = accounts::create(
        &mut tx,
        &EmailAddress::parse("SAM@example.org").unwrap(),
        "Other",
        "hash",
        Utc::now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, DbError::Conflict(m) if m.contains("already exists")),
        "{err:?}"
    );
}

async fn lockout_state_is_stored(t: TestDb) {
    let org = organisation(&t, "North").await;
    let id = member(&t, org, "sam@example.org", Role::Admin).await;
    let until = Utc::now() + Duration::minutes(15);
    let mut tx = t.db.begin().await.unwrap();
    accounts::set_lockout(
        &mut tx,
        id,
        Lockout {
            failures: 0,
            locked_until: Some(until),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let account = accounts::find_by_email(&t.db, &EmailAddress::parse("sam@example.org").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(account.lockout.is_locked(Utc::now()));
    let mut tx = t.db.begin().await.unwrap();
    accounts::set_password(&mut tx, id, "new-hash", Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let account = accounts::find(&t.db, id).await.unwrap();
    assert_eq!(account.password_hash, "new-hash");
    assert!(!account.lockout.is_locked(Utc::now()));
}

on_both_engines!(an_email_address_has_one_account, lockout_state_is_stored);
