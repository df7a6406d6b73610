-- Peer supporters' records: what matching reads, and the checks and training
-- that decide whether they may be matched.

CREATE TABLE supporters (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT NOT NULL,
    gender TEXT NOT NULL,
    age_band TEXT NOT NULL,
    -- JSON arrays of text.
    languages TEXT NOT NULL,
    conditions TEXT NOT NULL,
    lived_experience TEXT NOT NULL,
    interests TEXT NOT NULL,
    availability TEXT NOT NULL,
    channels TEXT NOT NULL,
    postcode TEXT NOT NULL,
    travel_miles BIGINT NOT NULL,
    capacity BIGINT NOT NULL,
    checks_valid_until DATE,
    training TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX supporters_organisation ON supporters (organisation_id, status);
