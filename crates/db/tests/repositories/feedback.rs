//! Feedback: reflections sealed, kept once submitted, tagged with themes.

use alongside_db::DbError;
use alongside_db::feedback::{self, NewReflection};
use alongside_domain::Role;
use alongside_domain::feedback::{Part, Reflection, ThemeName};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::Utc;

use crate::support::{create, key, member, online, organisation, self_referral};

async fn reflections_are_sealed_kept_once_submitted_and_tagged(t: TestDb) {
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let coordinator = member(&t, north, "coord@example.org", Role::Coordinator).await;
    let key = key();
    let now = Utc::now();
    let created = create(
        &t,
        north,
        &self_referral("Maureen"),
        "REF-1",
        online("x"),
        now,
    )
    .await;
    let said = Reflection::new("Someone who had been there", "").unwrap();
    let mut new = NewReflection {
        referral_id: created.referral,
        timepoint: "End of support",
        reflection: &said,
        submit: false,
        entered_by: None,
        answered_on: None,
    };
    let mut tx = t.db.begin().await.unwrap();
    assert!(
        feedback::save(&mut tx, &key, north, &new, now)
            .await
            .unwrap()
    );
    new.submit = true;
    assert!(
        feedback::save(&mut tx, &key, north, &new, now)
            .await
            .unwrap()
    );
    let other = Reflection::new("Changed words", "").unwrap();
    let changed = NewReflection {
        reflection: &other,
        ..new.clone()
    };
    assert!(
        !feedback::save(&mut tx, &key, north, &changed, now)
            .await
            .unwrap(),
        "a submitted reflection stays as it was said"
    );
    tx.commit().await.unwrap();
    let found = feedback::find(&t.db, &key, north, created.referral, "End of support")
        .await
        .unwrap()
        .unwrap();
    assert!(found.submitted);
    assert_eq!(found.reflection, said);
    assert!(
        feedback::find(&t.db, &key, south, created.referral, "End of support")
            .await
            .unwrap()
            .is_none()
    );

    let mut tx = t.db.begin().await.unwrap();
    let name = ThemeName::parse("Someone who understood").unwrap();
    let theme = feedback::add_theme(&mut tx, north, &name, now)
        .await
        .unwrap();
    let theirs = feedback::add_theme(&mut tx, south, &name, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = t.db.begin().await.unwrap();
    assert!(matches!(
        feedback::add_theme(&mut tx, north, &name, now).await,
        Err(DbError::Conflict(_))
    ));
    tx.rollback().await.unwrap();
    let mut tx = t.db.begin().await.unwrap();
    assert!(matches!(
        feedback::set_tags(
            &mut tx,
            north,
            found.id,
            Part::Helped,
            &[theirs],
            coordinator,
            now
        )
        .await,
        Err(DbError::NotFound)
    ));
    tx.rollback().await.unwrap();
    let mut tx = t.db.begin().await.unwrap();
    feedback::set_tags(
        &mut tx,
        north,
        found.id,
        Part::Helped,
        &[theme],
        coordinator,
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let counts = feedback::theme_counts(&t.db, &key, north, None)
        .await
        .unwrap();
    assert_eq!(counts.answered, [(Part::Helped, 1), (Part::Hindered, 0)]);
    assert_eq!(counts.untagged, [(Part::Helped, 0), (Part::Hindered, 0)]);
    assert_eq!(
        counts.themes,
        [(Part::Helped, "Someone who understood".to_owned(), 1)]
    );
    let south_counts = feedback::theme_counts(&t.db, &key, south, None)
        .await
        .unwrap();
    assert_eq!(
        south_counts.answered,
        [(Part::Helped, 0), (Part::Hindered, 0)]
    );
}

on_both_engines!(reflections_are_sealed_kept_once_submitted_and_tagged);
