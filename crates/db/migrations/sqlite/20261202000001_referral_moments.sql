-- The moments of a referral that reports and outcome schedules count from:
-- when the person was first placed (the start of support) and when the
-- referral was first closed (its end, once it was placed). One row per
-- referral, none of them missing; a moment not reached yet is NULL. Each is
-- read from the referral's own history entries, so a query that joins the
-- view costs no more than looking them up itself.
CREATE VIEW referral_moments AS
SELECT r.id AS referral_id,
    (SELECT MIN(e.occurred_at) FROM referral_events e
      WHERE e.referral_id = r.id AND e.status = 'placed') AS placed_at,
    (SELECT MIN(e.occurred_at) FROM referral_events e
      WHERE e.referral_id = r.id AND e.status = 'closed') AS closed_at
FROM referrals r;
