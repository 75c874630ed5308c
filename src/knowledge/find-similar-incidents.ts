import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';

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
}

/** What the knowledge base knows of incidents like this one: how many, and the closest few, best first. */
export interface IncidentHistory {
  seen: number;
  similar: PastIncident[];
}

const shown = 3;

/**
 * Resolved incidents like this one (PostgreSQL full-text search over alert names, services, root cause and
 * diagnosis): they must share an alert name, and rank by how much else they share, then by recency. The terms
 * come from alerts, so they are reduced to word characters before they reach the query parser.
 */
export async function findSimilarIncidents(
  db: Kysely<DatabaseSchema>,
  incident: { id: string; services: readonly string[]; alertNames: readonly string[] },
): Promise<IncidentHistory> {
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
  const { rows } = await sql<{
    incident_id: string;
    number: string;
    title: string;
    root_cause: string | null;
    action: string | null;
    outcome: string | null;
    resolved_at: Date;
    minutes_to_resolve: string;
    seen: number;
  }>`
    WITH query AS (SELECT websearch_to_tsquery('simple', ${terms.join(' or ')}) AS q)
    SELECT k.incident_id, k.number, k.title, k.root_cause, k.action, k.outcome, k.resolved_at, k.minutes_to_resolve,
      count(*) OVER ()::int AS seen
    FROM incident_knowledge AS k, query
    WHERE k.alert_names && ${names}::text[] AND k.search @@ query.q AND k.incident_id <> ${incident.id}::uuid
    ORDER BY ts_rank(k.search, query.q) DESC, k.resolved_at DESC
    LIMIT ${shown}`.execute(db);
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
    })),
  };
}
