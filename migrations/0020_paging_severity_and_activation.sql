-- Frozen once landed: change the schema with a new file, never by editing this one.

-- A rise in an incident's severity chooses its escalation policy again (ADR 0037). The escalation remembers the
-- severity its policy was chosen for, and how often the policy was chosen again (`round`): a new round pages the
-- new policy's steps from the start, timed from `steps_from` (the rise) instead of `started_at`.
ALTER TABLE paging_escalations ADD COLUMN severity text;
ALTER TABLE paging_escalations ADD COLUMN round integer NOT NULL DEFAULT 0;
ALTER TABLE paging_escalations ADD COLUMN steps_from timestamptz;
-- Escalations from before this migration were chosen for the severity their incident has now.
UPDATE paging_escalations e SET severity = i.severity FROM incidents i WHERE i.id = e.incident_id;

-- A page belongs to a round too: the new policy's step 1 may page the person step 1 of the old one paged.
ALTER TABLE paging_pages ADD COLUMN round integer NOT NULL DEFAULT 0;
ALTER TABLE paging_pages DROP CONSTRAINT paging_pages_escalation_id_step_person_id_channel_key;
ALTER TABLE paging_pages ADD CONSTRAINT paging_pages_once UNIQUE (escalation_id, round, step, person_id, channel);

-- When paging became active (ADR 0037): the first start with a policy writes the row, a start without one deletes
-- it. Incidents already open at that moment are not paged retroactively. One row at most.
CREATE TABLE paging_activation (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  active_since timestamptz NOT NULL
);
-- A database that already paged: paging has been active since its first escalation.
INSERT INTO paging_activation (active_since) SELECT min(started_at) FROM paging_escalations HAVING count(*) > 0;
