//! Organisations: unique slugs, members and their roles.

use alongside_db::organisations;
use alongside_domain::Role;
use alongside_testdb::{TestDb, on_both_engines};
use chrono::Utc;

use crate::support::{member, organisation};

async fn organisation_slugs_stay_unique(t: TestDb) {
    let mut tx = t.db.begin().await.unwrap();
    let a = organisations::create(&mut tx, "Peer North", "peer-north", Utc::now())
        .await
        .unwrap();
    let b = organisations::create(&mut tx, "Peer North", "peer-north", Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(a.slug, "peer-north");
    assert_eq!(b.slug, "peer-north-2");
    assert_eq!(organisations::count(&t.db).await.unwrap(), 2);
    assert_eq!(
        organisations::find(&t.db, b.id).await.unwrap().name,
        "Peer North"
    );
}

async fn members_are_listed_with_their_roles(t: TestDb) {
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let sam = member(&t, north, "sam@example.org", Role::Coordinator).await;
    member(&t, south, "kim@example.org", Role::Admin).await;
    let mut tx = t.db.begin().await.unwrap();
    organisations::add_member(&mut tx, south, sam, Role::Commissioner, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let north_members = organisations::members(&t.db, north).await.unwrap();
    assert_eq!(north_members.len(), 1);
    assert_eq!(
        (north_members[0].email.as_str(), north_members[0].role),
        ("sam@example.org", Role::Coordinator)
    );
    let roles: Vec<_> = organisations::memberships_of(&t.db, sam)
        .await
        .unwrap()
        .into_iter()
        .map(|(o, r)| (o.name, r))
        .collect();
    assert_eq!(
        roles,
        [
            ("North".to_owned(), Role::Coordinator),
            ("South".to_owned(), Role::Commissioner)
        ]
    );
}

on_both_engines!(
    organisation_slugs_stay_unique,
    members_are_listed_with_their_roles,
);
