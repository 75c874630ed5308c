-- Frozen once landed: change the schema with a new file, never by editing this one.

-- An execution in flight holds a lease, renewed by its owner's heartbeat. A lease that ran out means the owner
-- died (or lost the database): any replica's sweep may take it over and reconcile the execution.
-- Rows from before this migration have no lease; the sweep treats NULL as run out.
ALTER TABLE executions
  ADD COLUMN lease_owner text,
  ADD COLUMN lease_expires_at timestamptz,
  ADD COLUMN heartbeat_at timestamptz;

CREATE INDEX executions_running_by_lease ON executions (lease_expires_at) WHERE status = 'running';

-- APPROVED proposals expire too: the expiry sweep looks at both live states that wait.
DROP INDEX proposals_pending_by_expiry;
CREATE INDEX proposals_waiting_by_expiry ON proposals (expires_at) WHERE state IN ('PENDING', 'APPROVED');
