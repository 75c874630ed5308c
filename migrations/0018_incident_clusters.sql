-- Frozen once landed: change the schema with a new file, never by editing this one.

-- Several clusters (issue 9): an incident belongs to one cluster, picked by its alerts' `cluster` label (the
-- Alertmanager external label); correlation never joins or merges incidents across clusters, and proposals run on
-- the incident's cluster. Incidents from before this migration belong to the default cluster, named 'default'
-- unless configured otherwise (`cluster.defaultCluster`).
ALTER TABLE incidents ADD COLUMN cluster text NOT NULL DEFAULT 'default';
-- The label value as sent when it named no configured cluster (the incident went to the default one); the card
-- says so. At most 253 characters: the ingest cuts longer ones.
ALTER TABLE incidents ADD COLUMN cluster_unknown text;
