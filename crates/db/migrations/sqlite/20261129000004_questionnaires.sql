-- Questionnaires an organisation brings itself, kept as the FHIR R4
-- Questionnaire they were imported or built as.

CREATE TABLE questionnaires (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    -- The FHIR Questionnaire, without server addresses.
    definition TEXT NOT NULL,
    -- active or retired.
    status TEXT NOT NULL,
    created_by TEXT REFERENCES accounts (id),
    created_at TEXT NOT NULL,
    UNIQUE (organisation_id, title)
);
