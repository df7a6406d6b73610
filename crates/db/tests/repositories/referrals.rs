//! Referrals: the queue, triage, filters and search, first contact.

use alongside_db::referrals::{self, QueueFilter, StatusChange};
use alongside_db::{DbError, organisations, programmes};
use alongside_domain::Role;
use alongside_domain::consent::ConsentScope;
use alongside_domain::referral::{DeclineReason, ReferralSource, ReferralStatus};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::{Duration, Utc};

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
    drop(tx);

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

on_both_engines!(
    referrals_queue_triage_and_stay_in_their_organisation,
    queue_filters_search_and_first_contact,
);
