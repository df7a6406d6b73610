//! Programme costs: kept per programme and summed with the people supported.

use alongside_db::{DbError, programmes};
use alongside_domain::costs::{Money, ProgrammeCosts};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::Utc;

use crate::support::{details, organisation};

async fn programme_costs_are_kept_and_summed_with_people_supported(t: TestDb) {
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    let funded = programmes::create(&mut tx, north, &details("Breathe easy"), now)
        .await
        .unwrap();
    let unfunded = programmes::create(&mut tx, north, &details("Walk and talk"), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        programmes::costs(&t.db, north, funded.id).await.unwrap(),
        ProgrammeCosts::default()
    );
    let costs = ProgrammeCosts {
        funding: Some(Money::from_pence(4_000_000)),
        volunteer_hours: 340,
        hour_value: Some(Money::from_pence(1250)),
    };
    let mut tx = t.db.begin().await.unwrap();
    programmes::set_costs(&mut tx, north, funded.id, &costs)
        .await
        .unwrap();
    assert!(matches!(
        programmes::set_costs(&mut tx, south, funded.id, &costs).await,
        Err(DbError::NotFound)
    ));
    tx.commit().await.unwrap();
    assert_eq!(
        programmes::costs(&t.db, north, funded.id).await.unwrap(),
        costs
    );
    let facts = programmes::cost_facts(&t.db, north, None).await.unwrap();
    assert_eq!(facts.len(), 1, "only programmes with funding recorded");
    assert_eq!(
        (
            facts[0].programme_id,
            facts[0].costs,
            facts[0].people_supported
        ),
        (funded.id, costs, 0)
    );
    assert!(
        programmes::cost_facts(&t.db, north, Some(unfunded.id))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        programmes::cost_facts(&t.db, south, None)
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_engines!(programme_costs_are_kept_and_summed_with_people_supported);
