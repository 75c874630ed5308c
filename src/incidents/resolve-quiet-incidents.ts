import { sql, type Kysely } from 'kysely';
import { recordResolvedIncident } from '../knowledge/record-resolved-incident.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { lockCorrelationKeys } from './correlation-locks.ts';

/**
 * Resolves the open incidents given whose alerts have all resolved, at the time given (the latest end the
 * caller saw; now when unknown). Called after the commit of a batch that resolved alerts, and by the analysis as
 * a backstop (a process that died between the two, or two batches resolving the last alerts at once, each
 * seeing the other's still firing). Each flip takes the incident's key exclusive in a transaction holding nothing
 * else, then looks again: batches adding firing alerts hold the key shared until they commit (ADR 0013), so an
 * incident never resolves under an alert that is about to fire in it. Each flip writes the incident into the
 * knowledge base in the same transaction. Returns the incidents it resolved.
 */
export async function resolveQuietIncidents(db: Kysely<DatabaseSchema>, candidates: ReadonlyMap<string, Date | null>, log?: Logger): Promise<string[]> {
  if (candidates.size === 0) return [];
  const { rows } = await sql<{ id: string }>`
    SELECT id FROM incidents
    WHERE id = ANY(${[...candidates.keys()]}::uuid[]) AND status = 'open' AND ${quiet}
    ORDER BY id`.execute(db);
  const resolved: string[] = [];
  for (const { id } of rows) {
    const flipped = await db.transaction().execute(async (trx) => {
      await lockCorrelationKeys(trx, [{ space: 'incident', name: id }]);
      const result = await sql`
        UPDATE incidents SET status = 'resolved', resolved_at = coalesce(${candidates.get(id) ?? null}::timestamptz, now()), updated_at = now()
        WHERE id = ${id}::uuid AND status = 'open' AND ${quiet} RETURNING id`.execute(trx);
      // What it taught, in the same commit: a resolved incident is never missing from the knowledge base.
      if (result.rows.length > 0) await recordResolvedIncident(trx, id);
      return result.rows.length > 0;
    });
    if (!flipped) continue;
    resolved.push(id);
    log?.info({ incidentId: id }, 'incident resolved: every alert has resolved');
  }
  return resolved;
}

const quiet = sql<boolean>`NOT EXISTS (
  SELECT 1 FROM incident_alert_groups WHERE incident_id = incidents.id AND status = 'firing' AND alerts > 0)`;
