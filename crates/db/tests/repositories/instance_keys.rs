//! Instance keys: made once, then always the same.

use alongside_db::instance_keys;
use alongside_testdb::{TestDb, on_both_engines};
use chrono::Utc;

async fn instance_keys_are_made_once(t: TestDb) {
    let first = instance_keys::get_or_create(&t.db, "csrf", "one", Utc::now())
        .await
        .unwrap();
    let second = instance_keys::get_or_create(&t.db, "csrf", "two", Utc::now())
        .await
        .unwrap();
    assert_eq!((first.as_str(), second.as_str()), ("one", "one"));
}

on_both_engines!(instance_keys_are_made_once);
