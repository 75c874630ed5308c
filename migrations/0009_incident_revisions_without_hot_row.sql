-- Frozen once landed: change the schema with a new file, never by editing this one.

-- A storm's batches no longer update their incident's row each time (ADR 0013): every one of them waited for
-- that one row, and the ingest's advisory locks queued behind it.
-- The revision of an incident's alerts is now the newest revision stamped on its alert counts, from one global
-- sequence: each batch stamps the count rows it moves, and the analysis reads the maximum with the counts.
CREATE SEQUENCE incident_alert_revisions;
SELECT setval('incident_alert_revisions', greatest(1, (SELECT coalesce(max(alerts_revision), 0) + 1 FROM incidents)));
ALTER TABLE incident_alert_groups ADD COLUMN revision bigint;
UPDATE incident_alert_groups SET revision = (SELECT alerts_revision FROM incidents WHERE incidents.id = incident_alert_groups.incident_id);
ALTER TABLE incident_alert_groups ALTER COLUMN revision SET DEFAULT nextval('incident_alert_revisions');
UPDATE incident_alert_groups SET revision = nextval('incident_alert_revisions') WHERE revision IS NULL;
ALTER TABLE incident_alert_groups ALTER COLUMN revision SET NOT NULL;

-- Whether an incident fires follows from its counts (incident_alert_groups with status 'firing'); the status is
-- moved only when it flips, under the incident's advisory lock.
ALTER TABLE incidents DROP COLUMN firing_count;
ALTER TABLE incidents DROP COLUMN alerts_revision;

-- A batch that changed an incident's alerts asks for its analysis here: a plain insert in the ingest's
-- transaction, visible only once it commits. A dispatcher turns requests into the stately analysis job
-- (one waiting per incident), so batches no longer wait for each other on that job's unique key.
CREATE TABLE analysis_requests (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id uuid NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now()
);
