//! Sessions: found while live, expired, left unused, ended.

use alongside_db::sessions::{self, NewSession};
use alongside_domain::{AccountId, OrganisationId, Role};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::{DateTime, Duration, Utc};

use crate::support::{member, organisation};

fn new<'a>(
    token_hash: &'a str,
    account: AccountId,
    organisation: OrganisationId,
    expires_at: DateTime<Utc>,
) -> NewSession<'a> {
    NewSession {
        token_hash,
        account,
        organisation,
        device: "Firefox on a phone",
        expires_at,
    }
}

async fn sessions_expire_idle_and_end(t: TestDb) {
    let org = organisation(&t, "North").await;
    let id = member(&t, org, "sam@example.org", Role::Supervisor).await;
    let now = Utc::now();
    let idle_since = now - Duration::minutes(30);
    let mut tx = t.db.begin().await.unwrap();
    for hash in ["live", "other"] {
        sessions::create(&mut tx, &new(hash, id, org, now + Duration::hours(8)), now)
            .await
            .unwrap();
    }
    sessions::create(
        &mut tx,
        &new("stale", id, org, now - Duration::hours(1)),
        now - Duration::hours(9),
    )
    .await
    .unwrap();
    sessions::create(
        &mut tx,
        &new("idle", id, org, now + Duration::hours(7)),
        now - Duration::hours(1),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let signed_in = sessions::find(&t.db, "live", now, idle_since)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(signed_in.actor.role, Role::Supervisor);
    assert_eq!(signed_in.actor.organisation_id, org);
    assert_eq!(signed_in.organisation_name, "North");
    for gone in ["stale", "idle", "unknown"] {
        assert!(
            sessions::find(&t.db, gone, now, idle_since)
                .await
                .unwrap()
                .is_none(),
            "{gone}"
        );
    }
    // Used again, a session lasts; noted at most once a minute.
    sessions::touch(&t.db, "idle", now, now - Duration::minutes(1))
        .await
        .unwrap();
    assert!(
        sessions::find(&t.db, "idle", now, idle_since)
            .await
            .unwrap()
            .is_some()
    );
    let open = sessions::open_of(&t.db, id, org, now, idle_since)
        .await
        .unwrap();
    assert_eq!(open.len(), 3);
    assert!(open.iter().all(|s| s.device == "Firefox on a phone"));

    assert_eq!(sessions::delete_expired(&t.db, now).await.unwrap(), 1);
    let mut tx = t.db.begin().await.unwrap();
    assert_eq!(
        sessions::delete_others(&mut tx, id, "live").await.unwrap(),
        2
    );
    sessions::delete(&mut tx, "live").await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        sessions::find(&t.db, "live", now, idle_since)
            .await
            .unwrap()
            .is_none()
    );
}

on_both_engines!(sessions_expire_idle_and_end);
