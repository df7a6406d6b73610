//! Outcomes: instruments, links, responses versioned and never changed, schedules.

use alongside_db::outcomes::{self, NewLink, NewResponse};
use alongside_db::{DbError, programmes};
use alongside_domain::Role;
use alongside_domain::schedule::{Anchor, Schedule, Timepoint};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::{Duration, Utc};

use crate::support::{create, details, member, online, organisation, self_referral};

async fn outcome_responses_are_versioned_and_never_changed(t: TestDb) {
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let coordinator = member(&t, north, "coord@example.org", Role::Coordinator).await;
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
    let mut tx = t.db.begin().await.unwrap();
    let programme = programmes::create(&mut tx, north, &details("Breathe easy"), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(
        outcomes::instruments(&t.db, north, programme.id)
            .await
            .unwrap()
            .is_empty()
    );
    let mut tx = t.db.begin().await.unwrap();
    outcomes::set_instruments(&mut tx, north, programme.id, &["phq9", "gad7"])
        .await
        .unwrap();
    assert!(matches!(
        outcomes::set_instruments(&mut tx, south, programme.id, &["phq9"]).await,
        Err(DbError::NotFound)
    ));
    tx.commit().await.unwrap();
    assert_eq!(
        outcomes::instruments(&t.db, north, programme.id)
            .await
            .unwrap(),
        ["phq9", "gad7"]
    );

    // A link is found by its hash and used once.
    let mut tx = t.db.begin().await.unwrap();
    outcomes::create_link(
        &mut tx,
        north,
        &NewLink {
            referral_id: created.referral,
            timepoint: "Baseline",
            token_hash: "abc123",
            created_by: Some(coordinator),
            expires_at: now + Duration::days(30),
            reminder_id: None,
        },
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let link = outcomes::find_link(&t.db, "abc123").await.unwrap().unwrap();
    assert_eq!(
        (link.referral_id, link.timepoint.as_str()),
        (created.referral, "Baseline")
    );
    assert!(outcomes::find_link(&t.db, "nope").await.unwrap().is_none());

    // A link sent on its own goes once per person and timepoint; by hand,
    // as often as staff make one.
    for (hash, by, ok) in [
        ("auto1", None, true),
        ("hand2", Some(coordinator), true),
        ("auto2", None, false),
    ] {
        let mut tx = t.db.begin().await.unwrap();
        let made = outcomes::create_link(
            &mut tx,
            north,
            &NewLink {
                referral_id: created.referral,
                timepoint: "End of support",
                token_hash: hash,
                created_by: by,
                expires_at: now + Duration::days(30),
                reminder_id: None,
            },
            now,
        )
        .await;
        assert_eq!(made.is_ok(), ok, "{hash}");
        if ok {
            tx.commit().await.unwrap();
        } else {
            assert!(matches!(made, Err(DbError::Conflict(_))));
        }
    }
    let mut tx = t.db.begin().await.unwrap();
    assert_eq!(
        outcomes::use_link(&mut tx, "abc123", now).await.unwrap(),
        Some(None)
    );
    assert_eq!(
        outcomes::use_link(&mut tx, "abc123", now).await.unwrap(),
        None
    );
    tx.commit().await.unwrap();

    // A draft, then a submission, then a correction.
    let answers = [Some(1), Some(2), None];
    let draft = NewResponse {
        referral_id: created.referral,
        instrument: "ucla3",
        timepoint: "Baseline",
        answers: &answers,
        sealed: None,
        score: None,
        entered_by: None,
        answered_on: None,
    };
    let mut tx = t.db.begin().await.unwrap();
    outcomes::save_draft(&mut tx, north, &draft, now)
        .await
        .unwrap();
    outcomes::save_draft(&mut tx, north, &draft, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let current = outcomes::for_referral(&t.db, north, created.referral)
        .await
        .unwrap();
    assert_eq!(current.len(), 1, "one draft per instrument and timepoint");
    assert!(!current[0].submitted);

    let full = [Some(1), Some(2), Some(3)];
    let first = NewResponse {
        answers: &full,
        score: Some(6.0),
        ..draft.clone()
    };
    let mut tx = t.db.begin().await.unwrap();
    let first_id = outcomes::submit(&mut tx, north, &first, now).await.unwrap();
    tx.commit().await.unwrap();
    let corrected = [Some(3), Some(3), Some(3)];
    let second = NewResponse {
        answers: &corrected,
        score: Some(9.0),
        entered_by: Some(coordinator),
        answered_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 31),
        ..draft.clone()
    };
    let mut tx = t.db.begin().await.unwrap();
    let second_id = outcomes::submit(&mut tx, north, &second, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let current = outcomes::for_referral(&t.db, north, created.referral)
        .await
        .unwrap();
    assert_eq!(current.len(), 1, "the draft went, the newest version shows");
    assert_eq!(
        (current[0].id, current[0].amends),
        (second_id, Some(first_id))
    );
    assert_eq!(current[0].score, Some(9.0));
    assert_eq!(current[0].entered_by.as_deref(), Some("Sam Jones"));
    let facts = outcomes::score_facts(&t.db, north, Some(programme.id))
        .await
        .unwrap();
    assert!(facts.is_empty(), "the referral is on no programme yet");
    let facts = outcomes::score_facts(&t.db, north, None).await.unwrap();
    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0].score, Some(9.0));
    assert_eq!(
        facts[0].answered_on,
        chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        "the day on the paper form, not the day it was typed in"
    );
    assert_eq!(facts[0].placed_at, None);

    // A programme's schedule: the standard one until it sets its own.
    assert_eq!(
        outcomes::schedule(&t.db, north, programme.id)
            .await
            .unwrap(),
        Schedule::standard()
    );
    let own = Schedule::new(
        vec![Timepoint {
            name: "Three months in".into(),
            anchor: Anchor::Start,
            months_after: 3,
        }],
        21,
    )
    .unwrap();
    let mut tx = t.db.begin().await.unwrap();
    outcomes::set_schedule(&mut tx, north, programme.id, &own)
        .await
        .unwrap();
    assert!(matches!(
        outcomes::set_schedule(&mut tx, south, programme.id, &own).await,
        Err(alongside_db::DbError::NotFound)
    ));
    tx.commit().await.unwrap();
    assert_eq!(
        outcomes::schedule(&t.db, north, programme.id)
            .await
            .unwrap(),
        own
    );
    let all = outcomes::schedules(&t.db, north).await.unwrap();
    assert!(all.contains(&(programme.id, own)));
    assert!(
        outcomes::followed(&t.db).await.unwrap().is_empty(),
        "no one placed"
    );
    assert!(
        outcomes::for_referral(&t.db, south, created.referral)
            .await
            .unwrap()
            .is_empty()
    );

    // The database itself refuses to change a submitted response.
    let changed = match &t.db {
        alongside_db::Db::Sqlite(pool) => {
            sqlx::query("UPDATE questionnaire_responses SET score = 0 WHERE id = $1")
                .bind(first_id.to_string())
                .execute(pool)
                .await
                .map(|_| ())
        }
        alongside_db::Db::Postgres(pool) => {
            sqlx::query("UPDATE questionnaire_responses SET score = 0 WHERE id = $1")
                .bind(first_id.to_string())
                .execute(pool)
                .await
                .map(|_| ())
        }
    };
    let refusal = changed.expect_err("a submitted response is never changed");
    assert!(refusal.to_string().contains("never changed"), "{refusal}");
}

on_both_engines!(outcome_responses_are_versioned_and_never_changed);
