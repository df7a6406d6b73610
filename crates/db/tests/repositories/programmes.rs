//! Programmes: kept, changed and archived inside their organisation.

use alongside_db::{DbError, programmes};
use alongside_domain::programme::ProgrammeStatus;
use alongside_testdb::{TestDb, on_both_engines};
use chrono::Utc;

use crate::support::{details, organisation};

async fn programmes_stay_inside_their_organisation(t: TestDb) {
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    let walking = programmes::create(&mut tx, north, &details("Walking buddies"), now)
        .await
        .unwrap();
    programmes::create(&mut tx, north, &details("Arthritis mentors"), now)
        .await
        .unwrap();
    programmes::create(&mut tx, south, &details("South cafe"), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let found = programmes::find(&t.db, north, walking.id).await.unwrap();
    assert_eq!(found.details, details("Walking buddies"));
    assert!(matches!(
        programmes::find(&t.db, south, walking.id).await,
        Err(DbError::NotFound)
    ));
    let names: Vec<_> = programmes::list(&t.db, north, false)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.details.name)
        .collect();
    assert_eq!(names, ["Arthritis mentors", "Walking buddies"]);

    let mut tx = t.db.begin().await.unwrap();
    assert!(matches!(
        programmes::update(&mut tx, south, walking.id, &details("Taken over"), now).await,
        Err(DbError::NotFound)
    ));
    assert!(matches!(
        programmes::set_status(&mut tx, south, walking.id, ProgrammeStatus::Archived, now).await,
        Err(DbError::NotFound)
    ));
    programmes::update(&mut tx, north, walking.id, &details("Walk and talk"), now)
        .await
        .unwrap();
    programmes::set_status(&mut tx, north, walking.id, ProgrammeStatus::Archived, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    assert_eq!(
        programmes::list(&t.db, north, false).await.unwrap().len(),
        1
    );
    let all = programmes::list(&t.db, north, true).await.unwrap();
    assert_eq!(all.len(), 2);
    let archived = all.iter().find(|p| p.id == walking.id).unwrap();
    assert_eq!(
        (archived.details.name.as_str(), archived.status),
        ("Walk and talk", ProgrammeStatus::Archived)
    );
}

on_both_engines!(programmes_stay_inside_their_organisation);
