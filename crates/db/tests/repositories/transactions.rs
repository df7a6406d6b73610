//! Transactions: what is not committed is not kept.

use alongside_db::{Tx, programmes};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::Utc;

use crate::support::{details, organisation};

async fn a_rolled_back_transaction_leaves_nothing(t: TestDb) {
    let north = organisation(&t, "North").await;
    let mut tx: Tx = t.db.begin().await.unwrap();
    programmes::create(&mut tx, north, &details("Never saved"), Utc::now())
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert!(
        programmes::list(&t.db, north, true)
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_engines!(a_rolled_back_transaction_leaves_nothing);
