-- Frozen once landed: change the schema with a new file, never by editing this one.
-- Web console state that must survive a restart and be shared by every replica (ADR 0005).

-- A signed-in browser. The cookie holds a random 256-bit id; only its SHA-256 is kept, so a copy of this table
-- (a backup, a read replica) signs nobody in.
CREATE TABLE console_sessions (
  id_hash text PRIMARY KEY,
  person_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);

-- Counters of @fastify/rate-limit (sign-in throttle), keyed by a SHA-256 of the limiter's key (client address
-- and person id), in fixed windows that end at resets_at.
CREATE TABLE console_rate_limits (
  key_hash text PRIMARY KEY,
  hits integer NOT NULL,
  resets_at timestamptz NOT NULL
);
CREATE INDEX console_rate_limits_by_reset ON console_rate_limits (resets_at);

-- Secrets every replica must share (the CSRF token key), created once by the first process that needs one.
CREATE TABLE console_secrets (
  name text PRIMARY KEY,
  secret bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
