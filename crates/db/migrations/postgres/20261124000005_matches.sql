-- Matches of people with peer supporters, from proposal to the agreement of
-- both, and the pairs that must not be proposed again.

CREATE TABLE matches (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    referral_id TEXT NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    supporter_id TEXT NOT NULL REFERENCES supporters (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    -- NULL until answered; then TRUE or FALSE.
    person_answer BOOLEAN,
    supporter_answer BOOLEAN,
    proposed_by TEXT REFERENCES accounts (id),
    proposed_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX matches_referral ON matches (referral_id);
CREATE INDEX matches_supporter ON matches (organisation_id, supporter_id, status);

CREATE TABLE match_exclusions (
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    supporter_id TEXT NOT NULL REFERENCES supporters (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    recorded_by TEXT REFERENCES accounts (id),
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, supporter_id)
);
