-- Each programme's outcome schedule (which timepoints, what window), and
-- the day a person answered, which decides whether a response counts for
-- its timepoint.

-- JSON: {"timepoints": [{"name", "anchor": "start"|"end", "months_after"}],
-- "window_days"}; empty for the standard schedule.
ALTER TABLE programmes ADD COLUMN outcome_schedule TEXT NOT NULL DEFAULT '';

-- The day the person answered: the submission day through a link, the day
-- on the paper form when staff enter it. Empty for drafts.
ALTER TABLE questionnaire_responses ADD COLUMN answered_on TEXT;

-- The closure of a placed referral is the end of support.
CREATE INDEX referral_events_status ON referral_events (referral_id, status);
