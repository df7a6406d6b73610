//! Both engines: the same migrations, tables, views and columns; migrating
//! again is harmless.

use alongside_testdb::{TestDb, on_both_engines};

/// Every table's and view's columns (PostgreSQL lists both).
async fn tables_and_columns(t: &TestDb) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = match &t.db {
        alongside_db::Db::Sqlite(p) => sqlx::query_as(
            "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
             WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
        alongside_db::Db::Postgres(p) => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
    };
    pairs.sort();
    pairs
}

async fn views(t: &TestDb) -> Vec<String> {
    match &t.db {
        alongside_db::Db::Sqlite(p) => {
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")
                .fetch_all(p)
                .await
                .unwrap()
        }
        alongside_db::Db::Postgres(p) => sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.views WHERE table_schema = 'public'
             ORDER BY table_name",
        )
        .fetch_all(p)
        .await
        .unwrap(),
    }
}

#[test]
fn both_engines_have_the_same_migrations() {
    let names = |m: sqlx::migrate::Migrator| {
        m.iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect::<Vec<_>>()
    };
    let sqlite = names(alongside_db::sqlite_migrations());
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names(alongside_db::postgres_migrations()));
}

#[tokio::test]
async fn both_engines_have_the_same_tables_and_columns() {
    let sqlite = tables_and_columns(&TestDb::sqlite().await).await;
    let postgres = tables_and_columns(&TestDb::postgres().await).await;
    assert!(
        sqlite
            .iter()
            .any(|(t, c)| t == "programmes" && c == "organisation_id")
    );
    assert!(
        sqlite
            .iter()
            .any(|(t, c)| t == "referral_moments" && c == "placed_at"),
        "views' columns are compared too"
    );
    assert_eq!(sqlite, postgres);
}

#[tokio::test]
async fn both_engines_have_the_same_views() {
    let sqlite = views(&TestDb::sqlite().await).await;
    let postgres = views(&TestDb::postgres().await).await;
    assert_eq!(sqlite, ["referral_moments"]);
    assert_eq!(sqlite, postgres);
}

async fn migrating_twice_changes_nothing(t: TestDb) {
    t.db.migrate().await.unwrap();
    t.db.ping().await.unwrap();
}

on_both_engines!(migrating_twice_changes_nothing);
