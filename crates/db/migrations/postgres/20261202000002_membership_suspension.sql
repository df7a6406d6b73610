-- A member of staff can be suspended (kept, but unable to act) until an
-- admin reinstates them. NULL: active.
ALTER TABLE memberships ADD COLUMN suspended_at TIMESTAMPTZ;
