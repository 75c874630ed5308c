-- Frozen once landed: change the schema with a new file, never by editing this one.

-- An alert that connects two open incidents merges them into the oldest (issue 10): the others close as
-- 'merged', pointing at the incident that carries on, and keep their number, title and analysis for the record.
ALTER TABLE incidents DROP CONSTRAINT incidents_status_check;
ALTER TABLE incidents ADD CONSTRAINT incidents_status_check CHECK (status IN ('open', 'resolved', 'merged'));
ALTER TABLE incidents ADD COLUMN merged_into uuid REFERENCES incidents (id);
ALTER TABLE incidents ADD COLUMN merged_at timestamptz;
ALTER TABLE incidents ADD CONSTRAINT incidents_merged_has_survivor CHECK ((status = 'merged') = (merged_into IS NOT NULL));
CREATE INDEX incidents_by_survivor ON incidents (merged_into) WHERE merged_into IS NOT NULL;
