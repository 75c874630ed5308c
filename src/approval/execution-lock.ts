import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';

// Two-int4 key space (apart from the single-bigint keys of ingest and audit): (this, hashtext(proposal id)).
const executionLockSpace = 0x4157_4558;
const lockNotAvailable = '55P03';

/**
 * Executions in flight through each database handle (one handle per bot process). Embedded PGlite serves every
 * connection from ONE session, and session locks belong to a session, so there the advisory lock cannot tell
 * two holders apart; this set can. Embedded means one process, so the set is all it takes there; on real
 * PostgreSQL the advisory lock covers the other processes.
 */
const inFlight = new WeakMap<Kysely<DatabaseSchema>, Set<string>>();

export type LockedResult<T> = { acquired: true; value: T } | { acquired: false };

/**
 * Runs `work` on one pooled connection holding a session advisory lock for the proposal. The lock lives as long
 * as the holder's connection, so it marks an execution as in flight in a live process: when the process dies,
 * PostgreSQL drops the connection and the lock with it. That is what lets `reconcileExecutions` tell an
 * interrupted execution from one another replica is running right now.
 *
 * `waitMilliseconds` 0 tries once; more waits that long (a dead holder's connection may take a moment to go).
 * A hash collision between two proposals only makes one wait for the other.
 */
export async function withExecutionLock<T>(
  db: Kysely<DatabaseSchema>,
  proposalId: string,
  waitMilliseconds: number,
  work: (connection: Kysely<DatabaseSchema>) => Promise<T>,
): Promise<LockedResult<T>> {
  const here = inFlight.get(db) ?? new Set<string>();
  inFlight.set(db, here);
  if (here.has(proposalId)) return { acquired: false };
  here.add(proposalId);
  try {
    return await db.connection().execute(async (connection) => {
      if (!(await acquire(connection, proposalId, waitMilliseconds))) return { acquired: false };
      try {
        return { acquired: true, value: await work(connection) };
      } finally {
        // A connection too broken to unlock is dropped by its pool, and the server drops the lock with it.
        await sql`SELECT pg_advisory_unlock(${executionLockSpace}, hashtext(${proposalId}))`.execute(connection).catch(() => {});
      }
    });
  } finally {
    here.delete(proposalId);
  }
}

async function acquire(connection: Kysely<DatabaseSchema>, proposalId: string, waitMilliseconds: number): Promise<boolean> {
  if (waitMilliseconds <= 0) {
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${executionLockSpace}, hashtext(${proposalId})) AS locked`.execute(connection);
    return rows[0]?.locked === true;
  }
  await sql`SELECT set_config('lock_timeout', ${`${Math.ceil(waitMilliseconds)}ms`}, false)`.execute(connection);
  try {
    await sql`SELECT pg_advisory_lock(${executionLockSpace}, hashtext(${proposalId}))`.execute(connection);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === lockNotAvailable) return false;
    throw error;
  } finally {
    await sql`SELECT set_config('lock_timeout', '0', false)`.execute(connection);
  }
}
