//! Ids: bound and read as themselves, stored as their hyphenated text on
//! both engines; a stored value that is not an id is a corrupt row.

use alongside_db::{Db, DbError, organisations, questionnaires, referrals};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::Utc;

use crate::support::{create, key, online, organisation, self_referral};

async fn ids_are_stored_as_their_hyphenated_text(t: TestDb) {
    let north = organisation(&t, "North").await;
    let created = create(
        &t,
        north,
        &self_referral("Maya"),
        "REF-1",
        online("referred themself online"),
        Utc::now(),
    )
    .await;
    let sql = "SELECT id, organisation_id, person_id FROM referrals";
    let stored: Vec<(String, String, String)> = match &t.db {
        Db::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    };
    assert_eq!(
        stored,
        [(
            created.referral.hyphenated().to_string(),
            north.to_string(),
            created.person.hyphenated().to_string()
        )]
    );
    let found = referrals::find(&t.db, &key(), north, created.referral)
        .await
        .unwrap();
    assert_eq!(
        (found.summary.id, found.summary.person_id, found.person.id),
        (created.referral, created.person, created.person),
        "and they read back as themselves"
    );
}

async fn a_stored_id_that_is_not_one_is_a_corrupt_row(t: TestDb) {
    let north = organisation(&t, "North").await;
    let odd = "INSERT INTO organisations (id, name, slug, created_at) VALUES ('not-an-id', 'Odd', 'odd', $1)";
    let odd_questionnaire =
        "INSERT INTO questionnaires (id, organisation_id, title, definition, status, created_at)
         VALUES ('not-a-uuid', $1, 'Odd', '{}', 'active', $2)";
    match &t.db {
        Db::Sqlite(p) => {
            sqlx::query(odd).bind(Utc::now()).execute(p).await.unwrap();
            sqlx::query(odd_questionnaire)
                .bind(north)
                .bind(Utc::now())
                .execute(p)
                .await
                .unwrap();
        }
        Db::Postgres(p) => {
            sqlx::query(odd).bind(Utc::now()).execute(p).await.unwrap();
            sqlx::query(odd_questionnaire)
                .bind(north)
                .bind(Utc::now())
                .execute(p)
                .await
                .unwrap();
        }
    }
    assert!(
        matches!(
            organisations::find_by_slug(&t.db, "odd").await,
            Err(DbError::Corrupt {
                entity: "organisation id",
                ..
            })
        ),
        "an id of the domain's kind"
    );
    assert!(
        matches!(
            questionnaires::list(&t.db, north).await,
            Err(DbError::Corrupt { entity: "id", .. })
        ),
        "an id that is still a plain UUID"
    );
}

on_both_engines!(
    ids_are_stored_as_their_hyphenated_text,
    a_stored_id_that_is_not_one_is_a_corrupt_row
);
