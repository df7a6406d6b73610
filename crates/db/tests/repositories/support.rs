//! What the repository tests share.

use alongside_db::referrals::{self, QueueFilter, Submitted};
use alongside_db::sealed::DataKey;
use alongside_db::{accounts, organisations};
use alongside_domain::account::EmailAddress;
use alongside_domain::person::{ConditionInput, PersonInput};
use alongside_domain::preferences::PreferencesInput;
use alongside_domain::programme::{ProgrammeDetails, ProgrammeInput};
use alongside_domain::referral::{NewReferral, ReferralInput, ReferralStatus, SelfReferralInput};
use alongside_domain::supporter::{SupporterDetails, SupporterInput};
use alongside_domain::validation::GivenDate;
use alongside_domain::{AccountId, OrganisationId, Role};
use alongside_testdb::TestDb;
use chrono::{NaiveDate, Utc};

/// A new organisation of that name; its slug from the name.
pub async fn organisation(t: &TestDb, name: &str) -> OrganisationId {
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

/// A new account, "Sam Jones", member of `org` with `role`.
pub async fn member(t: &TestDb, org: OrganisationId, email: &str, role: Role) -> AccountId {
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

/// Valid details of a programme of that name.
pub fn details(name: &str) -> ProgrammeDetails {
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

/// The key sensitive text is sealed with.
pub fn key() -> DataKey {
    DataKey::from_bytes([3; 32])
}

/// Someone referring themselves: Ellis, born 27 March 1956, LS1 4AP.
pub fn self_referral(given: &str) -> NewReferral {
    let input = SelfReferralInput {
        given_name: given.into(),
        family_name: "Ellis".into(),
        date_of_birth: GivenDate::On(NaiveDate::from_ymd_opt(1956, 3, 27).unwrap()),
        postcode: "LS1 4AP".into(),
        email: "m.ellis@example.org".into(),
        support_wanted: "Someone to talk to".into(),
        consent_store: true,
        ..SelfReferralInput::default()
    };
    NewReferral::from_self_referral(
        &input,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    )
    .unwrap()
}

/// A clinician's referral: Mehta, born 4 September 1961, with risk noted
/// and consent to contact by phone.
pub fn professional_referral(given: &str, nhs: &str, postcode: &str) -> NewReferral {
    professional_referral_of(PersonInput {
        given_name: given.into(),
        family_name: "Mehta".into(),
        date_of_birth: GivenDate::On(NaiveDate::from_ymd_opt(1961, 9, 4).unwrap()),
        nhs_number: nhs.into(),
        postcode: postcode.into(),
        phone: "0113 496 0000".into(),
        accessibility_needs: "Hard of hearing".into(),
        conditions: vec![ConditionInput {
            description: String::new(),
            code: "44054006".into(),
        }],
        ..PersonInput::default()
    })
}

/// A clinician's referral of `person`, with risk noted and consent to
/// contact by phone.
pub fn professional_referral_of(person: PersonInput) -> NewReferral {
    let input = ReferralInput {
        person,
        source: "clinician".into(),
        referrer_name: "Dr Okafor".into(),
        referrer_organisation: "Hyde Park Surgery".into(),
        reason: "Newly diagnosed and low".into(),
        risk: Some(true),
        risk_details: "Lives alone after a fall".into(),
        consent_confirmed: true,
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

/// Submitted online, by nobody signed in.
pub fn online(note: &str) -> Submitted<'_> {
    Submitted {
        by: None,
        note,
        consent_recorded_by: None,
    }
}

/// Stores a referral and its person, committed.
pub async fn create(
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

/// The queue filtered by status alone.
pub fn statuses(list: &[ReferralStatus]) -> QueueFilter<'_> {
    QueueFilter {
        statuses: list,
        ..QueueFilter::default()
    }
}

/// Valid details of a peer supporter of that name.
pub fn supporter(name: &str) -> SupporterDetails {
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
