//! Matches: caseloads and exclusions.

use alongside_db::{matches, supporters};
use alongside_domain::Role;
use alongside_domain::peer_match::{Answers, ExclusionReason, MatchStatus};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::Utc;

use crate::support::{create, member, online, organisation, self_referral, supporter};

async fn matches_count_in_caseloads_and_exclusions_are_kept_once(t: TestDb) {
    let north = organisation(&t, "North").await;
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
    let pat = supporters::create(&mut tx, north, &supporter("Pat Hughes"), now)
        .await
        .unwrap();
    let first = matches::propose(&mut tx, north, created.referral, pat, coordinator, now)
        .await
        .unwrap();
    matches::propose(&mut tx, north, created.referral, pat, coordinator, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(matches::caseloads(&t.db, north).await.unwrap()[&pat], 2);
    let mut tx = t.db.begin().await.unwrap();
    let answers = Answers {
        person: Some(true),
        supporter: Some(false),
    };
    matches::set_status(&mut tx, north, first, MatchStatus::Declined, answers, now)
        .await
        .unwrap();
    let found = matches::find_in(&mut tx, north, first).await.unwrap();
    assert_eq!(
        (found.status, found.answers),
        (MatchStatus::Declined, answers)
    );
    for reason in [
        ExclusionReason::DeclinedBefore,
        ExclusionReason::ConflictOfInterest,
    ] {
        matches::exclude(
            &mut tx,
            north,
            created.person,
            pat,
            reason,
            coordinator,
            now,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(
        matches::caseloads(&t.db, north).await.unwrap()[&pat],
        1,
        "a declined match frees its place"
    );
    let excluded = matches::exclusions_for(&t.db, north, created.person)
        .await
        .unwrap();
    assert_eq!(
        excluded.into_iter().collect::<Vec<_>>(),
        [(pat, ExclusionReason::ConflictOfInterest)],
        "one exclusion per pair, the latest reason"
    );
    assert_eq!(
        matches::for_referral(&t.db, north, created.referral)
            .await
            .unwrap()
            .len(),
        2
    );
}

on_both_engines!(matches_count_in_caseloads_and_exclusions_are_kept_once);
