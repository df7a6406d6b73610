-- People referred for support, their referrals and each referral's history.

CREATE TABLE people (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    postcode TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT,
    conditions TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX people_organisation ON people (organisation_id);

CREATE TABLE referrals (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    reference TEXT NOT NULL UNIQUE,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    status TEXT NOT NULL,
    programme_id TEXT REFERENCES programmes (id),
    support_wanted TEXT NOT NULL,
    consent_store INTEGER NOT NULL,
    consent_contact INTEGER NOT NULL,
    decline_reason TEXT,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX referrals_organisation ON referrals (organisation_id, status, received_at);

CREATE TABLE referral_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    referral_id TEXT NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    actor_account_id TEXT REFERENCES accounts (id),
    note TEXT NOT NULL,
    occurred_at TEXT NOT NULL
);
CREATE INDEX referral_events_referral ON referral_events (referral_id, id);
CREATE INDEX referral_events_organisation ON referral_events (organisation_id);
