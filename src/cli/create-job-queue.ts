import type { Logger } from '../ports/logger.ts';
import { recordAnalysisFailure } from '../analysis/record-analysis-failure.ts';
import type { Metrics } from '../http/metrics.ts';
import { JobQueue, type JobQueueOptions } from '../jobs/job-queue.ts';
import type { Clock } from '../ports/clock.ts';
import type { EventBus } from '../ports/event-bus.ts';
import { isConnectionError } from '../storage/is-connection-error.ts';
import type { DatabaseHandle } from '../storage/open-database.ts';

/**
 * The bot's job queue, wired for operators: queue errors are logged (or, when the database is away, reported to
 * its health) and counted; a job of a dead process is retried within seconds and said so; a job that failed on
 * every attempt is logged, counted, and, for an analysis, shown on the incident's card.
 */
export function createJobQueue(
  database: DatabaseHandle,
  deps: { log: Logger; metrics: Metrics; events: EventBus; clock: Clock },
  options: JobQueueOptions = {},
): JobQueue {
  const { log, metrics } = deps;
  return new JobQueue(database.embedded ? { executor: database.db } : { connectionString: database.connectionString }, {
    liveness: { db: database.db },
    ...options,
    onError: (error) => {
      metrics.jobErrors.inc({ kind: isConnectionError(error) ? 'database' : 'other' });
      if (isConnectionError(error)) database.health.failed(error, 'job queue');
      else log.error({ err: error }, 'job queue error');
    },
    onOrphan: (orphan) => {
      metrics.jobsOrphaned.inc({ queue: orphan.queue });
      log.warn({ queue: orphan.queue, jobId: orphan.jobId, worker: orphan.workerId }, 'job of a stopped process retried');
    },
    onExhausted: async (name, data, reason) => {
      metrics.jobsExhausted.inc({ queue: name });
      log.error({ queue: name, job: data as Record<string, unknown>, reason }, 'job failed on every attempt; given up');
      if (name === 'analyze-incident' && 'incidentId' in data) {
        await recordAnalysisFailure(database.db, data.incidentId, reason, deps.clock.now());
        await deps.events.publish({ type: 'incident-updated', incidentId: data.incidentId });
      }
    },
  });
}
