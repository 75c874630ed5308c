import type { Kysely } from 'kysely';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { dispatchAnalysisRequests, dispatchBatchSize } from './dispatch-analysis-requests.ts';

export interface AnalysisDispatcher {
  /** A commit requested analyses: dispatch now (or right after the run in progress), not at the next tick. */
  poke(): void;
  /** Ends the timer and dispatches once more, so a graceful shutdown leaves nothing waiting. */
  stop(): Promise<void>;
}

/**
 * Dispatches analysis requests on every replica: when poked after an ingest's commit, and every
 * `intervalMilliseconds` for requests whose process died before it dispatched them. Pokes during a run coalesce
 * into one more run: under a storm, one dispatch covers many batches. Wakes this process's worker afterwards.
 */
export function startAnalysisDispatcher(
  deps: { db: Kysely<DatabaseSchema>; jobs: Pick<JobQueue, 'enqueue' | 'notify'>; log: Logger },
  intervalMilliseconds: number,
): AnalysisDispatcher {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const drain = async () => {
    for (;;) {
      const { incidents, requests } = await dispatchAnalysisRequests(deps.db, deps.jobs);
      if (incidents.length > 0) deps.jobs.notify('analyze-incident');
      if (requests < dispatchBatchSize) return;
    }
  };
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = drain()
      .catch((error: unknown) => deps.log.warn({ err: error }, 'analysis requests not dispatched; retried next tick'))
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          void run();
        }
      });
    return running;
  };
  const timer = setInterval(run, intervalMilliseconds);
  timer.unref();
  return {
    poke: () => void run(),
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
      await run();
    },
  };
}
