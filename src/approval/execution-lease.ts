import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import { CallAborted } from '../ports/call-options.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/** The right to act on one running execution, held by `owner` while its heartbeat renews it. */
export interface ExecutionLease {
  executionId: string;
  owner: string;
}

/** An execution whose lease a sweep took over; `previousOwner` is who held it (null: before leases existed). */
export interface TakenOverLease extends ExecutionLease {
  proposalId: string;
  previousOwner: string | null;
}

/** Unique per claim or sweep, readable in the database and the logs: host, process, then a random part. */
export function newLeaseOwner(): string {
  return `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
}

/** `now() + milliseconds`, in the database's clock: every replica compares leases against the same time. */
export function leaseEnd(milliseconds: number) {
  return sql<Date>`now() + ${Math.ceil(milliseconds)} * interval '1 millisecond'`;
}

/**
 * One heartbeat: extends a lease that is still ours and has not run out. False when it is gone (finished, taken
 * over, or run out: a run-out lease is never revived, only taken over by a sweep).
 */
export async function renewLease(db: Kysely<DatabaseSchema>, lease: ExecutionLease, milliseconds: number): Promise<boolean> {
  const row = await db
    .updateTable('executions')
    .set({ lease_expires_at: leaseEnd(milliseconds), heartbeat_at: sql<Date>`now()` })
    .where('id', '=', lease.executionId)
    .where('status', '=', 'running')
    .where('lease_owner', '=', lease.owner)
    .where('lease_expires_at', '>', sql<Date>`now()`)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Takes over running executions whose lease ran out (their owner died or lost the database), in one committed
 * statement. SKIP LOCKED: sweeps on several replicas at once each take different rows and never wait on each other.
 */
export async function takeOverExpiredLeases(db: Kysely<DatabaseSchema>, owner: string, milliseconds: number, limit = 20): Promise<TakenOverLease[]> {
  const { rows } = await sql<{ id: string; proposal_id: string; previous_owner: string | null }>`
    UPDATE executions AS execution
    SET lease_owner = ${owner}, lease_expires_at = ${leaseEnd(milliseconds)}, heartbeat_at = now()
    FROM (
      SELECT id, lease_owner FROM executions
      WHERE status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < now())
      ORDER BY lease_expires_at NULLS FIRST
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ) AS expired
    WHERE execution.id = expired.id
    RETURNING execution.id, execution.proposal_id, expired.lease_owner AS previous_owner`.execute(db);
  return rows.map((row) => ({ executionId: row.id, proposalId: row.proposal_id, owner, previousOwner: row.previous_owner }));
}

// Stop acting this far into a lease not renewed since: a quarter of it is left for timers late by a busy event loop.
const safeShare = 0.75;

/**
 * Runs `work` (cluster calls, no database connection held) while a heartbeat renews the lease every third of its
 * length, each renewal a short pooled statement. `work` gets a signal that fires when the lease is lost: another
 * replica took it over, or no renewal got through for three quarters of the lease (database away), so that the
 * cluster call is cut off before someone else may take the lease and act on the execution too.
 */
export async function holdLease<T>(
  db: Kysely<DatabaseSchema>,
  lease: ExecutionLease,
  milliseconds: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const lost = new AbortController();
  const giveUp = (why: string) => lost.abort(new CallAborted(`lost the execution lease: ${why}`));
  let watchdog: NodeJS.Timeout | undefined;
  const armWatchdog = (renewedAt: number) => {
    clearTimeout(watchdog);
    const left = renewedAt + milliseconds * safeShare - performance.now();
    watchdog = setTimeout(() => giveUp(`not renewed for ${Math.round(milliseconds * safeShare)} ms (database unreachable?)`), Math.max(0, left));
    watchdog.unref();
  };
  // The lease was written (claim or take-over) just before this call.
  armWatchdog(performance.now());
  let renewing = false;
  const heartbeat = setInterval(async () => {
    if (renewing || lost.signal.aborted) return;
    renewing = true;
    const sentAt = performance.now();
    try {
      if (await renewLease(db, lease, milliseconds)) armWatchdog(sentAt);
      else giveUp('another replica took it over, or it ran out');
    } catch {
      // The database is away: keep trying; the watchdog gives up in time.
    } finally {
      renewing = false;
    }
  }, milliseconds / 3);
  heartbeat.unref();
  try {
    return await work(lost.signal);
  } finally {
    clearInterval(heartbeat);
    clearTimeout(watchdog);
  }
}
