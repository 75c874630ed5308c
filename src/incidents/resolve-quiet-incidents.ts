import { sql, type Kysely } from 'kysely';
import { recordResolvedIncident } from '../knowledge/record-resolved-incident.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { lockCorrelationKeys } from './correlation-locks.ts';

/** How resolution waits: an incident resolves once every alert has resolved and none changed for `graceMilliseconds`. */
export interface ResolutionOptions {
  log?: Logger;
  /** 0 or absent: at once. */
  graceMilliseconds?: number;
}

/** The incidents resolved now, and those quiet but still inside the grace period, with how long is left (ms). */
export interface ResolutionOutcome {
  resolved: string[];
  waiting: Map<string, number>;
}

/**
 * Resolves the open incidents given whose alerts have all resolved and stayed so for the grace period (issue 10:
 * an alert that fires again a few seconds later keeps its incident open, rather than flapping it), at the time
 * given (the latest end the caller saw; now when unknown). Called after the commit of a batch that resolved
 * alerts, by the delayed re-check the grace period asks for, and by the analysis as a backstop (a process that
 * died between the two, or two batches resolving the last alerts at once, each seeing the other's still firing).
 * Each flip takes the incident's key exclusive in a transaction holding nothing else, then looks again: batches
 * adding firing alerts hold the key shared until they commit (ADR 0013), so an incident never resolves under an
 * alert that is about to fire in it. In the same transaction it writes the incident into the knowledge base and
 * requests its analysis (which ends its proposals, "incident resolved", and updates its card).
 */
export async function resolveQuietIncidents(
  db: Kysely<DatabaseSchema>,
  candidates: ReadonlyMap<string, Date | null>,
  options: ResolutionOptions = {},
): Promise<ResolutionOutcome> {
  const outcome: ResolutionOutcome = { resolved: [], waiting: new Map() };
  if (candidates.size === 0) return outcome;
  const grace = options.graceMilliseconds ?? 0;
  const { rows } = await sql<{ id: string; remaining: number }>`
    SELECT id, ${remaining(grace)} AS remaining FROM incidents
    WHERE id = ANY(${[...candidates.keys()]}::uuid[]) AND status = 'open' AND ${quiet}
    ORDER BY id`.execute(db);
  for (const { id, remaining: left } of rows) {
    if (left > 0) {
      outcome.waiting.set(id, left);
      continue;
    }
    const flipped = await db.transaction().execute(async (trx) => {
      await lockCorrelationKeys(trx, [{ space: 'incident', name: id }]);
      const result = await sql`
        UPDATE incidents SET status = 'resolved', resolved_at = coalesce(${candidates.get(id) ?? null}::timestamptz, now()), updated_at = now()
        WHERE id = ${id}::uuid AND status = 'open' AND ${quiet} AND ${remaining(grace)} <= 0 RETURNING id`.execute(trx);
      if (result.rows.length === 0) return false;
      // What it taught, in the same commit: a resolved incident is never missing from the knowledge base.
      await recordResolvedIncident(trx, id);
      await trx.insertInto('analysis_requests').values({ incident_id: id }).execute();
      return true;
    });
    if (!flipped) continue;
    outcome.resolved.push(id);
    options.log?.info({ incidentId: id, graceSeconds: grace / 1000 }, 'incident resolved: every alert has resolved');
  }
  return outcome;
}

const quiet = sql<boolean>`NOT EXISTS (
  SELECT 1 FROM incident_alert_groups WHERE incident_id = incidents.id AND status = 'firing' AND alerts > 0)`;

/** Milliseconds of the grace period still to run: from the last change to any alert of the incident. */
function remaining(grace: number) {
  if (grace <= 0) return sql<number>`0`;
  return sql<number>`greatest(0, ceil(${grace} - extract(epoch FROM now() - (
    SELECT max(updated_at) FROM alerts WHERE incident_id = incidents.id)) * 1000))::int`;
}
