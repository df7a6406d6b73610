-- Outcome questionnaires: which instruments a programme collects, the
-- private links people answer through, and the responses (drafts, then
-- submitted and never changed; a correction is a new version).

-- Instrument codes, one per line; empty for the default set.
ALTER TABLE programmes ADD COLUMN outcome_instruments TEXT NOT NULL DEFAULT '';

CREATE TABLE questionnaire_links (
    token_hash TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    referral_id TEXT NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    timepoint TEXT NOT NULL,
    created_by TEXT REFERENCES accounts (id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    -- The reminder waiting in the outbox, taken back once answered.
    reminder_id TEXT,
    used_at TIMESTAMPTZ
);
CREATE INDEX questionnaire_links_referral ON questionnaire_links (referral_id);

CREATE TABLE questionnaire_responses (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    referral_id TEXT NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    instrument TEXT NOT NULL,
    timepoint TEXT NOT NULL,
    -- draft or submitted.
    status TEXT NOT NULL,
    -- JSON array: one answer per item, null when unanswered.
    answers TEXT NOT NULL,
    score DOUBLE PRECISION,
    -- Staff who entered it; NULL when the person answered through a link.
    entered_by TEXT REFERENCES accounts (id),
    -- The response this one corrects.
    amends TEXT REFERENCES questionnaire_responses (id),
    created_at TIMESTAMPTZ NOT NULL,
    submitted_at TIMESTAMPTZ
);
CREATE INDEX questionnaire_responses_referral ON questionnaire_responses (referral_id, timepoint, instrument);
CREATE INDEX questionnaire_responses_organisation ON questionnaire_responses (organisation_id, instrument, status);

-- A submitted response is a record of what someone said: never changed.
CREATE FUNCTION questionnaire_responses_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'submitted' THEN
        RAISE EXCEPTION 'a submitted response is never changed';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER questionnaire_responses_submitted_stay BEFORE UPDATE ON questionnaire_responses
    FOR EACH ROW EXECUTE FUNCTION questionnaire_responses_refuse_change();

-- The wording of licensed questionnaires, loaded by an organisation that
-- holds the licence: used for its own people only, never published.
CREATE TABLE instrument_texts (
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    instrument TEXT NOT NULL,
    -- JSON array: the items' text, in order.
    items TEXT NOT NULL,
    loaded_by TEXT REFERENCES accounts (id),
    loaded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organisation_id, instrument)
);
