-- A session ends after a spell without use as well as at its expiry; the
-- device it was started on helps its owner recognise it in their list.
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMPTZ;
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT '';
UPDATE sessions SET last_seen_at = created_at;
