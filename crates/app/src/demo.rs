//! Demo data: one organisation, a few programmes of different models, one
//! account per role and two self-referrals waiting for triage, so a new user
//! can sign in and look around at once.

use alongside_db::referrals::Submitted;
use alongside_db::sealed::DataKey;
use alongside_db::{Db, accounts, audit, organisations, programmes, referrals, supporters};
use alongside_domain::Role;
use alongside_domain::account::EmailAddress;
use alongside_domain::audit::AuditEvent;
use alongside_domain::organisation::OrganisationName;
use alongside_domain::person::{ConditionInput, PersonInput};
use alongside_domain::preferences::PreferencesInput;
use alongside_domain::programme::{ProgrammeDetails, ProgrammeInput};
use alongside_domain::referral::{NewReferral, ReferralInput, SelfReferralInput};
use alongside_domain::supporter::{SupporterDetails, SupporterInput, SupporterStatus};
use alongside_domain::validation::GivenDate;
use anyhow::Context;
use chrono::Utc;

/// The demo organisation's name.
pub const ORGANISATION: &str = "Alongside Demo Peer Support";
/// Every demo account's password. Demo data is for trying Alongside out only.
pub const PASSWORD: &str = "alongside-demo";

/// Demo accounts: email, name, role.
pub const ACCOUNTS: [(&str, &str, Role); 8] = [
    ("admin@demo.alongside.test", "Priya Shah", Role::Admin),
    (
        "coordinator@demo.alongside.test",
        "Tom Okafor",
        Role::Coordinator,
    ),
    (
        "supervisor@demo.alongside.test",
        "Helen Price",
        Role::Supervisor,
    ),
    (
        "safeguarding@demo.alongside.test",
        "Gareth Lewis",
        Role::SafeguardingLead,
    ),
    (
        "peer@demo.alongside.test",
        "Amira Haddad",
        Role::PeerSupporter,
    ),
    (
        "referrer@demo.alongside.test",
        "Dr Sarah Mills",
        Role::Referrer,
    ),
    (
        "commissioner@demo.alongside.test",
        "Jon Carter",
        Role::Commissioner,
    ),
    (
        "participant@demo.alongside.test",
        "Maureen Ellis",
        Role::Participant,
    ),
];

/// A demo person's date of birth, given as day, month and year.
fn born((day, month, year): (u32, u32, i32)) -> anyhow::Result<GivenDate> {
    chrono::NaiveDate::from_ymd_opt(year, month, day)
        .map(GivenDate::On)
        .context("a real date of birth")
}

fn programme(
    name: &str,
    description: &str,
    model: &str,
    setting: &str,
    conditions: &str,
    capacity: &str,
) -> ProgrammeInput {
    ProgrammeInput {
        name: name.into(),
        description: description.into(),
        model: model.into(),
        setting: setting.into(),
        conditions: conditions.into(),
        eligibility: "Adults living in the area with a long-term condition, or caring for someone who has one.".into(),
        capacity: capacity.into(),
        funding_source: "Integrated care board grant".into(),
        contact_gap_days: String::new(),
        waiting_target_days: String::new(),
        supervision_every_weeks: String::new(),
    }
}

/// Whether the demo organisation is already there.
pub async fn is_loaded(db: &Db) -> anyhow::Result<bool> {
    let found = accounts::find_by_email(
        db,
        &EmailAddress::parse(ACCOUNTS[0].0).expect("demo email is valid"),
    )
    .await?;
    Ok(found.is_some())
}

