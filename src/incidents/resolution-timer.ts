import type { Kysely } from 'kysely';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { resolveQuietIncidents } from './resolve-quiet-incidents.ts';

/** What the ingest and the analysis take to resolve after a grace period (`IngestDependencies`, `AnalysisDependencies`). */
export interface ResolutionTimer {
  resolveGraceMilliseconds: number;
  resolutionDue: (waiting: ReadonlyMap<string, number>) => Promise<void>;
}

/**
 * Resolution waits out a grace period on a durable timer (ADR 0031): a `resolve-incident` job per incident, started
 * when the time is up, looks again and queues itself anew if an alert changed meanwhile.
 */
export async function startResolutionTimer(
  deps: { db: Kysely<DatabaseSchema>; jobs: JobQueue; log: Logger },
  graceMilliseconds: number,
): Promise<ResolutionTimer> {
  const timer: ResolutionTimer = {
    resolveGraceMilliseconds: graceMilliseconds,
    resolutionDue: async (waiting) => {
      for (const [incidentId, left] of waiting)
        await deps.jobs.enqueue(deps.db, 'resolve-incident', { incidentId }, { startAfterSeconds: Math.ceil(left / 1000) });
    },
  };
  await deps.jobs.work('resolve-incident', async ({ incidentId }) => {
    const outcome = await resolveQuietIncidents(deps.db, new Map([[incidentId, null]]), { log: deps.log, graceMilliseconds });
    // A resolved one's analysis (requested with the flip) is dispatched at the dispatcher's next tick.
    await timer.resolutionDue(outcome.waiting);
  });
  return timer;
}
