import { sql, type Kysely, type Transaction } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { prepared } from '../storage/prepared-statement.ts';

/**
 * Advisory locks of the ingestion, in three phases (ADR 0008, ADR 0013):
 * - `placement`: one key per Alertmanager group (two HA replicas deliver the same group), or per fingerprint
 *   for alerts without a group. Taken for a batch that changes something; enough when every alert is already in
 *   an open incident.
 * - `neighbourhood`: for alerts that still need an incident. To join an open one: their own services SHARED
 *   (joiners do not wait for each other) and their fingerprints (or, for alerts naming no service, their alert
 *   names) exclusive, so two groups bringing the same new alert meet. To open one: every service connected to
 *   them exclusive, so a cascade arriving through two groups at once ends in one incident and a joiner next to
 *   it meets the opener. Opening starts a new transaction, so a transaction takes this phase once.
 * - `incident`: the incidents a batch brings firing alerts to, SHARED; taken exclusive by `resolveQuietIncidents`
 *   alone (in a transaction holding nothing else) to flip an incident to resolved, so an incident never
 *   resolves while a batch is adding a firing alert to it.
 *
 * Deadlock freedom: each phase is ONE statement that takes its keys in ascending (space, key) order, phases in
 * the order above, and each phase has key spaces of its own (the first number of the two-key form), so keys of
 * different kinds never collide through the hash. Every ingestion therefore acquires keys in one global order:
 * a transaction only ever waits for a key greater than every key it holds, whatever the modes, so no cycle of
 * waits can form. Row locks come after all advisory locks, also in one order: alert rows by (incident,
 * fingerprint), alert-group rows by key, the analysis job's singleton key by incident, incident rows by id (last,
 * just before the commit). pg-boss's advisory locks use a namespace of their own.
 */
export const correlationKeySpaces = {
  placement: 0x4157_4f4f,
  neighbourhood: 0x4157_4f50,
  newAlert: 0x4157_4f51,
  incident: 0x4157_4f52,
} as const;

export type LockSpace = keyof typeof correlationKeySpaces;

/** One key to lock: its space, its name, and whether it is taken shared (compatible with other shared holders). */
export interface LockKey {
  space: LockSpace;
  name: string;
  shared?: boolean;
}

/** Takes every key given, in (space, key) order, in one statement, until the transaction ends. */
export async function lockCorrelationKeys(trx: Transaction<DatabaseSchema> | Kysely<DatabaseSchema>, keys: readonly LockKey[]): Promise<void> {
  // One key taken once: exclusive wins over shared.
  const wanted = new Map<string, LockKey>();
  for (const key of keys) {
    const id = `${key.space}\u0000${key.name}`;
    if (!wanted.get(id) || wanted.get(id)!.shared) wanted.set(id, key);
  }
  if (wanted.size === 0) return;
  const list = [...wanted.values()];
  await sql`${prepared('lock-correlation-keys')}
    SELECT CASE WHEN shared THEN pg_advisory_xact_lock_shared(space, key) ELSE pg_advisory_xact_lock(space, key) END
    FROM (
      SELECT space, hashtext(name) AS key, bool_and(shared) AS shared
      FROM unnest(${list.map((key) => correlationKeySpaces[key.space])}::int[], ${list.map((key) => key.name)}::text[],
        ${list.map((key) => key.shared === true)}::boolean[]) AS wanted (space, name, shared)
      GROUP BY space, hashtext(name) ORDER BY space, key
    ) AS ordered`.execute(trx);
}
