//! Staff lifecycle: an admin changes a member's role, suspends, reinstates
//! and removes them, and cancels invitations. Whoever is removed or
//! suspended loses access on their very next request.

use alongside_db::{accounts, api_tokens};
use alongside_domain::account::EmailAddress;
use alongside_domain::{AccountId, Role};
use alongside_testdb::{TestDb, on_both_engines};
use chrono::Utc;
use reqwest::StatusCode;

use crate::support::{Browser, PASSWORD, TestApp, location};

/// A member of the app's organisation, signed in, with an API token too.
struct Member {
    id: AccountId,
    email: String,
    browser: Browser,
    token: String,
}

async fn member(app: &TestApp, role: Role) -> Member {
    let email = app.add_member(app.organisation, role).await;
    let id = accounts::find_by_email(&app.test_db.db, &EmailAddress::parse(&email).unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let browser = app.browser();
    assert_eq!(
        browser.sign_in(&email, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let token = format!("alg_test_{}", uuid::Uuid::new_v4().simple());
    let mut tx = app.test_db.db.begin().await.unwrap();
    api_tokens::create(
        &mut tx,
        id,
        app.organisation,
        "phone",
        &alongside_web::auth::hash_token(&token),
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    Member {
        id,
        email,
        browser,
        token,
    }
}

/// Whether the member's session and token still let them in.
async fn has_access(app: &TestApp, m: &Member) -> (bool, bool) {
    let page = m.browser.get("/dashboard").await.status() == StatusCode::OK;
    let api = app.api(Some(&m.token)).get("/programmes").await.status() == StatusCode::OK;
    (page, api)
}

async fn a_removed_member_loses_access_on_their_next_request(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let admin = app.signed_in(Role::Admin).await;
    let leaving = member(&app, Role::Coordinator).await;
    assert_eq!(has_access(&app, &leaving).await, (true, true));

    let page = admin.get(&format!("/staff/{}", leaving.id)).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains(&leaving.email));
    let confirm = format!("/staff/{}/remove", leaving.id);
    let removed = admin.submit(&confirm, &confirm, &[]).await;
    assert_eq!(location(&removed), "/staff?done=remove");

    assert_eq!(
        has_access(&app, &leaving).await,
        (false, false),
        "the open session and the token stop working at once"
    );
    assert_ne!(
        leaving
            .browser
            .sign_in(&leaving.email, PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER,
        "no organisation to sign in to"
    );
    let list = admin.get("/staff").await.text().await.unwrap();
    assert!(!list.contains(&leaving.email));
    assert!(
        app.audit_events()
            .await
            .iter()
            .any(|(event, entity, _)| event == "update" && entity == "membership"),
        "the removal is audited"
    );
}

async fn a_suspended_member_is_kept_but_cannot_act_until_reinstated(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let admin = app.signed_in(Role::Admin).await;
    let peer = member(&app, Role::PeerSupporter).await;
    let page = format!("/staff/{}", peer.id);
    let access = format!("/staff/{}/access", peer.id);

    let suspended = admin.submit(&page, &access, &[("change", "suspend")]).await;
    assert_eq!(
        location(&suspended),
        format!("/staff/{}?done=suspend", peer.id)
    );
    assert_eq!(has_access(&app, &peer).await, (false, false));
    assert_ne!(
        peer.browser.sign_in(&peer.email, PASSWORD).await.status(),
        StatusCode::SEE_OTHER,
        "a suspended member cannot sign in"
    );
    let list = admin.get("/staff").await.text().await.unwrap();
    assert!(list.contains(&peer.email) && list.contains("Suspended"));

    let again = admin.submit(&page, &access, &[("change", "suspend")]).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("They are already suspended")
    );

    let reinstated = admin
        .submit(&page, &access, &[("change", "reinstate")])
        .await;
    assert_eq!(
        location(&reinstated),
        format!("/staff/{}?done=reinstate", peer.id)
    );
    assert_eq!(
        peer.browser.sign_in(&peer.email, PASSWORD).await.status(),
        StatusCode::SEE_OTHER,
        "reinstated, they sign in again"
    );
    // The token revoked when they were suspended stays revoked.
    assert_eq!(has_access(&app, &peer).await, (true, false));
}

async fn a_new_role_takes_effect_at_the_next_sign_in(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let admin = app.signed_in(Role::Admin).await;
    let referrer = member(&app, Role::Referrer).await;
    assert_eq!(
        referrer.browser.get("/referrals").await.status(),
        StatusCode::FORBIDDEN
    );
    let page = format!("/staff/{}", referrer.id);
    let changed = admin
        .submit(
            &page,
            &format!("/staff/{}/role", referrer.id),
            &[("role", "coordinator")],
        )
        .await;
    assert_eq!(
        location(&changed),
        format!("/staff/{}?done=role", referrer.id)
    );
    assert_eq!(has_access(&app, &referrer).await, (false, false));
    assert_eq!(
        referrer
            .browser
            .sign_in(&referrer.email, PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        referrer.browser.get("/referrals").await.status(),
        StatusCode::OK,
        "a coordinator now"
    );
    let unknown = admin
        .submit(
            &page,
            &format!("/staff/{}/role", referrer.id),
            &[("role", "owner")],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn an_admin_cannot_change_their_own_access(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let me = member(&app, Role::Admin).await;
    let page = format!("/staff/{}", me.id);
    let shown = me.browser.get(&page).await.text().await.unwrap();
    assert!(shown.contains("This is you"));
    let refused = me
        .browser
        .submit(
            &page,
            &format!("/staff/{}/access", me.id),
            &[("change", "suspend")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("Ask another admin"));
    assert_eq!(has_access(&app, &me).await, (true, true));
}

/// Two admins demote each other at the same moment: one change wins, and
/// the organisation keeps an admin.
async fn two_admins_demoting_each_other_at_once_leave_one_admin(db: TestDb) {
    let app = TestApp::spawn(db).await;
    for _ in 0..5 {
        let a = member(&app, Role::Admin).await;
        let b = member(&app, Role::Admin).await;
        // Only these two are admins in this round.
        let others: Vec<String> = app
            .stored("SELECT account_id FROM memberships WHERE role = 'admin'")
            .await
            .into_iter()
            .filter(|id| *id != a.id.to_string() && *id != b.id.to_string())
            .collect();
        for id in others {
            let mut tx = app.test_db.db.begin().await.unwrap();
            alongside_db::memberships::set_role(
                &mut tx,
                app.organisation,
                id.parse().unwrap(),
                Role::Coordinator,
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        let page_a = format!("/staff/{}", b.id);
        let page_b = format!("/staff/{}", a.id);
        let csrf_a = a.browser.csrf(&page_a).await;
        let csrf_b = b.browser.csrf(&page_b).await;
        let role_a = format!("/staff/{}/role", b.id);
        let role_b = format!("/staff/{}/role", a.id);
        let (first, second) = tokio::join!(
            a.browser
                .post_form(&role_a, &csrf_a, &[("role", "coordinator")]),
            b.browser
                .post_form(&role_b, &csrf_b, &[("role", "coordinator")]),
        );
        // A demotion that went through leads back to the member's page; the
        // other was refused, or found its own session already ended.
        let went_through = |r: &reqwest::Response| {
            r.status() == StatusCode::SEE_OTHER && location(r).ends_with("?done=role")
        };
        let done = [&first, &second]
            .into_iter()
            .filter(|r| went_through(r))
            .count();
        assert_eq!(
            done,
            1,
            "exactly one demotion goes through: {} ({}) and {} ({})",
            first.status(),
            location(&first),
            second.status(),
            location(&second)
        );
        let admins = app
            .stored(
                "SELECT account_id FROM memberships WHERE role = 'admin' AND suspended_at IS NULL",
            )
            .await;
        assert_eq!(admins.len(), 1, "one admin is left");
    }
}

async fn an_invitation_can_be_cancelled_and_its_link_stops_working(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let admin = app.signed_in(Role::Admin).await;
    let invited = admin
        .submit(
            "/staff/invite",
            "/staff/invite",
            &[
                ("email", "new.peer@example.org"),
                ("role", "peer_supporter"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    let link = invited
        .split(r#"data-testid="invitation-link">"#)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the link is shown")
        .trim()
        .replace(&app.url, "");
    assert_eq!(app.browser().get(&link).await.status(), StatusCode::OK);
    let id = app
        .stored("SELECT id FROM invitations WHERE email = 'new.peer@example.org'")
        .await
        .remove(0);
    let cancelled = admin
        .submit("/staff", &format!("/staff/invitations/{id}/cancel"), &[])
        .await;
    assert_eq!(location(&cancelled), "/staff?done=cancel");
    assert_ne!(app.browser().get(&link).await.status(), StatusCode::OK);
    let again = admin
        .submit("/staff", &format!("/staff/invitations/{id}/cancel"), &[])
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

async fn staff_of_another_organisation_are_not_found(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let south = TestApp::organisation_in(&app.test_db, "South").await;
    let theirs = app.add_member(south, Role::Coordinator).await;
    let id = accounts::find_by_email(&app.test_db.db, &EmailAddress::parse(&theirs).unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let admin = app.signed_in(Role::Admin).await;
    assert_eq!(
        admin.get(&format!("/staff/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let csrf = admin.csrf("/staff").await;
    let refused = admin
        .post_form(&format!("/staff/{id}/remove"), &csrf, &[])
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
}

on_both_engines!(
    a_removed_member_loses_access_on_their_next_request,
    a_suspended_member_is_kept_but_cannot_act_until_reinstated,
    a_new_role_takes_effect_at_the_next_sign_in,
    an_admin_cannot_change_their_own_access,
    two_admins_demoting_each_other_at_once_leave_one_admin,
    an_invitation_can_be_cancelled_and_its_link_stops_working,
    staff_of_another_organisation_are_not_found,
);
