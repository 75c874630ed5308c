-- Frozen once landed: change the schema with a new file, never by editing this one.

-- Incident state follows each ingested batch instead of re-aggregating every alert of the incident (ADR 0008).
-- firing_count: how many of the incident's alerts fire; status and resolved_at follow from it.
-- alerts_revision: bumped by every ingestion that changed the incident's alerts, so the analysis can record
-- which state it saw and a reader can tell whether the card is current.
ALTER TABLE incidents ADD COLUMN firing_count integer NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN alerts_revision bigint NOT NULL DEFAULT 0;

UPDATE incidents SET firing_count = counted.firing, alerts_revision = 1
FROM (SELECT incident_id, count(*) FILTER (WHERE status = 'firing') AS firing FROM alerts GROUP BY incident_id) AS counted
WHERE incidents.id = counted.incident_id;

-- Status and severity a row had before its latest update. The ingest's upsert returns them (RETURNING sees only
-- new values), so the counts below move by exactly what changed, even when two groups update one alert at once.
ALTER TABLE alerts ADD COLUMN previous_status text;
ALTER TABLE alerts ADD COLUMN previous_severity text;

-- How many alerts of an incident share a service, name, status and severity, maintained by the ingest from
-- what each batch changed: the analysis reads these few rows instead of every alert (ADR 0008).
-- service '' stands for "no service" (a service name is never empty). first_starts_at is the earliest start
-- among the alerts that entered the group since it was last empty; sample_fingerprint one of them.
CREATE TABLE incident_alert_groups (
  incident_id uuid NOT NULL,
  service text NOT NULL,
  name text NOT NULL,
  status text NOT NULL CHECK (status IN ('firing', 'resolved')),
  severity text NOT NULL,
  alerts integer NOT NULL,
  first_starts_at timestamptz,
  sample_fingerprint text,
  PRIMARY KEY (incident_id, service, name, status, severity)
);

INSERT INTO incident_alert_groups (incident_id, service, name, status, severity, alerts, first_starts_at, sample_fingerprint)
SELECT incident_id, coalesce(service, ''), name, status, severity, count(*), min(starts_at), min(fingerprint)
FROM alerts GROUP BY incident_id, coalesce(service, ''), name, status, severity;

-- Receipts of alerts wait here, written in the ingest's transaction without the audit chain's lock, until a
-- sealer moves them into audit_log under that lock (ADR 0009). Oldest first by id.
CREATE TABLE audit_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  kind text NOT NULL,
  actor text,
  incident_id uuid,
  proposal_id uuid,
  details jsonb NOT NULL
);
