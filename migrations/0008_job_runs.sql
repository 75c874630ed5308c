-- Frozen once landed: change the schema with a new file, never by editing this one.

-- Which process runs which job right now. pg-boss 10 has no heartbeat: a job whose process died stays active
-- until its expiry, which must be longer than any handler may run. Each process instead keeps a heartbeat row
-- and names the jobs it runs; a job whose process stopped beating is failed (so retried) by any live one within
-- seconds. Both tables are small: a row per live process, a row per job in flight.
CREATE TABLE job_workers (
  id text PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE job_runs (
  job_id uuid PRIMARY KEY,
  queue text NOT NULL,
  worker_id text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_runs_by_worker ON job_runs (worker_id);
