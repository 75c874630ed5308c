-- Frozen once landed: change the schema with a new file, never by editing this one.

-- The weekly FinOps report (issue 11, ADR 0025): one row per due week, inserted by whichever replica sees the week
-- due first (the primary key makes a second insert a no-op), together with the durable job that posts it.
CREATE TABLE finops_reports (
  week text PRIMARY KEY,
  due_at timestamptz NOT NULL,
  platform text NOT NULL,
  channel text NOT NULL,
  claimed_at timestamptz NOT NULL,
  sent_at timestamptz,
  outcome text
);
