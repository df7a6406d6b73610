//! Every repository, on SQLite and on PostgreSQL.

use alongside_db::{
    DbError, Tx, accounts, api_tokens, audit, instance_keys, invitations, organisations,
    programmes, sessions,
};
use alongside_domain::account::{EmailAddress, Lockout};
use alongside_domain::audit::AuditEvent;
use alongside_domain::programme::{ProgrammeDetails, ProgrammeInput, ProgrammeStatus};
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

fn self_referral(given: &str) -> alongside_domain::referral::SelfReferral {
    use alongside_domain::referral::{SelfReferral, SelfReferralInput};
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
    SelfReferral::validate(
        &input,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    )
    .unwrap()
}

async fn referrals_queue_triage_and_stay_in_their_organisation(t: TestDb) {
    use alongside_db::referrals::{self, StatusChange};
    use alongside_domain::referral::{DeclineReason, ReferralStatus};
    let north = organisation(&t, "North").await;
    let south = organisation(&t, "South").await;
    let coordinator = member(&t, north, "coord@example.org", Role::Coordinator).await;
    let now = Utc::now();
    let mut tx = t.db.begin().await.unwrap();
    let first = referrals::create_self_referral(
        &mut tx,
        north,
        &self_referral("Maureen"),
        "REF-1",
        now - Duration::days(3),
    )
    .await
    .unwrap();
    let second =
        referrals::create_self_referral(&mut tx, north, &self_referral("Alan"), "REF-2", now)
            .await
            .unwrap();
    referrals::create_self_referral(&mut tx, south, &self_referral("Sian"), "REF-3", now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = t.db.begin().await.unwrap();
    let taken =
        referrals::create_self_referral(&mut tx, south, &self_referral("Dup"), "REF-3", now)
            .await
            .unwrap_err();
    assert!(
        matches!(taken, DbError::Conflict(_)),
        "references are unique"
    );
    drop(tx);

    let queue = referrals::queue(&t.db, north, &[ReferralStatus::Received])
        .await
        .unwrap();
    let names: Vec<_> = queue.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["Maureen Ellis", "Alan Ellis"],
        "oldest first, this organisation only"
    );
    let record = referrals::find(&t.db, north, first).await.unwrap();
    assert_eq!(
        (record.postcode.as_str(), record.email.as_deref()),
        ("LS1 4AP", Some("m.ellis@example.org"))
    );
    assert_eq!(
        record.date_of_birth,
        chrono::NaiveDate::from_ymd_opt(1956, 3, 27).unwrap()
    );
    assert!(matches!(
        referrals::find(&t.db, south, first).await,
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
    referrals::change_status(
        &mut tx,
        north,
        first,
        change(ReferralStatus::InTriage, None, None, "triage started"),
        now,
    )
    .await
    .unwrap();
    referrals::change_status(
        &mut tx,
        north,
        first,
        change(ReferralStatus::Accepted, Some(programme), None, "accepted"),
        now,
    )
    .await
    .unwrap();
    referrals::change_status(
        &mut tx,
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
        south,
        second,
        change(ReferralStatus::Closed, None, None, "x"),
        now,
    )
    .await;
    assert!(matches!(elsewhere, Err(DbError::NotFound)));
    tx.commit().await.unwrap();

    let accepted = referrals::find(&t.db, north, first).await.unwrap();
    assert_eq!(
        (
            accepted.summary.status,
            accepted.summary.programme_name.as_deref()
        ),
        (ReferralStatus::Accepted, Some("Walking buddies"))
    );
    assert_eq!(
        referrals::find(&t.db, north, second)
            .await
            .unwrap()
            .decline_reason,
        Some(DeclineReason::NoContact)
    );
    let history: Vec<_> = referrals::history(&t.db, north, first)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.status, e.actor_name.is_some()))
        .collect();
    assert_eq!(
        history,
        [
            ("received".to_owned(), false),
            ("in_triage".to_owned(), true),
            ("accepted".to_owned(), true)
        ]
    );
    assert!(
        referrals::history(&t.db, south, first)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        referrals::queue(
            &t.db,
            north,
            &[ReferralStatus::Accepted, ReferralStatus::Declined]
        )
        .await
        .unwrap()
        .len(),
        2
    );
    assert!(
        referrals::queue(&t.db, north, &[])
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

on_both_engines!(
    referrals_queue_triage_and_stay_in_their_organisation,
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
