-- The full person record, coded conditions, consent records, who referred,
-- waiting-time targets and idempotent API requests.

ALTER TABLE people ADD COLUMN preferred_name TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN pronouns TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN nhs_number TEXT;
ALTER TABLE people ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN contact_method TEXT;
ALTER TABLE people ADD COLUMN contact_times TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN language TEXT NOT NULL DEFAULT 'English';
ALTER TABLE people ADD COLUMN interpreter_needed BOOLEAN NOT NULL DEFAULT FALSE;
-- Sealed (encrypted) text.
ALTER TABLE people ADD COLUMN accessibility_needs TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN is_carer BOOLEAN NOT NULL DEFAULT FALSE;
-- Support preferences as JSON of stored names.
ALTER TABLE people ADD COLUMN preferences TEXT NOT NULL DEFAULT '{}';
-- Set when this record was merged into another: kept, never deleted.
ALTER TABLE people ADD COLUMN merged_into TEXT REFERENCES people (id);
CREATE INDEX people_nhs_number ON people (organisation_id, nhs_number);
CREATE INDEX people_birth ON people (organisation_id, date_of_birth);

CREATE TABLE person_conditions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    snomed_code TEXT
);
CREATE INDEX person_conditions_person ON person_conditions (person_id, id);
INSERT INTO person_conditions (person_id, description)
    SELECT id, conditions FROM people WHERE conditions <> '' ORDER BY created_at;
ALTER TABLE people DROP COLUMN conditions;

CREATE TABLE consents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    method TEXT NOT NULL,
    recorded_by TEXT REFERENCES accounts (id),
    recorded_at TIMESTAMPTZ NOT NULL,
    withdrawn_at TIMESTAMPTZ,
    withdrawn_by TEXT REFERENCES accounts (id),
    withdrawal_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consents_person ON consents (person_id, id);
INSERT INTO consents (organisation_id, person_id, scope, method, recorded_at)
    SELECT organisation_id, person_id, 'store_data', 'online', received_at FROM referrals WHERE consent_store;
INSERT INTO consents (organisation_id, person_id, scope, method, recorded_at)
    SELECT organisation_id, person_id, 'contact_by_phone', 'online', received_at FROM referrals WHERE consent_contact;
ALTER TABLE referrals DROP COLUMN consent_store;
ALTER TABLE referrals DROP COLUMN consent_contact;

-- Sealed (encrypted) text from here on; rows written before are read as they are.
ALTER TABLE referrals RENAME COLUMN support_wanted TO reason;
ALTER TABLE referrals ADD COLUMN reason_code TEXT NOT NULL DEFAULT '871731000000106';
-- Sealed (encrypted) text; NULL when no risk was noted.
ALTER TABLE referrals ADD COLUMN risk TEXT;
ALTER TABLE referrals ADD COLUMN referrer_account_id TEXT REFERENCES accounts (id);
ALTER TABLE referrals ADD COLUMN referrer_name TEXT;
ALTER TABLE referrals ADD COLUMN referrer_organisation TEXT;
ALTER TABLE referrals ADD COLUMN referrer_contact TEXT;
ALTER TABLE referrals ADD COLUMN first_contact_at TIMESTAMPTZ;
CREATE INDEX referrals_referrer ON referrals (referrer_account_id, received_at);
CREATE INDEX referrals_person ON referrals (person_id);

ALTER TABLE programmes ADD COLUMN waiting_target_days BIGINT NOT NULL DEFAULT 14;

-- A retried API request with the same key answers with the first result.
CREATE TABLE idempotency_keys (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, idempotency_key)
);
