-- Frozen once landed: change the schema with a new file, never by editing this one.

-- What each resolved incident taught (issue 10): written once when it resolves (upsert keyed by incident, so a
-- retry or a second replica writes the same row), searched by the alert names, services and diagnosis of the
-- next incident. `search` is filled by the writer (a generated column cannot use array_to_string).
CREATE TABLE incident_knowledge (
  incident_id uuid PRIMARY KEY REFERENCES incidents (id),
  number bigint NOT NULL,
  title text NOT NULL,
  services text[] NOT NULL,
  alert_names text[] NOT NULL,
  root_cause text,
  diagnosis text,
  action text,
  outcome text,
  opened_at timestamptz NOT NULL,
  resolved_at timestamptz NOT NULL,
  minutes_to_resolve numeric NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  search tsvector NOT NULL
);
CREATE INDEX incident_knowledge_search ON incident_knowledge USING gin (search);
CREATE INDEX incident_knowledge_alert_names ON incident_knowledge USING gin (alert_names);
