import { sql, type Transaction } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/**
 * Advisory locks of the ingestion, in two phases (ADR 0008):
 * - `placement`: one key per Alertmanager group (two HA replicas deliver the same group), or per fingerprint
 *   for alerts without a group. Taken for a batch that changes something; enough when every alert is already in
 *   an open incident.
 * - `neighbourhood`: for alerts that still need an incident, their own services to join an open one (two
 *   groups bringing the same new fingerprint meet there), or every service connected to them to open one (a
 *   cascade arriving through two groups at once must end in one incident); and the names of such alerts that
 *   name no service. Opening starts a new transaction, so a transaction takes this phase once.
 *
 * Deadlock freedom: each phase is ONE statement that takes its keys in ascending order, the placement phase
 * always before the neighbourhood phase, and each phase has its own key space (the first number of the
 * two-key form), so keys of different phases never collide through the hash. Every ingestion therefore
 * acquires keys in one global order, (phase, key): a transaction only ever waits for a key greater than every
 * key it holds, so no cycle of waits can form. Row locks come after all advisory locks, also in one order:
 * alert rows by (incident, fingerprint), alert-group rows by key, the analysis job's singleton key by incident,
 * incident rows by id (last, just before the commit). pg-boss's advisory locks use a namespace of their own.
 */
export const correlationKeySpaces = { placement: 0x4157_4f4f, neighbourhood: 0x4157_4f50 } as const;

export type LockPhase = keyof typeof correlationKeySpaces;

export async function lockCorrelationKeys(trx: Transaction<DatabaseSchema>, phase: LockPhase, names: Iterable<string>): Promise<void> {
  const keys = [...new Set(names)];
  if (keys.length === 0) return;
  await sql`
    SELECT pg_advisory_xact_lock(${correlationKeySpaces[phase]}, key)
    FROM (SELECT DISTINCT hashtext(name) AS key FROM unnest(${keys}::text[]) AS name ORDER BY key) AS ordered`.execute(trx);
}
