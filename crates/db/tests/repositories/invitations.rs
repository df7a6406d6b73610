//! Invitations: used once, before they expire.

use alongside_db::{DbError, invitations};
use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use chrono::{Duration, Utc};

use crate::support::{member, organisation};

async fn an_invitation_is_used_once_before_it_expires(t: TestDb) {
    let north = organisation(&t, "North").await;
    let admin = member(&t, north, "admin@example.org", Role::Admin).await;
    let now = Utc::now();
    let new = |hash, expires_at| invitations::NewInvitation {
        organisation: north,
        email: "new@example.org",
        role: Role::PeerSupporter,
        token_hash: hash,
        invited_by: admin,
        expires_at,
    };
    let mut tx = t.db.begin().await.unwrap();
    let open = invitations::create(&mut tx, new("open", now + Duration::days(7)), now)
        .await
        .unwrap();
    let expired = invitations::create(&mut tx, new("expired", now - Duration::days(1)), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let found = invitations::find_by_token(&t.db, "open")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.id, found.role, found.organisation_name.as_str()),
        (open, Role::PeerSupporter, "North")
    );
    assert!(found.is_open(now));
    assert_eq!(invitations::pending(&t.db, north).await.unwrap().len(), 2);

    let mut tx = t.db.begin().await.unwrap();
    invitations::accept(&mut tx, open, now).await.unwrap();
    assert!(matches!(
        invitations::accept(&mut tx, open, now).await,
        Err(DbError::Conflict(_))
    ));
    assert!(matches!(
        invitations::accept(&mut tx, expired, now).await,
        Err(DbError::Conflict(_))
    ));
    tx.commit().await.unwrap();
    assert!(
        !invitations::find_by_token(&t.db, "open")
            .await
            .unwrap()
            .unwrap()
            .is_open(now)
    );
}

on_both_engines!(an_invitation_is_used_once_before_it_expires);
