-- Frozen once landed: change the schema with a new file, never by editing this one.

-- An incident whose alert fires again within the quiet period after it resolved is reopened, not replaced by a
-- new one (issue 10); the card says how often that happened and when last.
ALTER TABLE incidents ADD COLUMN flaps integer NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN last_flap_at timestamptz;
