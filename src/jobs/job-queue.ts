import { CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import PgBoss from 'pg-boss';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { JobLiveness, type JobLivenessOptions, type OrphanedJob } from './job-liveness.ts';

/** A kysely database or transaction: anything that runs compiled SQL. */
export interface SqlExecutor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/** Durable work kinds and their data. */
export interface JobTypes {
  'analyze-incident': { incidentId: string };
  'execute-proposal': { proposalId: string };
  /** Brings an incident's chat card on one platform up to date (ADR 0015). */
  'publish-chat-card': { incidentId: string; platform: string };
  /** Sends one page of an escalation (ADR 0026). */
  'deliver-page': { pageId: string };
  /** Acknowledges or resolves the provider's incident a page opened (PagerDuty, Opsgenie). */
  'page-follow-up': { pageId: string; action: 'acknowledge' | 'resolve' };
  /** Looks again at an incident whose alerts all resolved, once its grace period is over (issue 10). */
  'resolve-incident': { incidentId: string };
  /** Posts the week's FinOps report (ADR 0025); enqueued once per week by whichever replica claimed it. */
  'finops-report': { week: string };
}
export type JobName = keyof JobTypes;
export const jobNames: JobName[] = [
  'analyze-incident',
  'execute-proposal',
  'publish-chat-card',
  'resolve-incident',
  'finops-report',
  'deliver-page',
  'page-follow-up',
];

export type JobHandler<N extends JobName> = (data: JobTypes[N]) => Promise<void>;

/** How jobs come back after a crash and what happens when they keep failing (ADR 0006, ADR 0012). */
export interface JobQueueOptions {
  /**
   * A job still active this long after it started is failed and retried by pg-boss's maintenance. Only a
   * backstop for a handler that hangs: a job whose process died comes back through `liveness` within seconds.
   * Longer than any handler may run (its deadlines: brain, cluster calls).
   */
  expireInSeconds?: number;
  /** How often maintenance looks for expired jobs (one process of the cluster does it each time). */
  maintenanceIntervalSeconds?: number;
  /** Delay before the first retry; doubled (with jitter) on each further one. */
  retryDelaySeconds?: number;
  /** Attempts after the first; then the job is exhausted. */
  retryLimit?: number;
  /** Heartbeats of this process, so that its jobs are retried within seconds if it dies. */
  liveness?: { db: Kysely<DatabaseSchema> } & JobLivenessOptions;
  /** How often orphaned jobs (of dead processes) are looked for. */
  orphanSweepMilliseconds?: number;
  /** pg-boss reports an error (a failed poll or maintenance run, a lost connection). */
  onError?: (error: Error) => void;
  /** A job of a dead process was failed so that it runs again. */
  onOrphan?: (orphan: OrphanedJob) => void;
  /** A job failed on every attempt; `reason` is its last error. Called once per exhausted job. */
  onExhausted?: <N extends JobName>(name: N, data: JobTypes[N], reason: string) => Promise<void>;
}

export const defaultJobQueueOptions = {
  expireInSeconds: 180,
  maintenanceIntervalSeconds: 5,
  retryDelaySeconds: 1,
  retryLimit: 5,
  orphanSweepMilliseconds: 3_000,
} as const;

// Debounced analysis (ADR 0009): with pg-boss's `stately` policy and the incident as singleton key, at most
// one run per incident is in flight and at most one waits; a `send` that finds one waiting inserts nothing
// (ON CONFLICT DO NOTHING) and returns null, so it never fails the ingest transaction it runs in.
// Chat cards (ADR 0015) coalesce the same way: a burst of changes to one incident costs one run per platform.
const statelyKeys: { [N in JobName]?: (data: JobTypes[N]) => string } = {
  'analyze-incident': (data) => data.incidentId,
  'publish-chat-card': (data) => `${data.platform}:${data.incidentId}`,
  'resolve-incident': (data) => data.incidentId,
};

/** Where pg-boss copies a job that failed on every attempt (its dead-letter queue). */
const exhaustedQueue = (name: JobName) => `${name}__exhausted`;

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Durable jobs in PostgreSQL (pg-boss). `enqueue` writes through the caller's transaction, so the job exists
 * if and only if the state change that caused it was committed: a crash after the answer loses nothing.
 */
export class JobQueue {
  #boss: PgBoss;
  #options: Required<Omit<JobQueueOptions, 'liveness' | 'onError' | 'onOrphan' | 'onExhausted'>>;
  #onError: (error: Error) => void;
  #onOrphan: (orphan: OrphanedJob) => void;
  #onExhausted: JobQueueOptions['onExhausted'];
  #liveness: JobLiveness | undefined;
  #orphanSweep: NodeJS.Timeout | undefined;
  #workers = new Map<JobName, string[]>();

  /**
   * With a connection string pg-boss keeps its own small pool. With an executor it shares the caller's: the
   * embedded PGlite serves every connection from one session, so there everything must go through one pool.
   */
  constructor(database: { connectionString: string } | { executor: SqlExecutor }, options: JobQueueOptions = {}) {
    const { onError = () => {}, onOrphan = () => {}, onExhausted, liveness, ...timing } = options;
    this.#options = { ...defaultJobQueueOptions, ...timing };
    this.#onError = onError;
    this.#onOrphan = onOrphan;
    this.#onExhausted = onExhausted;
    if (liveness !== undefined) this.#liveness = new JobLiveness(liveness.db, { onError: (error) => onError(error as Error), ...liveness });
    const connection =
      'executor' in database
        ? {
            db: {
              executeSql: async (text: string, values: unknown[]) => ({
                rows: [...(await database.executor.executeQuery(CompiledQuery.raw(text, values))).rows],
              }),
            },
          }
        : { connectionString: database.connectionString, max: 4 };
    this.#boss = new PgBoss({
      ...connection,
      schedule: false,
      application_name: 'awoooi-jobs',
      maintenanceIntervalSeconds: this.#options.maintenanceIntervalSeconds,
    });
    // Without a listener, an error event (the database going away) would end the process.
    this.#boss.on('error', onError);
  }

  async start(): Promise<void> {
    await this.#boss.start();
    for (const name of jobNames) {
      await this.#boss.createQueue(exhaustedQueue(name), { name: exhaustedQueue(name), retryLimit: this.#options.retryLimit, retryBackoff: true });
      const queue = {
        name,
        policy: statelyKeys[name] ? ('stately' as const) : ('standard' as const),
        retryLimit: this.#options.retryLimit,
        retryBackoff: true,
        retryDelay: this.#options.retryDelaySeconds,
        expireInSeconds: this.#options.expireInSeconds,
        deadLetter: exhaustedQueue(name),
      };
      await this.#boss.createQueue(name, queue);
      // createQueue leaves an existing queue as it was (an older policy, the 15-minute default expiry).
      await this.#boss.updateQueue(name, queue);
    }
    if (this.#onExhausted !== undefined) for (const name of jobNames) await this.#workExhausted(name);
    if (this.#liveness !== undefined) {
      await this.#liveness.start();
      this.#orphanSweep = setInterval(() => {
        this.sweepOrphans().catch((error: Error) => this.#onError(error));
      }, this.#options.orphanSweepMilliseconds);
      this.#orphanSweep.unref();
    }
  }

  /**
   * For a stately name, nothing is added while a job of the same key waits; that job may start before the
   * caller commits and then miss its change. Analyses are therefore enqueued only from committed requests
   * (`dispatchAnalysisRequests`, ADR 0013), never inside the transaction that made the change.
   */
  async enqueue<N extends JobName>(executor: SqlExecutor, name: N, data: JobTypes[N], options: { startAfterSeconds?: number } = {}): Promise<void> {
    const singletonKey = statelyKeys[name]?.(data);
    await this.#boss.send(name, data, {
      ...(singletonKey === undefined ? {} : { singletonKey }),
      ...(options.startAfterSeconds === undefined ? {} : { startAfter: options.startAfterSeconds }),
      db: {
        executeSql: async (text, values) => ({ rows: [...(await executor.executeQuery(CompiledQuery.raw(text, values))).rows] }),
      },
    });
  }

  /**
   * Runs `handler` for each job. With `batchSize` > 1 the jobs of a fetch run concurrently and each is completed
   * or failed on its own (pg-boss 10 would otherwise complete or fail the whole batch together); the next
   * fetch waits for the batch, so this process never holds two runs of one stately key. Each job is recorded as
   * this process's while it runs, so that another process retries it if this one dies.
   */
  async work<N extends JobName>(name: N, handler: JobHandler<N>, options: { batchSize?: number; pollingIntervalSeconds?: number } = {}): Promise<void> {
    const { batchSize = 1, pollingIntervalSeconds = 0.5 } = options;
    const liveness = this.#liveness;
    const id = await this.#boss.work<JobTypes[N]>(name, { pollingIntervalSeconds, batchSize }, async (jobs) => {
      // Unrecorded (the database is away) means only that a crash now leaves the job to its expiry.
      await liveness
        ?.began(
          name,
          jobs.map((job) => job.id),
        )
        .catch((error: Error) => this.#onError(error));
      await Promise.all(
        jobs.map(async (job) => {
          try {
            await handler(job.data);
            await this.#boss.complete(name, job.id);
          } catch (error) {
            await this.#boss.fail(name, job.id, { message: reasonOf(error) });
          } finally {
            await liveness?.ended(job.id).catch(() => {});
          }
        }),
      );
    });
    this.#workers.set(name, [...(this.#workers.get(name) ?? []), id]);
  }

  /** Fails (so retries) the jobs of processes that stopped beating; returns them. Runs by itself every few seconds. */
  async sweepOrphans(): Promise<OrphanedJob[]> {
    if (this.#liveness === undefined) return [];
    const orphans = await this.#liveness.takeOrphans();
    for (const orphan of orphans) {
      await this.#boss.fail(orphan.queue, orphan.jobId, { message: `the process running it (${orphan.workerId}) stopped` });
      this.#onOrphan(orphan);
    }
    return orphans;
  }

  /** Wakes this process's workers of `name` now instead of at their next poll (after a commit that enqueued). */
  notify(name: JobName): void {
    for (const id of this.#workers.get(name) ?? []) this.#boss.notifyWorker(id);
  }

  /** Jobs of `name` not yet done, for readiness and tests. */
  async pending(name: JobName): Promise<number> {
    return this.#boss.getQueueSize(name);
  }

  async stop(): Promise<void> {
    clearInterval(this.#orphanSweep);
    await this.#boss.stop({ graceful: true, wait: true, timeout: 5000 });
    await this.#liveness?.stop().catch((error: Error) => this.#onError(error));
  }

  async #workExhausted(name: JobName): Promise<void> {
    const onExhausted = this.#onExhausted!;
    await this.#boss.work<JobTypes[JobName]>(exhaustedQueue(name), { includeMetadata: true, pollingIntervalSeconds: 2 }, async ([job]) => {
      if (job === undefined) return;
      const output = job.output as { message?: unknown } | null;
      await onExhausted(name, job.data, typeof output?.message === 'string' ? output.message : 'failed on every attempt');
    });
  }
}
