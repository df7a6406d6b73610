//! API tokens: they sign in until their owner revokes them.

use alongside_db::{DbError, api_tokens};
use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use chrono::Utc;

use crate::support::{member, organisation};

async fn api_tokens_authenticate_until_revoked(t: TestDb) {
    let north = organisation(&t, "North").await;
    let sam = member(&t, north, "sam@example.org", Role::Coordinator).await;
    let other = member(&t, north, "other@example.org", Role::Coordinator).await;
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    let id = api_tokens::create(&mut tx, sam, north, "reporting", "token-hash", now)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let signed_in = api_tokens::authenticate(&t.db, "token-hash", now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(signed_in.actor.account_id, sam);
    let listed = api_tokens::list(&t.db, sam, north).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some());

    let mut tx = t.db.begin().await.unwrap();
    assert!(matches!(
        api_tokens::revoke(&mut tx, other, id, now).await,
        Err(DbError::NotFound)
    ));
    api_tokens::revoke(&mut tx, sam, id, now).await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        api_tokens::authenticate(&t.db, "token-hash", now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        api_tokens::list(&t.db, sam, north)
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_engines!(api_tokens_authenticate_until_revoked);
