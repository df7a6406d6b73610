-- Matching runs: a programme's waiting list matched with its supporters in
-- one go, the proposals with their score breakdowns, the people left
-- unmatched with why, and each programme's matching rules.

ALTER TABLE programmes ADD COLUMN required_training TEXT NOT NULL DEFAULT '';
-- JSON of the score weights; empty for the defaults.
ALTER TABLE programmes ADD COLUMN matching_weights TEXT NOT NULL DEFAULT '';

CREATE TABLE matching_runs (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    run_by TEXT REFERENCES accounts (id),
    run_at TEXT NOT NULL,
    people INTEGER NOT NULL,
    supporters INTEGER NOT NULL,
    candidate_pairs INTEGER NOT NULL,
    total_score INTEGER NOT NULL,
    -- The weights and training the run used, as JSON.
    rules TEXT NOT NULL
);
CREATE INDEX matching_runs_programme ON matching_runs (organisation_id, programme_id, run_at);

CREATE TABLE matching_proposals (
    id TEXT PRIMARY KEY NOT NULL,
    run_id TEXT NOT NULL REFERENCES matching_runs (id) ON DELETE CASCADE,
    referral_id TEXT NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    supporter_id TEXT NOT NULL REFERENCES supporters (id) ON DELETE CASCADE,
    score INTEGER NOT NULL,
    -- The score's parts, as JSON.
    parts TEXT NOT NULL,
    candidates INTEGER NOT NULL,
    -- open, accepted or rejected.
    status TEXT NOT NULL,
    match_id TEXT REFERENCES matches (id) ON DELETE SET NULL,
    reject_reason TEXT NOT NULL DEFAULT '',
    decided_by TEXT REFERENCES accounts (id),
    decided_at TEXT
);
CREATE INDEX matching_proposals_run ON matching_proposals (run_id);

CREATE TABLE matching_unmatched (
    run_id TEXT NOT NULL REFERENCES matching_runs (id) ON DELETE CASCADE,
    referral_id TEXT NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    -- Why, as JSON.
    why TEXT NOT NULL,
    PRIMARY KEY (run_id, referral_id)
);
