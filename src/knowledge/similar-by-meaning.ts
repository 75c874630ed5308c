import { type RawBuilder, sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { type PastIncidentRow, shownSimilar } from './find-similar-incidents.ts';
import type { KnowledgeEmbeddings } from './knowledge-embeddings.ts';
import { hasPgvector } from './vector-support.ts';

// The entries compared by meaning: the most recent of the model's. Without an index (the column is real[] of
// any length, so no pgvector index fits it) every candidate is compared; this keeps that bounded.
const candidateLimit = 2_000;
// Reciprocal rank fusion's usual constant: a hit's weight is 1 / (k + its rank) in each ranking it appears in.
const fusionConstant = 60;

/**
 * Full-text hits and embedding hits fused by reciprocal rank (ADR 0034): an entry found both ways ranks first,
 * one found only by meaning (no shared word) still counts. Cosine similarity is pgvector's (`<=>` on a cast)
 * where the extension exists, else computed over the real[] in SQL; both compare only vectors of the configured
 * model and of the query's length, and count those at least `minSimilarity` alike.
 */
export async function similarByMeaning(
  db: Kysely<DatabaseSchema>,
  search: { id: string; names: string[]; query: RawBuilder<unknown>; vector: number[]; embeddings: KnowledgeEmbeddings },
): Promise<PastIncidentRow[]> {
  const { id, names, query, vector, embeddings } = search;
  const similarity = (await hasPgvector(db))
    ? sql<number>`1 - (candidates.embedding::vector <=> ${`[${vector.join(',')}]`}::vector)`
    : sql<number>`(SELECT sum(a::float8 * b) / nullif(sqrt(sum(a::float8 * a)) * sqrt(sum(b::float8 * b)), 0)
        FROM unnest(candidates.embedding, ${vector}::real[]) AS pair(a, b))`;
  const { rows } = await sql<PastIncidentRow>`
    WITH query AS (${query}),
    by_words AS (
      SELECT k.incident_id, row_number() OVER (ORDER BY ts_rank(k.search, query.q) DESC, k.resolved_at DESC) AS rank
      FROM incident_knowledge AS k, query
      WHERE k.alert_names && ${names}::text[] AND k.search @@ query.q AND k.incident_id <> ${id}::uuid
    ),
    candidates AS (
      SELECT incident_id, embedding FROM incident_knowledge
      WHERE embedding_model = ${embeddings.model}::text AND cardinality(embedding) = ${vector.length}::int AND incident_id <> ${id}::uuid
      ORDER BY resolved_at DESC LIMIT ${candidateLimit}
    ),
    by_meaning AS (
      SELECT incident_id, row_number() OVER (ORDER BY similarity DESC) AS rank
      FROM (SELECT candidates.incident_id, ${similarity} AS similarity FROM candidates) AS scored
      WHERE similarity >= ${embeddings.minSimilarity}::float8
    ),
    fused AS (
      SELECT incident_id, sum(1.0 / (${fusionConstant}::int + rank)) AS score
      FROM (SELECT * FROM by_words UNION ALL SELECT * FROM by_meaning) AS hits GROUP BY incident_id
    )
    SELECT k.incident_id, k.number, k.title, k.root_cause, k.action, k.outcome, k.resolved_at, k.minutes_to_resolve,
      count(*) OVER ()::int AS seen,
      EXISTS (SELECT 1 FROM by_words WHERE by_words.incident_id = k.incident_id) AS by_words,
      EXISTS (SELECT 1 FROM by_meaning WHERE by_meaning.incident_id = k.incident_id) AS by_meaning
    FROM fused JOIN incident_knowledge AS k USING (incident_id)
    ORDER BY fused.score DESC, k.resolved_at DESC
    LIMIT ${shownSimilar}`.execute(db);
  return rows;
}
