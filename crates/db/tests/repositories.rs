//! Every repository, on SQLite and on PostgreSQL.

use alongside_db::people;
use alongside_db::referrals::{self, QueueFilter, StatusChange, Submitted};
use alongside_db::supporters;
use alongside_db::{
    DbError, Tx, accounts, api_tokens, audit, instance_keys, invitations, organisations,
    programmes, sessions,
};
use alongside_db::{idempotency, sealed::DataKey};
use alongside_domain::account::{EmailAddress, Lockout};
use alongside_domain::audit::AuditEvent;
use alongside_domain::consent::{ConsentMethod, ConsentScope};
use alongside_domain::person::{ConditionInput, PersonInput};
use alongside_domain::preferences::PreferencesInput;
use alongside_domain::programme::{ProgrammeDetails, ProgrammeInput, ProgrammeStatus};
use alongside_domain::referral::{
    DeclineReason, DuplicateReason, NewReferral, ReferralInput, ReferralSource, ReferralStatus,
    SelfReferralInput,
};
use alongside_domain::supporter::{SupporterDetails, SupporterInput, SupporterStatus};
use alongside_domain::{AccountId, OrganisationId, Role};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::{Duration, Utc};

async fn organisation(t: &TestDb, name: &str) -> OrganisationId {
    let mut tx = t.db.begin().await.unwrap();
    let org = organisations::create(
        &mut tx,
        name,
        &name.to_lowercase().replace(' ', "-"),
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    org.id
}

async fn member(t: &TestDb, org: OrganisationId, email: &str, role: Role) -> AccountId {
    let mut tx = t.db.begin().await.unwrap();
    let id = accounts::create(
        &mut tx,
        &EmailAddress::parse(email).unwrap(),
        "Sam Jones",
        "hash",
        Utc::now(),
    )
    .await
    .unwrap();
    organisations::add_member(&mut tx, org, id, role, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

fn details(name: &str) -> ProgrammeDetails {
    ProgrammeDetails::validate(&ProgrammeInput {
        name: name.into(),
        model: "peer_mentoring".into(),
        setting: "clinical".into(),
        conditions: "Type 2 diabetes".into(),
        capacity: "12".into(),
        ..ProgrammeInput::default()
    })
    .unwrap()
}

async fn tables_and_columns(t: &TestDb) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = match &t.db {
        alongside_db::Db::Sqlite(p) => sqlx::query_as(
            "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
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
    assert_eq!(sqlite, postgres);
}

async fn migrating_twice_changes_nothing(t: TestDb) {
    t.db.migrate().await.unwrap();
    t.db.ping().await.unwrap();
}

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

async fn an_email_address_has_one_account(t: TestDb) {
    let org = organisation(&t, "North").await;
    member(&t, org, "sam@example.org", Role::Coordinator).await;
    let mut tx = t.db.begin().await.unwrap();
    let err = accounts::create(
        &mut tx,
        &EmailAddress::parse("SAM@example.org").unwrap(),
        "Other",
        "hash",
        Utc::now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, DbError::Conflict(m) if m.contains("already exists")),
        "{err:?}"
    );
}

async fn lockout_state_is_stored(t: TestDb) {
    let org = organisation(&t, "North").await;
    let id = member(&t, org, "sam@example.org", Role::Admin).await;
    let until = Utc::now() + Duration::minutes(15);
    let mut tx = t.db.begin().await.unwrap();
    accounts::set_lockout(
        &mut tx,
        id,
        Lockout {
            failures: 0,
            locked_until: Some(until),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let account = accounts::find_by_email(&t.db, &EmailAddress::parse("sam@example.org").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(account.lockout.is_locked(Utc::now()));
    let mut tx = t.db.begin().await.unwrap();
    accounts::set_password(&mut tx, id, "new-hash", Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let account = accounts::find(&t.db, id).await.unwrap();
    assert_eq!(account.password_hash, "new-hash");
    assert!(!account.lockout.is_locked(Utc::now()));
}

async fn sessions_expire_and_end(t: TestDb) {
    let org = organisation(&t, "North").await;
    let id = member(&t, org, "sam@example.org", Role::Supervisor).await;
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    sessions::create(&mut tx, "live", id, org, now, now + Duration::hours(8))
        .await
        .unwrap();
    sessions::create(&mut tx, "other", id, org, now, now + Duration::hours(8))
        .await
        .unwrap();
    sessions::create(
        &mut tx,
        "stale",
        id,
        org,
        now - Duration::hours(9),
        now - Duration::hours(1),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let signed_in = sessions::find(&t.db, "live", now).await.unwrap().unwrap();
    assert_eq!(signed_in.actor.role, Role::Supervisor);
    assert_eq!(signed_in.actor.organisation_id, org);
    assert_eq!(signed_in.organisation_name, "North");
    assert!(sessions::find(&t.db, "stale", now).await.unwrap().is_none());
    assert!(
        sessions::find(&t.db, "unknown", now)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(sessions::delete_expired(&t.db, now).await.unwrap(), 1);

    let mut tx = t.db.begin().await.unwrap();
    assert_eq!(
        sessions::delete_others(&mut tx, id, "live").await.unwrap(),
        1
    );
    sessions::delete(&mut tx, "live").await.unwrap();
    tx.commit().await.unwrap();
    assert!(sessions::find(&t.db, "live", now).await.unwrap().is_none());
}

async fn programmes_stay_inside_their_organisation(t: TestDb) {
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    let walking = programmes::create(&mut tx, north, &details("Walking buddies"), now)
        .await
        .unwrap();
    programmes::create(&mut tx, north, &details("Arthritis mentors"), now)
        .await
        .unwrap();
    programmes::create(&mut tx, south, &details("South cafe"), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let found = programmes::find(&t.db, north, walking.id).await.unwrap();
    assert_eq!(found.details, details("Walking buddies"));
    assert!(matches!(
        programmes::find(&t.db, south, walking.id).await,
        Err(DbError::NotFound)
    ));
    let names: Vec<_> = programmes::list(&t.db, north, false)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.details.name)
        .collect();
    assert_eq!(names, ["Arthritis mentors", "Walking buddies"]);

    let mut tx = t.db.begin().await.unwrap();
    assert!(matches!(
        programmes::update(&mut tx, south, walking.id, &details("Taken over"), now).await,
        Err(DbError::NotFound)
    ));
    assert!(matches!(
        programmes::set_status(&mut tx, south, walking.id, ProgrammeStatus::Archived, now).await,
        Err(DbError::NotFound)
    ));
    programmes::update(&mut tx, north, walking.id, &details("Walk and talk"), now)
        .await
        .unwrap();
    programmes::set_status(&mut tx, north, walking.id, ProgrammeStatus::Archived, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    assert_eq!(
        programmes::list(&t.db, north, false).await.unwrap().len(),
        1
    );
    let all = programmes::list(&t.db, north, true).await.unwrap();
    assert_eq!(all.len(), 2);
    let archived = all.iter().find(|p| p.id == walking.id).unwrap();
    assert_eq!(
        (archived.details.name.as_str(), archived.status),
        ("Walk and talk", ProgrammeStatus::Archived)
    );
}

async fn a_rolled_back_transaction_leaves_nothing(t: TestDb) {
    let north = organisation(&t, "North").await;
    let mut tx: Tx = t.db.begin().await.unwrap();
    programmes::create(&mut tx, north, &details("Never saved"), Utc::now())
        .await
        .unwrap();
    drop(tx);
    assert!(
        programmes::list(&t.db, north, true)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn the_audit_log_is_append_only(t: TestDb) {
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let entry = |org| audit::AuditEntry {
        organisation: Some(org),
        actor: None,
        event: AuditEvent::Create,
        entity: "programme",
        entity_id: Some("p1".into()),
        detail: "created".into(),
        request_id: Some("r1"),
    };
    audit::record_now(&t.db, &entry(north), Utc::now())
        .await
        .unwrap();
    let mut tx = t.db.begin().await.unwrap();
    audit::record(&mut tx, &entry(south), Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let north_log = audit::list(&t.db, north, 10, 0).await.unwrap();
    assert_eq!(north_log.len(), 1);
    assert_eq!(north_log[0].event, "create");
    let update = alongside_db::on_db!(&t.db, |p| sqlx::query(
        "UPDATE audit_log SET detail = 'changed'"
    )
    .execute(p)
    .await
    .map(|_| ()));
    assert!(update.is_err(), "updating the audit log must fail");
    let delete = alongside_db::on_db!(&t.db, |p| sqlx::query("DELETE FROM audit_log")
        .execute(p)
        .await
        .map(|_| ()));
    assert!(delete.is_err(), "deleting from the audit log must fail");
    assert_eq!(
        audit::list(&t.db, north, 10, 0).await.unwrap()[0].detail,
        "created"
    );
}

async fn an_invitation_is_used_once_before_it_expires(t: TestDb) {
    let north = organisation(&t, "North").await;
    let admin = member(&t, north, "admin@example.org", Role::Admin).await;
    let now = Utc::now();
    let new = |hash, expires_at| invitations::NewInvitation {
        organisation: north,
        email: "new@example.org",
        role: Role::PeerSupporter,
        token_hash: hash,
        invited_by: admin,
        expires_at,
    };
    let mut tx = t.db.begin().await.unwrap();
    let open = invitations::create(&mut tx, new("open", now + Duration::days(7)), now)
        .await
        .unwrap();
    let expired = invitations::create(&mut tx, new("expired", now - Duration::days(1)), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let found = invitations::find_by_token(&t.db, "open")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.id, found.role, found.organisation_name.as_str()),
        (open, Role::PeerSupporter, "North")
    );
    assert!(found.is_open(now));
    assert_eq!(invitations::pending(&t.db, north).await.unwrap().len(), 2);

    let mut tx = t.db.begin().await.unwrap();
    invitations::accept(&mut tx, open, now).await.unwrap();
    assert!(matches!(
        invitations::accept(&mut tx, open, now).await,
        Err(DbError::Conflict(_))
    ));
    assert!(matches!(
        invitations::accept(&mut tx, expired, now).await,
        Err(DbError::Conflict(_))
    ));
    tx.commit().await.unwrap();
    assert!(
        !invitations::find_by_token(&t.db, "open")
            .await
            .unwrap()
            .unwrap()
            .is_open(now)
    );
}

async fn api_tokens_authenticate_until_revoked(t: TestDb) {
    let north = organisation(&t, "North").await;
    let sam = member(&t, north, "sam@example.org", Role::Coordinator).await;
    let other = member(&t, north, "other@example.org", Role::Coordinator).await;
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    let id = api_tokens::create(&mut tx, sam, north, "reporting", "token-hash", now)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let signed_in = api_tokens::authenticate(&t.db, "token-hash", now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(signed_in.actor.account_id, sam);
    let listed = api_tokens::list(&t.db, sam, north).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some());

    let mut tx = t.db.begin().await.unwrap();
    assert!(matches!(
        api_tokens::revoke(&mut tx, other, id, now).await,
        Err(DbError::NotFound)
    ));
    api_tokens::revoke(&mut tx, sam, id, now).await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        api_tokens::authenticate(&t.db, "token-hash", now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        api_tokens::list(&t.db, sam, north)
            .await
            .unwrap()
            .is_empty()
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

async fn instance_keys_are_made_once(t: TestDb) {
    let first = instance_keys::get_or_create(&t.db, "csrf", "one", Utc::now())
        .await
        .unwrap();
    let second = instance_keys::get_or_create(&t.db, "csrf", "two", Utc::now())
        .await
        .unwrap();
    assert_eq!((first.as_str(), second.as_str()), ("one", "one"));
}

fn key() -> DataKey {
    DataKey::from_bytes([3; 32])
}

fn self_referral(given: &str) -> NewReferral {
    let input = SelfReferralInput {
        given_name: given.into(),
        family_name: "Ellis".into(),
        dob_day: "27".into(),
        dob_month: "3".into(),
        dob_year: "1956".into(),
        postcode: "LS1 4AP".into(),
        email: "m.ellis@example.org".into(),
        support_wanted: "Someone to talk to".into(),
        consent_store: "yes".into(),
        ..SelfReferralInput::default()
    };
    NewReferral::from_self_referral(
        &input,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    )
    .unwrap()
}

fn professional_referral(given: &str, nhs: &str, postcode: &str) -> NewReferral {
    let input = ReferralInput {
        person: PersonInput {
            given_name: given.into(),
            family_name: "Mehta".into(),
            dob_day: "4".into(),
            dob_month: "9".into(),
            dob_year: "1961".into(),
            nhs_number: nhs.into(),
            postcode: postcode.into(),
            phone: "0113 496 0000".into(),
            accessibility_needs: "Hard of hearing".into(),
            conditions: vec![ConditionInput {
                description: String::new(),
                code: "44054006".into(),
            }],
            ..PersonInput::default()
        },
        source: "clinician".into(),
        referrer_name: "Dr Okafor".into(),
        referrer_organisation: "Hyde Park Surgery".into(),
        reason: "Newly diagnosed and low".into(),
        risk: "yes".into(),
        risk_details: "Lives alone after a fall".into(),
        consent_confirmed: "yes".into(),
        consent_method: "verbal".into(),
        consents: vec!["contact_by_phone".into()],
        preferences: PreferencesInput {
            channels: vec!["phone".into()],
            availability: vec!["mon-morning".into()],
            ..PreferencesInput::default()
        },
        ..ReferralInput::default()
    };
    NewReferral::from_professional(
        &input,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    )
    .unwrap()
}

fn online(note: &str) -> Submitted<'_> {
    Submitted {
        by: None,
        note,
        consent_recorded_by: None,
    }
}

async fn create(
    t: &TestDb,
    organisation: OrganisationId,
    referral: &NewReferral,
    reference: &str,
    submitted: Submitted<'_>,
    at: chrono::DateTime<Utc>,
) -> alongside_db::referrals::Created {
    let mut tx = t.db.begin().await.unwrap();
    let created = referrals::create(
        &mut tx,
        &key(),
        organisation,
        referral,
        reference,
        submitted,
        at,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    created
}

fn statuses(list: &[ReferralStatus]) -> QueueFilter<'_> {
    QueueFilter {
        statuses: list,
        ..QueueFilter::default()
    }
}

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

async fn the_person_record_and_sensitive_text_are_stored_sealed(t: TestDb) {
    let north = organisation(&t, "North").await;
    let referrer = member(&t, north, "gp@example.org", Role::Referrer).await;
    let submitted = Submitted {
        by: Some(referrer),
        note: "referred by a professional",
        consent_recorded_by: Some(referrer),
    };
    let created = create(
        &t,
        north,
        &professional_referral("Arjun", "9434765919", "LS6 2AB"),
        "REF-P",
        submitted,
        Utc::now(),
    )
    .await;
    let record = referrals::find(&t.db, &key(), north, created.referral)
        .await
        .unwrap();
    assert_eq!(record.risk.as_deref(), Some("Lives alone after a fall"));
    assert_eq!(record.reason, "Newly diagnosed and low");
    assert_eq!(record.referrer_account_id, Some(referrer));
    assert_eq!(
        record.referrer.as_ref().map(|r| r.1.as_str()),
        Some("Hyde Park Surgery")
    );
    assert_eq!(record.summary.source, ReferralSource::Clinician);
    assert!(record.summary.risk_noted && record.summary.may_contact);
    let person = &record.person;
    assert_eq!(person.nhs_number.as_deref(), Some("9434765919"));
    assert_eq!(person.accessibility_needs, "Hard of hearing");
    assert_eq!(
        person.conditions,
        [("Diabetes, type 2".to_owned(), Some("44054006".to_owned()))]
    );
    assert_eq!(person.preferences.availability, ["mon-morning"]);
    assert_eq!(
        person.consents_in_force(),
        [ConsentScope::StoreData, ConsentScope::ContactByPhone]
    );
    assert_eq!(person.consents[0].recorded_by.as_deref(), Some("Sam Jones"));

    // At rest, none of the sensitive text can be read.
    let raw: (String, Option<String>, String) = match &t.db {
        alongside_db::Db::Sqlite(p) => sqlx::query_as(
            "SELECT r.reason, r.risk, p.accessibility_needs FROM referrals r JOIN people p ON p.id = r.person_id",
        )
        .fetch_one(p)
        .await
        .unwrap(),
        alongside_db::Db::Postgres(p) => sqlx::query_as(
            "SELECT r.reason, r.risk, p.accessibility_needs FROM referrals r JOIN people p ON p.id = r.person_id",
        )
        .fetch_one(p)
        .await
        .unwrap(),
    };
    for sealed in [raw.0.as_str(), raw.1.as_deref().unwrap(), raw.2.as_str()] {
        assert!(sealed.starts_with("v1.") && !sealed.contains("fall") && !sealed.contains("low"));
    }
    // Another key cannot open it, and the database remembers which key it has.
    let other = DataKey::from_bytes([9; 32]);
    assert!(matches!(
        referrals::find(&t.db, &other, north, created.referral).await,
        Err(DbError::Corrupt { .. })
    ));
    alongside_db::sealed::check_key(&t.db, &key())
        .await
        .unwrap();
    assert!(matches!(
        alongside_db::sealed::check_key(&t.db, &other).await,
        Err(DbError::Conflict(_))
    ));

    // The referrer's own list holds their referral, and nobody else's.
    let mine = QueueFilter {
        statuses: &ReferralStatus::ALL,
        referrer: Some(referrer),
        ..QueueFilter::default()
    };
    create(
        &t,
        north,
        &self_referral("Maureen"),
        "REF-S",
        online("online"),
        Utc::now(),
    )
    .await;
    let list = referrals::queue(&t.db, north, &mine).await.unwrap();
    assert_eq!(
        list.iter()
            .map(|e| e.reference.as_str())
            .collect::<Vec<_>>(),
        ["REF-P"]
    );
}

async fn consent_is_recorded_and_withdrawn(t: TestDb) {
    let north = organisation(&t, "North").await;
    let coordinator = member(&t, north, "coord@example.org", Role::Coordinator).await;
    let created = create(
        &t,
        north,
        &self_referral("Maureen"),
        "REF-1",
        online("online"),
        Utc::now(),
    )
    .await;
    let mut tx = t.db.begin().await.unwrap();
    people::record_consent(
        &mut tx,
        north,
        created.person,
        ConsentScope::ContactByPhone,
        ConsentMethod::Verbal,
        Some(coordinator),
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let queue = referrals::queue(&t.db, north, &statuses(&[ReferralStatus::Received]))
        .await
        .unwrap();
    assert!(queue[0].may_contact);
    let mut tx = t.db.begin().await.unwrap();
    let closed = people::withdraw_consent(
        &mut tx,
        north,
        created.person,
        ConsentScope::ContactByPhone,
        coordinator,
        "asked us not to call",
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(closed, 1);
    let again = people::withdraw_consent(
        &mut tx,
        north,
        created.person,
        ConsentScope::ContactByPhone,
        coordinator,
        "",
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(again, 0, "nothing left to withdraw");
    tx.commit().await.unwrap();
    let person = people::find(&t.db, &key(), created.person).await.unwrap();
    let withdrawn = person
        .consents
        .iter()
        .find(|c| c.scope == ConsentScope::ContactByPhone)
        .unwrap();
    assert!(withdrawn.withdrawn_at.is_some());
    assert_eq!(withdrawn.withdrawal_note, "asked us not to call");
    assert_eq!(withdrawn.withdrawn_by.as_deref(), Some("Sam Jones"));
    let queue = referrals::queue(&t.db, north, &statuses(&[ReferralStatus::Received]))
        .await
        .unwrap();
    assert!(!queue[0].may_contact, "withdrawal is honoured in the queue");
}

async fn duplicates_are_found_and_merged_with_both_histories(t: TestDb) {
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let coordinator = member(&t, north, "coord@example.org", Role::Coordinator).await;
    let now = Utc::now();
    let a = create(
        &t,
        north,
        &professional_referral("Arjun", "9434765919", "LS6 2AB"),
        "REF-A",
        online("first"),
        now,
    )
    .await;
    let b = create(
        &t,
        north,
        &professional_referral("Someone", "9434765919", "M1 1AA"),
        "REF-B",
        online("second"),
        now,
    )
    .await;
    let c = create(
        &t,
        north,
        &professional_referral("ARJUN", "", "LS6 2AB"),
        "REF-C",
        online("third"),
        now,
    )
    .await;
    create(
        &t,
        north,
        &professional_referral("Arjun", "4010232137", "LS6 2AB"),
        "REF-D",
        online("another person"),
        now,
    )
    .await;
    create(
        &t,
        south,
        &professional_referral("Arjun", "9434765919", "LS6 2AB"),
        "REF-E",
        online("elsewhere"),
        now,
    )
    .await;

    let queue = referrals::queue(&t.db, north, &statuses(&[ReferralStatus::Received]))
        .await
        .unwrap();
    let flagged: Vec<_> = queue
        .iter()
        .map(|e| (e.reference.as_str(), e.possible_duplicate))
        .collect();
    assert_eq!(
        flagged,
        [
            ("REF-A", true),
            ("REF-B", true),
            ("REF-C", true),
            ("REF-D", true)
        ],
        "the queue flags likely duplicates in one query (D is like C, which has no NHS number)"
    );
    let person = people::find(&t.db, &key(), a.person).await.unwrap();
    let found = people::likely_duplicates(&t.db, north, &person)
        .await
        .unwrap();
    let summary: Vec<_> = found
        .iter()
        .map(|d| (d.person_id, d.reason, d.referrals[0].0.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (b.person, DuplicateReason::SameNhsNumber, "REF-B"),
            (
                c.person,
                DuplicateReason::SameNameBirthDateAndPostcode,
                "REF-C"
            ),
        ],
        "a different NHS number is another person; another organisation's records are never compared"
    );

    let mut tx = t.db.begin().await.unwrap();
    people::merge(&mut tx, &key(), north, a.person, c.person, coordinator, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let merged = referrals::find(&t.db, &key(), north, c.referral)
        .await
        .unwrap();
    assert_eq!(
        merged.person.id, a.person,
        "the referral now belongs to the kept record"
    );
    let history = referrals::history(&t.db, &key(), north, c.referral)
        .await
        .unwrap();
    assert_eq!(
        history.first().unwrap().note,
        "third",
        "the merged record's history is kept"
    );
    assert!(history.last().unwrap().note.contains("merged"));
    assert_eq!(
        people::find(&t.db, &key(), c.person)
            .await
            .unwrap()
            .merged_into,
        Some(a.person),
        "the merged record stays, marked"
    );
    let person = people::find(&t.db, &key(), a.person).await.unwrap();
    let remaining = people::likely_duplicates(&t.db, north, &person)
        .await
        .unwrap();
    assert_eq!(remaining.len(), 1, "a merged record is no longer offered");

    let mut tx = t.db.begin().await.unwrap();
    let twice = people::merge(&mut tx, &key(), north, a.person, c.person, coordinator, now).await;
    assert!(matches!(twice, Err(DbError::NotFound)));
    let itself = people::merge(&mut tx, &key(), north, a.person, a.person, coordinator, now).await;
    assert!(matches!(itself, Err(DbError::Conflict(_))));
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

async fn an_idempotency_key_is_remembered_once(t: TestDb) {
    let north = organisation(&t, "North").await;
    let referrer = member(&t, north, "gp@example.org", Role::Referrer).await;
    let created = create(
        &t,
        north,
        &self_referral("Maureen"),
        "REF-1",
        online("x"),
        Utc::now(),
    )
    .await;
    assert!(
        idempotency::find(&t.db, referrer, "k-1")
            .await
            .unwrap()
            .is_none()
    );
    let remembered = idempotency::Remembered {
        request_hash: "abc".into(),
        referral: created.referral,
    };
    let mut tx = t.db.begin().await.unwrap();
    idempotency::remember(&mut tx, referrer, "k-1", &remembered, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        idempotency::find(&t.db, referrer, "k-1").await.unwrap(),
        Some(remembered.clone())
    );
    let mut tx = t.db.begin().await.unwrap();
    let again = idempotency::remember(&mut tx, referrer, "k-1", &remembered, Utc::now()).await;
    assert!(matches!(again, Err(DbError::Conflict(_))));
}

fn supporter(name: &str) -> SupporterDetails {
    SupporterDetails::validate(&SupporterInput {
        name: name.into(),
        gender: "woman".into(),
        age_band: "55-64".into(),
        languages: "English\nUrdu".into(),
        conditions: "COPD".into(),
        interests: "Gardening".into(),
        availability: vec!["tue-morning".into(), "thu-evening".into()],
        channels: vec!["phone".into()],
        postcode: "LS6 1AA".into(),
        capacity: "2".into(),
        checks_valid_until: "2027-09-01".into(),
        training: "Core peer support".into(),
        ..SupporterInput::default()
    })
    .unwrap()
}

async fn supporters_are_kept_paused_and_stay_in_their_organisation(t: TestDb) {
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    let pat = supporters::create(&mut tx, north, &supporter("Pat Hughes"), now)
        .await
        .unwrap();
    let ann = supporters::create(&mut tx, north, &supporter("ann Lee"), now)
        .await
        .unwrap();
    supporters::create(&mut tx, south, &supporter("Sam South"), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let found = supporters::find(&t.db, north, pat).await.unwrap();
    assert_eq!(
        found.details,
        supporter("Pat Hughes"),
        "every field comes back"
    );
    assert_eq!(found.status, SupporterStatus::Active);
    assert!(matches!(
        supporters::find(&t.db, south, pat).await,
        Err(DbError::NotFound)
    ));

    let mut changed = supporter("Pat Hughes");
    changed.capacity = 3;
    changed.checks_valid_until = None;
    let mut tx = t.db.begin().await.unwrap();
    supporters::update(&mut tx, north, pat, &changed, now)
        .await
        .unwrap();
    assert!(matches!(
        supporters::update(&mut tx, south, pat, &changed, now).await,
        Err(DbError::NotFound)
    ));
    supporters::set_status(&mut tx, north, ann, SupporterStatus::Left, now)
        .await
        .unwrap();
    assert_eq!(
        supporters::status_in(&mut tx, north, ann).await.unwrap(),
        SupporterStatus::Left
    );
    tx.commit().await.unwrap();
    assert_eq!(
        supporters::find(&t.db, north, pat).await.unwrap().details,
        changed
    );
    let names = |list: Vec<supporters::Supporter>| {
        list.into_iter().map(|s| s.details.name).collect::<Vec<_>>()
    };
    assert_eq!(
        names(supporters::list(&t.db, north, false).await.unwrap()),
        ["Pat Hughes"]
    );
    assert_eq!(
        names(supporters::list(&t.db, north, true).await.unwrap()),
        ["ann Lee", "Pat Hughes"],
        "by name, ignoring case"
    );
}

async fn matches_count_in_caseloads_and_exclusions_are_kept_once(t: TestDb) {
    use alongside_db::matches;
    use alongside_domain::peer_match::{Answers, ExclusionReason, MatchStatus};
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

async fn matching_runs_keep_proposals_and_reasons(t: TestDb) {
    use alongside_db::matches;
    use alongside_db::matching_runs::{self, MatchingRules, NewProposal, NewRun};
    use alongside_domain::peer_match::ProposalStatus;
    use alongside_matching::candidate::{Barrier, Part, Score};
    use alongside_matching::plan::{BarrierCount, Why};
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

async fn reflections_are_sealed_kept_once_submitted_and_tagged(t: TestDb) {
    use alongside_db::feedback::{self, NewReflection};
    use alongside_domain::feedback::{Part, Reflection, ThemeName};
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
    drop(tx);
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
    drop(tx);
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

async fn own_questionnaires_stay_in_their_organisation(t: TestDb) {
    use alongside_db::questionnaires;
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let now = Utc::now();
    let id = uuid::Uuid::new_v4();
    let mut tx = t.db.begin().await.unwrap();
    questionnaires::create(&mut tx, north, id, "Out and about", "{}", None, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = t.db.begin().await.unwrap();
    assert!(matches!(
        questionnaires::create(
            &mut tx,
            north,
            uuid::Uuid::new_v4(),
            "Out and about",
            "{}",
            None,
            now
        )
        .await,
        Err(DbError::Conflict(_))
    ));
    drop(tx);
    let listed = questionnaires::list(&t.db, north).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].id, listed[0].active), (id, true));
    assert_eq!(
        questionnaires::find(&t.db, north, id).await.unwrap().title,
        "Out and about"
    );
    assert!(matches!(
        questionnaires::find(&t.db, south, id).await,
        Err(DbError::NotFound)
    ));
    assert!(questionnaires::list(&t.db, south).await.unwrap().is_empty());
    let mut tx = t.db.begin().await.unwrap();
    questionnaires::set_active(&mut tx, north, id, false)
        .await
        .unwrap();
    assert!(matches!(
        questionnaires::set_active(&mut tx, south, id, true).await,
        Err(DbError::NotFound)
    ));
    tx.commit().await.unwrap();
    assert!(!questionnaires::find(&t.db, north, id).await.unwrap().active);
}

async fn programme_costs_are_kept_and_summed_with_people_supported(t: TestDb) {
    use alongside_domain::costs::{Money, ProgrammeCosts};
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    let funded = programmes::create(&mut tx, north, &details("Breathe easy"), now)
        .await
        .unwrap();
    let unfunded = programmes::create(&mut tx, north, &details("Walk and talk"), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        programmes::costs(&t.db, north, funded.id).await.unwrap(),
        ProgrammeCosts::default()
    );
    let costs = ProgrammeCosts {
        funding: Some(Money::from_pence(4_000_000)),
        volunteer_hours: 340,
        hour_value: Some(Money::from_pence(1250)),
    };
    let mut tx = t.db.begin().await.unwrap();
    programmes::set_costs(&mut tx, north, funded.id, &costs)
        .await
        .unwrap();
    assert!(matches!(
        programmes::set_costs(&mut tx, south, funded.id, &costs).await,
        Err(DbError::NotFound)
    ));
    tx.commit().await.unwrap();
    assert_eq!(
        programmes::costs(&t.db, north, funded.id).await.unwrap(),
        costs
    );
    let facts = programmes::cost_facts(&t.db, north, None).await.unwrap();
    assert_eq!(facts.len(), 1, "only programmes with funding recorded");
    assert_eq!(
        (
            facts[0].programme_id,
            facts[0].costs,
            facts[0].people_supported
        ),
        (funded.id, costs, 0)
    );
    assert!(
        programmes::cost_facts(&t.db, north, Some(unfunded.id))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        programmes::cost_facts(&t.db, south, None)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn outcome_responses_are_versioned_and_never_changed(t: TestDb) {
    use alongside_db::outcomes::{self, NewLink, NewResponse};
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
    use alongside_domain::schedule::{Anchor, Schedule, Timepoint};
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

on_both_engines!(
    own_questionnaires_stay_in_their_organisation,
    reflections_are_sealed_kept_once_submitted_and_tagged,
    programme_costs_are_kept_and_summed_with_people_supported,
    outcome_responses_are_versioned_and_never_changed,
    matching_runs_keep_proposals_and_reasons,
    matches_count_in_caseloads_and_exclusions_are_kept_once,
    supporters_are_kept_paused_and_stay_in_their_organisation,
    referrals_queue_triage_and_stay_in_their_organisation,
    the_person_record_and_sensitive_text_are_stored_sealed,
    consent_is_recorded_and_withdrawn,
    duplicates_are_found_and_merged_with_both_histories,
    queue_filters_search_and_first_contact,
    an_idempotency_key_is_remembered_once,
    migrating_twice_changes_nothing,
    organisation_slugs_stay_unique,
    an_email_address_has_one_account,
    lockout_state_is_stored,
    sessions_expire_and_end,
    programmes_stay_inside_their_organisation,
    a_rolled_back_transaction_leaves_nothing,
    the_audit_log_is_append_only,
    an_invitation_is_used_once_before_it_expires,
    api_tokens_authenticate_until_revoked,
    members_are_listed_with_their_roles,
    instance_keys_are_made_once,
);
