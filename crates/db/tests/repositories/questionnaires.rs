//! An organisation's own questionnaires.

use alongside_db::{DbError, questionnaires};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::Utc;

use crate::support::organisation;

async fn own_questionnaires_stay_in_their_organisation(t: TestDb) {
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let now = Utc::now();
    let id = uuid::Uuid::new_v4();
    let mut tx = t.db.begin().await.unwrap();
    questionnaires::create(&mut tx, north, id, "Out and about", "{}", None, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = t.db.begin().await.unwrap();
    assert!(matches!(
        questionnaires::create(
            &mut tx,
            north,
            uuid::Uuid::new_v4(),
            "Out and about",
            "{}",
            None,
            now
        )
        .await,
        Err(DbError::Conflict(_))
    ));
    tx.rollback().await.unwrap();
    let listed = questionnaires::list(&t.db, north).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].id, listed[0].active), (id, true));
    assert_eq!(
        questionnaires::find(&t.db, north, id).await.unwrap().title,
        "Out and about"
    );
    assert!(matches!(
        questionnaires::find(&t.db, south, id).await,
        Err(DbError::NotFound)
    ));
    assert!(questionnaires::list(&t.db, south).await.unwrap().is_empty());
    let mut tx = t.db.begin().await.unwrap();
    questionnaires::set_active(&mut tx, north, id, false)
        .await
        .unwrap();
    assert!(matches!(
        questionnaires::set_active(&mut tx, south, id, true).await,
        Err(DbError::NotFound)
    ));
    tx.commit().await.unwrap();
    assert!(!questionnaires::find(&t.db, north, id).await.unwrap().active);
}

on_both_engines!(own_questionnaires_stay_in_their_organisation);
