-- What a programme costs, for the cost per person supported: its funding,
-- the hours volunteers gave, and the value of an hour of their time.

-- Pence; NULL until recorded.
ALTER TABLE programmes ADD COLUMN funding_pence BIGINT;
ALTER TABLE programmes ADD COLUMN volunteer_hours INTEGER NOT NULL DEFAULT 0;
-- Pence per hour; NULL leaves volunteer time out.
ALTER TABLE programmes ADD COLUMN volunteer_hour_value_pence BIGINT;
