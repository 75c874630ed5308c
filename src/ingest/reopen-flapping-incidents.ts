import { sql, type Transaction } from 'kysely';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { IngestDependencies } from './ingest-alerts.ts';

/** Incidents resolved at or after `since` reopen when one of their alerts fires again (issue 10). */
export interface FlapRule {
  since: Date;
}

/** The rule now: without a quiet period (0 or absent) nothing ever reopens, whatever clocks say. */
export function flapRule(deps: Pick<IngestDependencies, 'clock' | 'flapQuietMilliseconds'>): FlapRule {
  const quiet = deps.flapQuietMilliseconds ?? 0;
  return { since: quiet > 0 ? new Date(deps.clock.now().getTime() - quiet) : new Date(8.64e15) };
}

/**
 * Reopens incidents an alert fired again in within the quiet period after they resolved (the caller holds their
 * keys exclusive). One that is open again already is left as it is; one resolved too long ago by now stays
 * resolved, and the write's look at it sends the batch round again, to a new incident.
 */
export async function reopenFlappingIncidents(trx: Transaction<DatabaseSchema>, ids: readonly string[], flapping: FlapRule, log?: Logger) {
  const { rows } = await sql<{ id: string; flaps: number }>`
    UPDATE incidents SET status = 'open', resolved_at = NULL, flaps = flaps + 1, last_flap_at = now(), updated_at = now()
    WHERE id = ANY(${ids}::uuid[]) AND status = 'resolved' AND resolved_at >= ${flapping.since}::timestamptz
    RETURNING id, flaps`.execute(trx);
  for (const row of rows) log?.info({ incidentId: row.id, flaps: row.flaps }, 'incident reopened: an alert fired again soon after it resolved');
}
