import { sql, type Kysely } from 'kysely';
import type { EmbeddingError } from '../ports/embedding-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { KnowledgeEmbeddings } from './knowledge-embeddings.ts';

/** What one pass did: rows claimed, rows whose vector this pass wrote, and the model's failure if it failed. */
export interface EmbedPass {
  claimed: number;
  written: number;
  error: EmbeddingError | null;
}

export const embedBatchSize = 16;
// A claim outlives any embedding call (their deadline is seconds); a pass that failed or died leaves its rows
// claimed until then, which is also the back-off before the model is asked about them again.
const claimSeconds = 60;

/**
 * Embeds knowledge entries that have no vector of the configured model yet (new, rewritten with other fields, or
 * embedded by another model), outside any transaction: the resolve transaction never waits for a model.
 * Idempotent under retries and replicas: rows are claimed first (`FOR UPDATE SKIP LOCKED`, then a claim time, so
 * two replicas do not both ask the model), and a vector is written only while the row still lacks one and still
 * holds the fields that were embedded. A failure leaves the rows without a vector (full-text search still finds
 * them) and claimed for a minute.
 */
export async function embedPendingKnowledge(db: Kysely<DatabaseSchema>, embeddings: KnowledgeEmbeddings, limit: number = embedBatchSize): Promise<EmbedPass> {
  const model = embeddings.model;
  const { rows } = await sql<{ incident_id: string; alert_names: string[]; services: string[]; root_cause: string | null; diagnosis: string | null }>`
    UPDATE incident_knowledge SET embedding_claimed_until = now() + make_interval(secs => ${claimSeconds})
    WHERE incident_id IN (
      SELECT incident_id FROM incident_knowledge
      WHERE (embedding IS NULL OR embedding_model IS DISTINCT FROM ${model}::text)
        AND (embedding_claimed_until IS NULL OR embedding_claimed_until < now())
      ORDER BY resolved_at DESC LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING incident_id, alert_names, services, root_cause, diagnosis`.execute(db);
  if (rows.length === 0) return { claimed: 0, written: 0, error: null };
  const embedded = await embeddings.embedEntries(
    rows.map((row) => ({ alertNames: row.alert_names, services: row.services, rootCause: row.root_cause, diagnosis: row.diagnosis })),
  );
  if (!embedded.ok) return { claimed: rows.length, written: 0, error: embedded.error };
  let written = 0;
  for (const [index, row] of rows.entries()) {
    const result = await sql`
      UPDATE incident_knowledge SET embedding = ${embedded.vectors[index]!}::real[], embedding_model = ${model}::text, embedding_claimed_until = NULL
      WHERE incident_id = ${row.incident_id}::uuid AND (embedding IS NULL OR embedding_model IS DISTINCT FROM ${model}::text)
        AND alert_names = ${row.alert_names}::text[] AND services = ${row.services}::text[]
        AND root_cause IS NOT DISTINCT FROM ${row.root_cause}::text AND diagnosis IS NOT DISTINCT FROM ${row.diagnosis}::text`.execute(db);
    written += Number(result.numAffectedRows ?? 0n);
  }
  return { claimed: rows.length, written, error: null };
}
