import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { KnowledgeEmbeddings } from './knowledge-embeddings.ts';
import { similarByMeaning } from './similar-by-meaning.ts';

/** A resolved incident like the one at hand. */
export interface PastIncident {
  incidentId: string;
  number: number;
  title: string;
  rootCause: string | null;
  action: string | null;
  outcome: string | null;
  resolvedAt: string;
  minutesToResolve: number;
  /** How it was found: sharing words (full-text search), close in meaning (embeddings), or both. */
  matchedBy?: ('words' | 'meaning')[];
}

/** What the knowledge base knows of incidents like this one: how many, and the closest few, best first. */
export interface IncidentHistory {
  seen: number;
  similar: PastIncident[];
}

/** The incident at hand, as much as is known of it: root cause and diagnosis sharpen the search by meaning. */
export interface SimilarityQuery {
  id: string;
  services: readonly string[];
  alertNames: readonly string[];
  rootCause?: string | null;
  diagnosis?: string | null;
}

export const shownSimilar = 3;

/** One row of either search, as both select it. */
export interface PastIncidentRow {
  incident_id: string;
  number: string;
  title: string;
  root_cause: string | null;
  action: string | null;
  outcome: string | null;
  resolved_at: Date;
  minutes_to_resolve: string;
  seen: number;
  by_words?: boolean;
  by_meaning?: boolean;
}

/**
 * Resolved incidents like this one. Full-text search (PostgreSQL, ADR 0022) over alert names, services, root
 * cause and diagnosis: they must share an alert name, and rank by how much else they share, then by recency.
 * With `embeddings` (ADR 0034) also those close in meaning whatever their words, the two rankings fused; when
 * the model or the vector query fails, full-text alone (logged). The terms come from alerts, so they are reduced
 * to word characters before they reach the query parser.
 */
export async function findSimilarIncidents(db: Kysely<DatabaseSchema>, incident: SimilarityQuery, embeddings?: KnowledgeEmbeddings): Promise<IncidentHistory> {
  const names = [...new Set(incident.alertNames)].filter((name) => name.length > 0);
  if (names.length === 0) return { seen: 0, similar: [] };
  const terms = [...new Set([...names, ...incident.services])]
    .map((term) =>
      term
        .replace(/[^\p{L}\p{N}_.-]+/gu, ' ')
        .replace(/(^|\s)-+/g, '$1')
        .trim(),
    )
    .filter((term) => term.length > 0);
  const query = sql`SELECT websearch_to_tsquery('simple', ${terms.join(' or ')}) AS q`;
  if (embeddings !== undefined) {
    const vector = await embeddings.queryVector(incident.id, {
      alertNames: names,
      services: incident.services,
      rootCause: incident.rootCause ?? null,
      diagnosis: incident.diagnosis ?? null,
    });
    if (vector !== null) {
      try {
        return historyOf(await similarByMeaning(db, { id: incident.id, names, query, vector, embeddings }));
      } catch (error) {
        embeddings.log.warn({ incidentId: incident.id, err: error }, 'similar incidents by full-text search only: the vector query failed');
      }
    }
  }
  const { rows } = await sql<PastIncidentRow>`
    WITH query AS (${query})
    SELECT k.incident_id, k.number, k.title, k.root_cause, k.action, k.outcome, k.resolved_at, k.minutes_to_resolve,
      count(*) OVER ()::int AS seen
    FROM incident_knowledge AS k, query
    WHERE k.alert_names && ${names}::text[] AND k.search @@ query.q AND k.incident_id <> ${incident.id}::uuid
    ORDER BY ts_rank(k.search, query.q) DESC, k.resolved_at DESC
    LIMIT ${shownSimilar}`.execute(db);
  return historyOf(rows);
}

function historyOf(rows: readonly PastIncidentRow[]): IncidentHistory {
  return {
    seen: rows[0]?.seen ?? 0,
    similar: rows.map((row) => ({
      incidentId: row.incident_id,
      number: Number(row.number),
      title: row.title,
      rootCause: row.root_cause,
      action: row.action,
      outcome: row.outcome,
      resolvedAt: row.resolved_at.toISOString(),
      minutesToResolve: Number(row.minutes_to_resolve),
      ...(row.by_words === undefined ? {} : { matchedBy: [...(row.by_words ? ['words' as const] : []), ...(row.by_meaning ? ['meaning' as const] : [])] }),
    })),
  };
}
