-- Frozen once landed: change the schema with a new file, never by editing this one.

CREATE TABLE proposals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id uuid NOT NULL REFERENCES incidents (id),
  action text NOT NULL,
  target jsonb NOT NULL,
  params jsonb NOT NULL,
  reason text NOT NULL,
  base_risk text NOT NULL CHECK (base_risk IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
  risk text NOT NULL CHECK (risk IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
  risk_reason text,
  trust_pattern text NOT NULL,
  trust_score integer NOT NULL,
  plan_hash text NOT NULL,
  dry_run jsonb NOT NULL,
  cost jsonb,
  state text NOT NULL CHECK (state IN ('PENDING', 'APPROVED', 'EXECUTING', 'SUCCEEDED', 'FAILED', 'REJECTED', 'EXPIRED', 'SUPERSEDED', 'VOIDED')),
  requested_by text,
  superseded_by uuid REFERENCES proposals (id),
  void_reason text,
  void_diff jsonb,
  outcome text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  decided_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- At most one live proposal per incident: a newer one supersedes the old one in the same transaction.
CREATE UNIQUE INDEX proposals_one_live_per_incident ON proposals (incident_id) WHERE state IN ('PENDING', 'APPROVED', 'EXECUTING');
CREATE INDEX proposals_by_incident ON proposals (incident_id, created_at DESC);
CREATE INDEX proposals_pending_by_expiry ON proposals (expires_at) WHERE state = 'PENDING';

-- A signature belongs to a person, not a chat account: one row per person and proposal.
CREATE TABLE signatures (
  proposal_id uuid NOT NULL REFERENCES proposals (id),
  person_id text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('approve', 'reject')),
  platform text NOT NULL,
  account_id text NOT NULL,
  roles text[] NOT NULL,
  plan_hash text NOT NULL,
  signed_at timestamptz NOT NULL,
  PRIMARY KEY (proposal_id, person_id)
);

-- Exactly one execution per proposal; the row exists before the cluster is touched, so a crash leaves a trace.
CREATE TABLE executions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  proposal_id uuid NOT NULL UNIQUE REFERENCES proposals (id),
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'voided')),
  dry_run jsonb,
  result jsonb,
  reconciled boolean NOT NULL DEFAULT false,
  started_at timestamptz NOT NULL,
  finished_at timestamptz
);

CREATE TABLE trust_scores (
  pattern text PRIMARY KEY,
  score integer NOT NULL DEFAULT 0 CHECK (score >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Append-only and hash-chained: hash = sha256(previous hash + canonical entry). Never updated or deleted.
CREATE TABLE audit_log (
  sequence bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  kind text NOT NULL,
  actor text,
  incident_id uuid,
  proposal_id uuid,
  details jsonb NOT NULL,
  previous_hash text NOT NULL,
  hash text NOT NULL
);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
