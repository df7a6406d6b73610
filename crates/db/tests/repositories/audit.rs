//! The audit log: written inside or outside a transaction, never changed.

use alongside_db::audit;
use alongside_domain::audit::AuditEvent;
use alongside_testdb::{TestDb, on_both_engines};
use chrono::Utc;

use crate::support::organisation;

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

on_both_engines!(the_audit_log_is_append_only);
