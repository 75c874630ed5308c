-- Frozen once landed: change the schema with a new file, never by editing this one.

-- On-call paging (issue 12, ADR 0026). One escalation per incident and episode (the incident's flap count when it
-- started): the unique key is what keeps two replicas, or a restart, from starting it twice. The next step and
-- when it is due live on the row, so a restart loses no timer; a sweep fires due steps under FOR UPDATE SKIP LOCKED.
CREATE TABLE paging_escalations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id uuid NOT NULL REFERENCES incidents (id),
  episode integer NOT NULL,
  policy text NOT NULL,
  state text NOT NULL CHECK (state IN ('active', 'acknowledged', 'resolved', 'suppressed')),
  next_step integer NOT NULL DEFAULT 0,
  next_step_at timestamptz,
  started_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  acknowledged_via text,
  ended_at timestamptz,
  note text,
  UNIQUE (incident_id, episode)
);
CREATE INDEX paging_escalations_due ON paging_escalations (next_step_at) WHERE state = 'active';
CREATE INDEX paging_escalations_live ON paging_escalations (incident_id) WHERE state IN ('active', 'acknowledged');

-- One page: a step of an escalation reaching one person through one channel. The unique key makes firing a step
-- twice (two replicas, a retried sweep) insert nothing the second time, so nobody is paged twice.
CREATE TABLE paging_pages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  escalation_id uuid NOT NULL REFERENCES paging_escalations (id),
  step integer NOT NULL,
  person_id text NOT NULL,
  channel text NOT NULL,
  address text NOT NULL,
  state text NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
  queued_at timestamptz NOT NULL,
  sent_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  external_id text,
  error text,
  follow_up text CHECK (follow_up IN ('acknowledge', 'resolve')),
  UNIQUE (escalation_id, step, person_id, channel)
);
CREATE INDEX paging_pages_escalation ON paging_pages (escalation_id);
