//! Sessions: found while live, expired, ended.

use alongside_db::sessions;
use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use chrono::{Duration, Utc};

use crate::support::{member, organisation};

async fn sessions_expire_and_end(t: TestDb) {
    let org = organisation(&t, "North").await;
    let id = member(&t, org, "sam@example.org", Role::Supervisor).await;
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    sessions::create(&mut tx, "live", id, org, now, now + Duration::hours(8))
        .await
        .unwrap();
    sessions::create(&mut tx, "other", id, org, now, now + Duration::hours(8))
        .await
        .unwrap();
    sessions::create(
        &mut tx,
        "stale",
        id,
        org,
        now - Duration::hours(9),
        now - Duration::hours(1),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let signed_in = sessions::find(&t.db, "live", now).await.unwrap().unwrap();
    assert_eq!(signed_in.actor.role, Role::Supervisor);
    assert_eq!(signed_in.actor.organisation_id, org);
    assert_eq!(signed_in.organisation_name, "North");
    assert!(sessions::find(&t.db, "stale", now).await.unwrap().is_none());
    assert!(
        sessions::find(&t.db, "unknown", now)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(sessions::delete_expired(&t.db, now).await.unwrap(), 1);

    let mut tx = t.db.begin().await.unwrap();
    assert_eq!(
        sessions::delete_others(&mut tx, id, "live").await.unwrap(),
        1
    );
    sessions::delete(&mut tx, "live").await.unwrap();
    tx.commit().await.unwrap();
    assert!(sessions::find(&t.db, "live", now).await.unwrap().is_none());
}

on_both_engines!(sessions_expire_and_end);
