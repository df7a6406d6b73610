//! Referrals: the queue, triage, filters and search, first contact, and the
//! moments a referral was placed and closed.

use alongside_db::outcomes::{self, NewResponse};
use alongside_db::referrals::{self, QueueFilter, StatusChange};
use alongside_db::{DbError, organisations, programmes, reports};
use alongside_domain::Role;
use alongside_domain::consent::ConsentScope;
use alongside_domain::costs::{Money, ProgrammeCosts};
use alongside_domain::referral::{DeclineReason, ReferralSource, ReferralStatus};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use crate::support::{
    create, details, key, member, online, organisation, professional_referral, self_referral,
    statuses,
};

async fn referrals_queue_triage_and_stay_in_their_organisation(t: TestDb) {
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let coordinator = member(&t, north, "coord@example.org", Role::Coordinator).await;
    let now = Utc::now();
    let first = create(
        &t,
        north,
        &self_referral("Maureen"),
        "REF-1",
        online("online"),
        now - Duration::days(3),
    )
    .await
    .referral;
    let second = create(
        &t,
        north,
        &self_referral("Alan"),
        "REF-2",
        online("online"),
        now,
    )
    .await
    .referral;
    create(
        &t,
        south,
        &self_referral("Sian"),
        "REF-3",
        online("online"),
        now,
    )
    .await;
    let mut tx = t.db.begin().await.unwrap();
    let taken = referrals::create(
        &mut tx,
        &key(),
        south,
        &self_referral("Dup"),
        "REF-3",
        online("x"),
        now,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(taken, DbError::Conflict(_)),
        "references are unique"
    );
    tx.rollback().await.unwrap();

    let queue = referrals::queue(&t.db, north, &statuses(&[ReferralStatus::Received]))
        .await
        .unwrap();
    let names: Vec<_> = queue.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["Maureen Ellis", "Alan Ellis"],
        "oldest first, this organisation only"
    );
    assert!(
        queue.iter().all(|e| !e.may_contact),
        "no contact consent was given"
    );
    assert_eq!(queue[0].waiting_target_days, 14);
    let record = referrals::find(&t.db, &key(), north, first).await.unwrap();
    assert_eq!(
        (
            record.person.postcode.as_str(),
            record.person.email.as_deref()
        ),
        ("LS1 4AP", Some("m.ellis@example.org"))
    );
    assert_eq!(
        record.person.date_of_birth,
        chrono::NaiveDate::from_ymd_opt(1956, 3, 27).unwrap()
    );
    assert_eq!(record.reason, "Someone to talk to");
    assert_eq!(record.reason_code, "871731000000106");
    assert_eq!(record.person.consents_in_force(), [ConsentScope::StoreData]);
    assert!(matches!(
        referrals::find(&t.db, &key(), south, first).await,
        Err(DbError::NotFound)
    ));

    let programme = {
        let mut tx = t.db.begin().await.unwrap();
        let p = programmes::create(&mut tx, north, &details("Walking buddies"), now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        p.id
    };
    let mut tx = t.db.begin().await.unwrap();
    let change = |status, programme, decline_reason, note| StatusChange {
        status,
        programme,
        decline_reason,
        actor: coordinator,
        note,
    };
    let k = key();
    referrals::change_status(
        &mut tx,
        &k,
        north,
        first,
        change(ReferralStatus::InTriage, None, None, "triage started"),
        now,
    )
    .await
    .unwrap();
    referrals::change_status(
        &mut tx,
        &k,
        north,
        first,
        change(ReferralStatus::Accepted, Some(programme), None, "accepted"),
        now,
    )
    .await
    .unwrap();
    referrals::change_status(
        &mut tx,
        &k,
        north,
        second,
        change(
            ReferralStatus::Declined,
            None,
            Some(DeclineReason::NoContact),
            "declined",
        ),
        now,
    )
    .await
    .unwrap();
    let elsewhere = referrals::change_status(
        &mut tx,
        &k,
        south,
        second,
        change(ReferralStatus::Closed, None, None, "x"),
        now,
    )
    .await;
    assert!(matches!(elsewhere, Err(DbError::NotFound)));
    assert_eq!(
        referrals::status_in(&mut tx, north, first).await.unwrap(),
        ReferralStatus::Accepted
    );
    tx.commit().await.unwrap();

    let accepted = referrals::find(&t.db, &k, north, first).await.unwrap();
    assert_eq!(
        (
            accepted.summary.status,
            accepted.summary.programme_name.as_deref()
        ),
        (ReferralStatus::Accepted, Some("Walking buddies"))
    );
    assert_eq!(
        referrals::find(&t.db, &k, north, second)
            .await
            .unwrap()
            .decline_reason,
        Some(DeclineReason::NoContact)
    );
    let history: Vec<_> = referrals::history(&t.db, &k, north, first)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.status, e.note, e.actor_name.is_some()))
        .collect();
    assert_eq!(
        history,
        [
            ("received".to_owned(), "online".to_owned(), false),
            ("in_triage".to_owned(), "triage started".to_owned(), true),
            ("accepted".to_owned(), "accepted".to_owned(), true)
        ]
    );
    assert!(
        referrals::history(&t.db, &k, south, first)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        referrals::queue(
            &t.db,
            north,
            &statuses(&[ReferralStatus::Accepted, ReferralStatus::Declined])
        )
        .await
        .unwrap()
        .len(),
        2
    );
    assert!(
        referrals::queue(&t.db, north, &statuses(&[]))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        organisations::find_by_slug(&t.db, "north")
            .await
            .unwrap()
            .map(|o| o.id),
        Some(north)
    );
}

