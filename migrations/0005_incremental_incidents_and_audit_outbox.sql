-- Frozen once landed: change the schema with a new file, never by editing this one.

-- Incident state follows each ingested batch instead of re-aggregating every alert of the incident (ADR 0008).
-- firing_count: how many of the incident's alerts fire; status and resolved_at follow from it.
-- alerts_revision: bumped by every ingestion that changed the incident's alerts, so the analysis can record
-- which state it saw and a reader can tell whether the card is current.
ALTER TABLE incidents ADD COLUMN firing_count integer NOT NULL DEFAULT 0 CHECK (firing_count >= 0);
ALTER TABLE incidents ADD COLUMN alerts_revision bigint NOT NULL DEFAULT 0;

UPDATE incidents SET firing_count = counted.firing, alerts_revision = 1
FROM (SELECT incident_id, count(*) FILTER (WHERE status = 'firing') AS firing FROM alerts GROUP BY incident_id) AS counted
WHERE incidents.id = counted.incident_id;

-- The status a row had before its latest update. The ingest's upsert returns it (RETURNING sees only new
-- values), so the firing count moves by exactly what changed, even when two groups update one alert at once.
ALTER TABLE alerts ADD COLUMN previous_status text;

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