/// Loads the demo data in one transaction. Does nothing if it is there already.
pub async fn load(db: &Db, key: &DataKey) -> anyhow::Result<bool> {
    if is_loaded(db).await? {
        return Ok(false);
    }
    let now = Utc::now();
    // Hash once: every demo account has the same password.
    let hash = tokio::task::spawn_blocking(|| password_auth::generate_hash(PASSWORD)).await?;
    let name = OrganisationName::parse(ORGANISATION).map_err(anyhow::Error::msg)?;
    let mut tx = db.begin().await?;
    let organisation = organisations::create(&mut tx, name.as_str(), &name.slug(), now).await?;
    let mut referrer = None;
    for (email, display_name, role) in ACCOUNTS {
        let email = EmailAddress::parse(email).expect("demo email is valid");
        let id = accounts::create(&mut tx, &email, display_name, &hash, now).await?;
        organisations::add_member(&mut tx, organisation.id, id, role, now).await?;
        if role == Role::Referrer {
            referrer = Some((id, display_name));
        }
    }
    let offers = [
        programme(
            "Breathe Easy buddies",
            "Weekly befriending by phone or at home for people living with a lung condition.",
            "befriending",
            "community",
            "COPD\nAsthma\nBronchiectasis",
            "40",
        ),
        programme(
            "Diabetes peer mentors",
            "One-to-one mentoring from someone who has lived with type 2 diabetes, referred from the diabetes clinic.",
            "peer_mentoring",
            "clinical",
            "Type 2 diabetes",
            "25",
        ),
        programme(
            "Living with pain group",
            "A fortnightly group for people with chronic pain, led by a trained facilitator.",
            "facilitated_group",
            "community",
            "Chronic pain\nFibromyalgia\nArthritis",
            "16",
        ),
        programme(
            "Walk and talk",
            "Gentle walks in the park with time to talk, run by volunteers.",
            "activity_group",
            "community",
            "",
            "",
        ),
        programme(
            "Carers' online circle",
            "An online community for carers of people with long-term conditions.",
            "online_community",
            "online",
            "",
            "200",
        ),
    ];
    for (i, input) in offers.iter().enumerate() {
        let details = ProgrammeDetails::validate(input)
            .map_err(|e| anyhow::anyhow!("demo programme {}: {e}", input.name))?;
        let created = programmes::create(&mut tx, organisation.id, &details, now).await?;
        if i == 0 {
            // The first programme has its funding recorded, so the report's
            // cost per person has something to divide.
            let costs = alongside_domain::costs::ProgrammeCosts::parse("40,000", "340", "12.60")
                .map_err(|e| anyhow::anyhow!("demo costs: {e:?}"))?;
            programmes::set_costs(&mut tx, organisation.id, created.id, &costs).await?;
        }
        let entry = audit::AuditEntry {
            organisation: Some(organisation.id),
            actor: None,
            event: AuditEvent::Create,
            entity: "programme",
            entity_id: Some(created.id.to_string()),
            detail: "created with the demo data".into(),
            request_id: None,
        };
        audit::record(&mut tx, &entry, now).await?;
    }
    let today = now.date_naive();
    // Peer supporters: three who can be matched, one whose checks ran out,
    // one on a break.
    let in_a_year = (today + chrono::Duration::days(365))
        .format("%Y-%m-%d")
        .to_string();
    let last_month = (today - chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    for (
        name,
        gender,
        age,
        languages,
        conditions,
        experience,
        interests,
        slots,
        channels,
        postcode,
        capacity,
        checks,
        paused,
    ) in [
        (
            "Pat Hughes",
            "woman",
            "65-74",
            "English",
            "COPD",
            "Carer",
            "Gardening\nCrosswords",
            &["tue-morning", "thu-morning"][..],
            &["phone", "face_to_face"][..],
            "LS1 3AB",
            "2",
            in_a_year.as_str(),
            false,
        ),
        (
            "Imran Shah",
            "man",
            "45-54",
            "English\nUrdu\nPunjabi",
            "Type 2 diabetes",
            "",
            "Cricket\nCooking",
            &["mon-evening", "wed-evening"][..],
            &["phone", "video", "face_to_face"][..],
            "LS7 4BZ",
            "3",
            in_a_year.as_str(),
            false,
        ),
        (
            "Grace Okoro",
            "woman",
            "35-44",
            "English",
            "Chronic pain\nFibromyalgia",
            "Bereavement",
            "Walking\nBooks",
            &["sat-morning", "tue-afternoon"][..],
            &["video", "group"][..],
            "LS6 2QT",
            "2",
            in_a_year.as_str(),
            false,
        ),
        (
            "Dave Marsh",
            "man",
            "55-64",
            "English",
            "COPD\nHeart failure",
            "",
            "Football",
            &["fri-morning"][..],
            &["phone"][..],
            "LS9 8AA",
            "1",
            last_month.as_str(),
            false,
        ),
        (
            "Helen Byrne",
            "woman",
            "75+",
            "English\nIrish",
            "Asthma",
            "Carer",
            "Knitting",
            &["wed-morning"][..],
            &["phone", "face_to_face"][..],
            "LS8 1AA",
            "1",
            in_a_year.as_str(),
            true,
        ),
    ] {
        let input = SupporterInput {
            name: name.into(),
            gender: gender.into(),
            age_band: age.into(),
            languages: languages.into(),
            conditions: conditions.into(),
            lived_experience: experience.into(),
            interests: interests.into(),
            availability: slots.iter().map(|s| (*s).to_owned()).collect(),
            channels: channels.iter().map(|c| (*c).to_owned()).collect(),
            postcode: postcode.into(),
            capacity: capacity.into(),
            checks_valid_until: checks.into(),
            training: "Core peer support\nSafeguarding adults".into(),
            ..SupporterInput::default()
        };
        let details = SupporterDetails::validate(&input)
            .map_err(|e| anyhow::anyhow!("demo supporter {name}: {e}"))?;
        let id = supporters::create(&mut tx, organisation.id, &details, now).await?;
        if paused {
            supporters::set_status(&mut tx, organisation.id, id, SupporterStatus::Paused, now)
                .await?;
        }
    }
    for (reference, given, family, dob, postcode, help) in [
        (
            "R-DEMO-0001",
            "Maureen",
            "Ellis",
            (27, 3, 1956),
            "LS1 4AP",
            "Someone to talk to about living with COPD",
        ),
        (
            "R-DEMO-0002",
            "Arjun",
            "Patel",
            (9, 11, 1971),
            "LS6 2QT",
            "A group to join, I have not been out much since my diagnosis",
        ),
    ] {
        let input = SelfReferralInput {
            given_name: given.into(),
            family_name: family.into(),
            date_of_birth: born(dob)?,
            postcode: postcode.into(),
            email: format!("{}@example.org", given.to_lowercase()),
            support_wanted: help.into(),
            consent_store: true,
            consent_contact: true,
            ..SelfReferralInput::default()
        };
        let referral = NewReferral::from_self_referral(&input, today)
            .map_err(|e| anyhow::anyhow!("demo referral: {e}"))?;
        let submitted = Submitted {
            by: None,
            note: "referred themself online",
            consent_recorded_by: None,
        };
        referrals::create(
            &mut tx,
            key,
            organisation.id,
            &referral,
            reference,
            submitted,
            now,
        )
        .await?;
    }
    // A link worker refers Maureen again, with her NHS number: the
    // coordinator sees the likely duplicate of her self-referral.
    let (referrer, referrer_name) = referrer.context("the demo has a referrer")?;
    let input = ReferralInput {
        person: PersonInput {
            given_name: "Maureen".into(),
            family_name: "Ellis".into(),
            preferred_name: "Mo".into(),
            pronouns: "she/her".into(),
            date_of_birth: born((27, 3, 1956))?,
            nhs_number: "943 476 5919".into(),
            address: "14 Park Lane\nLeeds".into(),
            postcode: "LS1 4AP".into(),
            phone: "0113 496 0001".into(),
            contact_method: "phone".into(),
            contact_times: "Weekday mornings".into(),
            accessibility_needs: "Uses oxygen; ground-floor meeting places only".into(),
            conditions: vec![ConditionInput {
                description: String::new(),
                code: "13645005".into(),
            }],
            ..PersonInput::default()
        },
        source: "link_worker".into(),
        referrer_name: referrer_name.into(),
        referrer_organisation: "Park Lane Surgery".into(),
        referrer_contact: "0113 496 0100".into(),
        reason: "Lonely since her husband died; would like someone to talk to who knows COPD."
            .into(),
        risk: Some(true),
        risk_details: "Has had two falls this year; visits in pairs at first.".into(),
        consent_confirmed: true,
        consent_method: "verbal".into(),
        consents: vec![
            "contact_by_phone".into(),
            "share_with_peer".into(),
            "outcome_questionnaires".into(),
        ],
        preferences: PreferencesInput {
            models: vec!["befriending".into()],
            channels: vec!["phone".into(), "face_to_face".into()],
            shared_condition: true,
            availability: vec!["tue-morning".into(), "thu-morning".into()],
            travel_miles: "2".into(),
            interests: "Gardening\nBirdwatching".into(),
            ..PreferencesInput::default()
        },
        ..ReferralInput::default()
    };
    let referral = NewReferral::from_professional(&input, today)
        .map_err(|e| anyhow::anyhow!("demo referral: {e}"))?;
    let submitted = Submitted {
        by: Some(referrer),
        note: "referred by a professional",
        consent_recorded_by: Some(referrer),
    };
    referrals::create(
        &mut tx,
        key,
        organisation.id,
        &referral,
        "R-DEMO-0003",
        submitted,
        now,
    )
    .await?;
    tx.commit().await.context("save demo data")?;
    Ok(true)
}

/// The sign-in details to print.
pub fn sign_in_details(public_url: &str) -> String {
    let mut text = format!(
        "Demo data is loaded. Sign in at {public_url}/sign-in with any of these (password for all: {PASSWORD}):\n"
    );
    for (email, _, role) in ACCOUNTS {
        text.push_str(&format!("  {email:<36} {}\n", role.label()));
    }
    text.push_str("The demo accounts are for trying Alongside out: do not load them where real people's data is kept (--demo false).\n");
    text
}