async fn queue_filters_search_and_first_contact(t: TestDb) {
    let north = organisation(&t, "North").await;
    let coordinator = member(&t, north, "coord@example.org", Role::Coordinator).await;
    let now = Utc::now();
    let target = {
        let mut tx = t.db.begin().await.unwrap();
        let mut d = details("Walking buddies");
        d.waiting_target_days = 5;
        let p = programmes::create(&mut tx, north, &d, now).await.unwrap();
        tx.commit().await.unwrap();
        p
    };
    assert_eq!(target.details.waiting_target_days, 5);
    let mut wanted = professional_referral("Arjun", "", "LS6 2AB");
    wanted.programme = Some(target.id);
    let a = create(&t, north, &wanted, "REF-AB12", online("x"), now).await;
    create(
        &t,
        north,
        &self_referral("Maureen"),
        "REF-CD34",
        online("x"),
        now,
    )
    .await;
    let all = [ReferralStatus::Received];
    let search = |q: &'static str| QueueFilter {
        statuses: &all,
        search: Some(q),
        ..QueueFilter::default()
    };
    let names = |list: Vec<alongside_db::referrals::QueueEntry>| {
        list.into_iter().map(|e| e.name).collect::<Vec<_>>()
    };
    assert_eq!(
        names(
            referrals::queue(&t.db, north, &search("mau"))
                .await
                .unwrap()
        ),
        ["Maureen Ellis"]
    );
    assert_eq!(
        names(
            referrals::queue(&t.db, north, &search("ab12"))
                .await
                .unwrap()
        ),
        ["Arjun Mehta"]
    );
    assert!(
        referrals::queue(&t.db, north, &search("%"))
            .await
            .unwrap()
            .is_empty(),
        "wildcards are literal"
    );
    let by_source = QueueFilter {
        statuses: &all,
        source: Some(ReferralSource::SelfReferral),
        ..QueueFilter::default()
    };
    assert_eq!(
        names(referrals::queue(&t.db, north, &by_source).await.unwrap()),
        ["Maureen Ellis"]
    );
    let by_programme = QueueFilter {
        statuses: &all,
        programme: Some(target.id),
        ..QueueFilter::default()
    };
    let listed = referrals::queue(&t.db, north, &by_programme).await.unwrap();
    assert_eq!(
        listed[0].waiting_target_days, 5,
        "the programme's own target"
    );
    assert!(listed[0].first_contact_at.is_none());

    let mut tx = t.db.begin().await.unwrap();
    referrals::record_first_contact(
        &mut tx,
        &key(),
        north,
        a.referral,
        coordinator,
        "phoned",
        now,
    )
    .await
    .unwrap();
    referrals::record_first_contact(
        &mut tx,
        &key(),
        north,
        a.referral,
        coordinator,
        "phoned again",
        now + Duration::days(1),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let record = referrals::find(&t.db, &key(), north, a.referral)
        .await
        .unwrap();
    assert_eq!(
        record.summary.first_contact_at.map(|t| t.timestamp()),
        Some(now.timestamp()),
        "the first contact keeps its time"
    );
}

