//! Peer supporters: kept, changed, paused, inside their organisation.

use alongside_db::{DbError, supporters};
use alongside_domain::supporter::SupporterStatus;
use alongside_testdb::{TestDb, on_both_engines};
use chrono::Utc;

use crate::support::{organisation, supporter};

async fn supporters_are_kept_paused_and_stay_in_their_organisation(t: TestDb) {
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    let pat = supporters::create(&mut tx, north, &supporter("Pat Hughes"), now)
        .await
        .unwrap();
    let ann = supporters::create(&mut tx, north, &supporter("ann Lee"), now)
        .await
        .unwrap();
    supporters::create(&mut tx, south, &supporter("Sam South"), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let found = supporters::find(&t.db, north, pat).await.unwrap();
    assert_eq!(
        found.details,
        supporter("Pat Hughes"),
        "every field comes back"
    );
    assert_eq!(found.status, SupporterStatus::Active);
    assert!(matches!(
        supporters::find(&t.db, south, pat).await,
        Err(DbError::NotFound)
    ));

    let mut changed = supporter("Pat Hughes");
    changed.capacity = 3;
    changed.checks_valid_until = None;
    let mut tx = t.db.begin().await.unwrap();
    supporters::update(&mut tx, north, pat, &changed, now)
        .await
        .unwrap();
    assert!(matches!(
        supporters::update(&mut tx, south, pat, &changed, now).await,
        Err(DbError::NotFound)
    ));
    supporters::set_status(&mut tx, north, ann, SupporterStatus::Left, now)
        .await
        .unwrap();
    assert_eq!(
        supporters::status_in(&mut tx, north, ann).await.unwrap(),
        SupporterStatus::Left
    );
    tx.commit().await.unwrap();
    assert_eq!(
        supporters::find(&t.db, north, pat).await.unwrap().details,
        changed
    );
    let names = |list: Vec<supporters::Supporter>| {
        list.into_iter().map(|s| s.details.name).collect::<Vec<_>>()
    };
    assert_eq!(
        names(supporters::list(&t.db, north, false).await.unwrap()),
        ["Pat Hughes"]
    );
    assert_eq!(
        names(supporters::list(&t.db, north, true).await.unwrap()),
        ["ann Lee", "Pat Hughes"],
        "by name, ignoring case"
    );
}

on_both_engines!(supporters_are_kept_paused_and_stay_in_their_organisation);
