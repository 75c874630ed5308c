-- Frozen once landed: change the schema with a new file, never by editing this one.

-- Embeddings of the knowledge base (issue 10, ADR 0034). `real[]` works on every PostgreSQL; where the pgvector
-- extension exists the search casts it to `vector` and uses its cosine distance, elsewhere cosine similarity is
-- computed over the arrays in SQL. Written after the resolve transaction by the knowledge embedder (a model call
-- never runs inside it): NULL until then, and again whenever the embedded fields change.
ALTER TABLE incident_knowledge
  ADD COLUMN embedding real[],
  -- The model that made `embedding`: vectors of different models are never compared.
  ADD COLUMN embedding_model text,
  -- A replica embedding this row holds it until then, so that two replicas do not both ask the model.
  ADD COLUMN embedding_claimed_until timestamptz;

CREATE INDEX incident_knowledge_unembedded ON incident_knowledge (resolved_at) WHERE embedding IS NULL;

-- pgvector where the server has it (PGlite ships it; many PostgreSQL packages do not, nor may this role create
-- it): its absence is not an error, the search computes cosine similarity itself.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS vector;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pgvector not available (%): cosine similarity is computed over real[]', SQLERRM;
END
$$;