/// A day of January 2026 at nine: whole seconds, kept exactly on both engines.
fn day(n: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, n, 9, 0, 0).unwrap()
}

async fn a_referrals_moments_are_its_first_placement_and_closure(t: TestDb) {
    let north = organisation(&t, "North").await;
    let coordinator = member(&t, north, "coord@example.org", Role::Coordinator).await;
    let mut tx = t.db.begin().await.unwrap();
    let programme = programmes::create(&mut tx, north, &details("Walking buddies"), day(1))
        .await
        .unwrap()
        .id;
    let costs = ProgrammeCosts {
        funding: Some(Money::from_pence(100_000)),
        ..ProgrammeCosts::default()
    };
    programmes::set_costs(&mut tx, north, programme, &costs)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let referral = async |name: &str, reference: &str, steps: &[(ReferralStatus, u32)]| {
        let id = create(
            &t,
            north,
            &self_referral(name),
            reference,
            online("online"),
            day(1),
        )
        .await
        .referral;
        let mut tx = t.db.begin().await.unwrap();
        for &(status, on) in steps {
            let change = StatusChange {
                status,
                programme: Some(programme),
                decline_reason: None,
                actor: coordinator,
                note: "moved on",
            };
            referrals::change_status(&mut tx, &key(), north, id, change, day(on))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        id
    };
    use ReferralStatus::{Accepted, Closed, Placed};
    // Placed, closed, placed again and closed again: the first of each.
    let again = referral(
        "Ann",
        "REF-A",
        &[
            (Accepted, 2),
            (Placed, 3),
            (Closed, 5),
            (Placed, 7),
            (Closed, 9),
        ],
    )
    .await;
    let supported = referral("Bea", "REF-B", &[(Accepted, 2), (Placed, 4)]).await;
    let never_placed = referral("Cal", "REF-C", &[(Accepted, 2), (Closed, 6)]).await;
    let waiting = referral("Dot", "REF-D", &[(Accepted, 2)]).await;

    let expected = [
        (again, Some(day(3)), Some(day(5))),
        (supported, Some(day(4)), None),
        (never_placed, None, None),
        (waiting, None, None),
    ];
    let queue = referrals::queue(&t.db, north, &statuses(&ReferralStatus::ALL))
        .await
        .unwrap();
    let moments: Vec<(Uuid, _, _)> = queue
        .iter()
        .map(|e| (e.id, e.placed_at, e.ended_at))
        .collect();
    assert_eq!(moments, expected, "a closure ends support only once placed");
    let found = referrals::find(&t.db, &key(), north, again).await.unwrap();
    assert_eq!(
        (found.summary.placed_at, found.summary.ended_at),
        (Some(day(3)), Some(day(5)))
    );

    let mut facts: Vec<_> = reports::referral_facts(&t.db, north, Some(programme))
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.placed_at)
        .collect();
    facts.sort();
    assert_eq!(facts, [None, None, Some(day(3)), Some(day(4))]);

    let mut followed: Vec<_> = outcomes::followed(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.referral_id, f.placed_at, f.ended_at))
        .collect();
    followed.sort();
    let mut placed = vec![(again, day(3), Some(day(5))), (supported, day(4), None)];
    placed.sort();
    assert_eq!(followed, placed, "only those ever placed are followed");

    let people = programmes::cost_facts(&t.db, north, Some(programme))
        .await
        .unwrap();
    assert_eq!(people[0].people_supported, 2);

    let mut tx = t.db.begin().await.unwrap();
    for referral_id in [again, never_placed] {
        let response = NewResponse {
            referral_id,
            instrument: "phq9",
            timepoint: "Baseline",
            answers: &[Some(1); 9],
            sealed: None,
            score: Some(9.0),
            entered_by: None,
            answered_on: None,
        };
        outcomes::submit(&mut tx, north, &response, day(10))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let mut scores: Vec<_> = outcomes::score_facts(&t.db, north, Some(programme))
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.referral_id, f.placed_at, f.ended_at))
        .collect();
    scores.sort();
    let mut expected = vec![
        (again, Some(day(3)), Some(day(5))),
        (never_placed, None, None),
    ];
    expected.sort();
    assert_eq!(scores, expected);
}

on_both_engines!(
    referrals_queue_triage_and_stay_in_their_organisation,
    queue_filters_search_and_first_contact,
    a_referrals_moments_are_its_first_placement_and_closure,
);
