-- What people said helped and what got in the way, sealed at rest, and the
-- themes coordinators tag the answers with.

CREATE TABLE reflections (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    referral_id TEXT NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    timepoint TEXT NOT NULL,
    -- draft or submitted.
    status TEXT NOT NULL,
    -- Sealed with the data key: people's own words.
    helped TEXT NOT NULL,
    hindered TEXT NOT NULL,
    entered_by TEXT REFERENCES accounts (id),
    answered_on DATE,
    created_at TIMESTAMPTZ NOT NULL,
    submitted_at TIMESTAMPTZ,
    UNIQUE (referral_id, timepoint)
);
CREATE INDEX reflections_organisation ON reflections (organisation_id, status);

CREATE TABLE feedback_themes (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE reflection_tags (
    reflection_id TEXT NOT NULL REFERENCES reflections (id) ON DELETE CASCADE,
    -- helped or hindered.
    part TEXT NOT NULL,
    theme_id TEXT NOT NULL REFERENCES feedback_themes (id) ON DELETE CASCADE,
    tagged_by TEXT REFERENCES accounts (id),
    tagged_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (reflection_id, part, theme_id)
);
