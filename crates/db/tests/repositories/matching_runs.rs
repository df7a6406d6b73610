//! Matching runs: the waiting list, rules, proposals and their reasons, decisions.

use alongside_db::matching_runs::{self, MatchingRules, NewProposal, NewRun};
use alongside_db::referrals::{self, StatusChange};
use alongside_db::{DbError, matches, programmes, supporters};
use alongside_domain::Role;
use alongside_domain::peer_match::ProposalStatus;
use alongside_domain::referral::ReferralStatus;
use alongside_matching::candidate::{Barrier, Part, Score};
use alongside_matching::plan::{BarrierCount, Why};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::{Duration, Utc};

use crate::support::{
    create, details, key, member, online, organisation, professional_referral, supporter,
};

async fn matching_runs_keep_proposals_and_reasons(t: TestDb) {
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let coordinator = member(&t, north, "coord@example.org", Role::Coordinator).await;
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    let programme = programmes::create(&mut tx, north, &details("Breathe easy"), now)
        .await
        .unwrap();
    let pat = supporters::create(&mut tx, north, &supporter("Pat Hughes"), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let k = key();
    let mut waiting = Vec::new();
    for (i, name) in ["Maureen", "Dev", "Ann"].into_iter().enumerate() {
        let created = create(
            &t,
            north,
            &professional_referral(name, "", "LS6 1AA"),
            &format!("REF-{i}"),
            online("x"),
            now - Duration::days(10 - i as i64),
        )
        .await;
        let mut tx = t.db.begin().await.unwrap();
        for (status, programme) in [
            (ReferralStatus::InTriage, None),
            (ReferralStatus::Accepted, Some(programme.id)),
        ] {
            referrals::change_status(
                &mut tx,
                &k,
                north,
                created.referral,
                StatusChange {
                    status,
                    programme,
                    decline_reason: None,
                    actor: coordinator,
                    note: "triage",
                },
                now,
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        waiting.push(created);
    }
    // Ann already has a match under way: she is not waiting for one.
    let mut tx = t.db.begin().await.unwrap();
    matches::propose(&mut tx, north, waiting[2].referral, pat, coordinator, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let list = matching_runs::waiting_list(&t.db, north, programme.id)
        .await
        .unwrap();
    let names: Vec<&str> = list.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(
        names,
        ["Maureen Mehta", "Dev Mehta"],
        "oldest first, no match under way"
    );
    assert!(!list[0].conditions.is_empty(), "conditions come along");
    assert!(list.iter().all(|w| w.may_share));
    assert!(
        matching_runs::waiting_list(&t.db, south, programme.id)
            .await
            .unwrap()
            .is_empty()
    );

    // Rules: defaults, then stored.
    let rules = matching_runs::rules(&t.db, north, programme.id)
        .await
        .unwrap();
    assert_eq!(rules, MatchingRules::default());
    let mut changed = MatchingRules {
        required_training: vec!["Core peer support".into(), "Safeguarding".into()],
        ..MatchingRules::default()
    };
    changed.weights.set(Part::Distance, 99);
    let mut tx = t.db.begin().await.unwrap();
    matching_runs::set_rules(&mut tx, north, programme.id, &changed)
        .await
        .unwrap();
    assert!(matches!(
        matching_runs::set_rules(&mut tx, south, programme.id, &changed).await,
        Err(DbError::NotFound)
    ));
    tx.commit().await.unwrap();
    assert_eq!(
        matching_runs::rules(&t.db, north, programme.id)
            .await
            .unwrap(),
        changed
    );

    // A run, read back whole.
    let why = Why::NoCandidates {
        barriers: vec![BarrierCount {
            barrier: Barrier::NoCommonTime,
            supporters: 1,
            only_barrier: 1,
        }],
    };
    let score = Score {
        parts: vec![(Part::SharedCondition, 40), (Part::Waiting, 2)],
        total: 43,
    };
    let mut tx = t.db.begin().await.unwrap();
    let run = matching_runs::create(
        &mut tx,
        north,
        &NewRun {
            programme_id: programme.id,
            run_by: coordinator,
            run_at: now,
            people: 2,
            supporters: 1,
            candidate_pairs: 1,
            total_score: 43,
            rules: changed.clone(),
            proposals: vec![NewProposal {
                referral_id: list[0].referral_id,
                supporter_id: pat,
                score: score.clone(),
                candidates: 1,
            }],
            unmatched: vec![(list[1].referral_id, why.clone())],
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        matching_runs::latest(&t.db, north, programme.id)
            .await
            .unwrap(),
        Some(run)
    );
    let found = matching_runs::find(&t.db, north, run).await.unwrap();
    assert_eq!((found.people, found.total_score), (2, 43));
    assert_eq!(found.rules, changed);
    assert_eq!(found.run_by.as_deref(), Some("Sam Jones"));
    assert_eq!(found.proposals.len(), 1);
    let proposal = &found.proposals[0];
    assert_eq!(
        (
            proposal.person_name.as_str(),
            proposal.supporter_name.as_str()
        ),
        ("Maureen Mehta", "Pat Hughes")
    );
    assert_eq!(
        (proposal.score.clone(), proposal.status),
        (score, ProposalStatus::Open)
    );
    assert_eq!(found.unmatched.len(), 1);
    assert_eq!(found.unmatched[0].why, why);
    assert!(matches!(
        matching_runs::find(&t.db, south, run).await,
        Err(DbError::NotFound)
    ));

    // A decision is taken once.
    let mut tx = t.db.begin().await.unwrap();
    assert!(matches!(
        matching_runs::proposal_in(&mut tx, south, proposal.id).await,
        Err(DbError::NotFound)
    ));
    let match_id = matches::propose(&mut tx, north, proposal.referral_id, pat, coordinator, now)
        .await
        .unwrap();
    matching_runs::decide(
        &mut tx,
        proposal.id,
        ProposalStatus::Accepted,
        Some(match_id),
        "",
        coordinator,
        now,
    )
    .await
    .unwrap();
    assert!(matches!(
        matching_runs::decide(
            &mut tx,
            proposal.id,
            ProposalStatus::Rejected,
            None,
            "changed my mind",
            coordinator,
            now
        )
        .await,
        Err(DbError::NotFound)
    ));
    let decided = matching_runs::proposal_in(&mut tx, north, proposal.id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (decided.status, decided.match_id),
        (ProposalStatus::Accepted, Some(match_id))
    );
}

on_both_engines!(matching_runs_keep_proposals_and_reasons);
