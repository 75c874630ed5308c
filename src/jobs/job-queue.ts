import { CompiledQuery, type QueryResult } from 'kysely';
import PgBoss from 'pg-boss';

/** A kysely database or transaction: anything that runs compiled SQL. */
export interface SqlExecutor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/** Durable work kinds and their data. */
export interface JobTypes {
  'analyze-incident': { incidentId: string };
  'execute-proposal': { proposalId: string };
}
export type JobName = keyof JobTypes;
export const jobNames: JobName[] = ['analyze-incident', 'execute-proposal'];

export type JobHandler<N extends JobName> = (data: JobTypes[N]) => Promise<void>;

/** How fast an interrupted job comes back (docs/adr/0006-job-expiry-and-maintenance.md). */
export interface JobQueueOptions {
  /**
   * A job still active this long after it started is failed and retried: by its worker (the handler's
   * deadline) or, if that process died, by the maintenance of any live one. Longer than any handler may run.
   */
  expireInSeconds?: number;
  /** How often maintenance looks for expired jobs (one process of the cluster does it each time). */
  maintenanceIntervalSeconds?: number;
  /** Delay before the first retry; doubled (with jitter) on each further one. */
  retryDelaySeconds?: number;
  /** pg-boss reports an error (a failed poll or maintenance run, a lost connection). */
  onError?: (error: Error) => void;
}

export const defaultJobQueueOptions = { expireInSeconds: 60, maintenanceIntervalSeconds: 5, retryDelaySeconds: 1 } as const;

/**
 * Durable jobs in PostgreSQL (pg-boss). `enqueue` writes through the caller's transaction, so the job exists
 * if and only if the state change that caused it was committed: a crash after the answer loses nothing.
 */
export class JobQueue {
  #boss: PgBoss;
  #options: Required<Omit<JobQueueOptions, 'onError'>>;

  /**
   * With a connection string pg-boss keeps its own small pool. With an executor it shares the caller's: the
   * embedded PGlite serves every connection from one session, so there everything must go through one pool.
   */
  constructor(database: { connectionString: string } | { executor: SqlExecutor }, options: JobQueueOptions = {}) {
    const { onError = () => {}, ...timing } = options;
    this.#options = { ...defaultJobQueueOptions, ...timing };
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
      const queue = {
        name,
        retryLimit: 5,
        retryBackoff: true,
        retryDelay: this.#options.retryDelaySeconds,
        expireInSeconds: this.#options.expireInSeconds,
      };
      await this.#boss.createQueue(name, queue);
      // createQueue leaves an existing queue as it was (e.g. with the 15-minute default expiry).
      await this.#boss.updateQueue(name, queue);
    }
  }

  async enqueue<N extends JobName>(executor: SqlExecutor, name: N, data: JobTypes[N]): Promise<void> {
    await this.#boss.send(name, data, {
      db: {
        executeSql: async (text, values) => ({ rows: [...(await executor.executeQuery(CompiledQuery.raw(text, values))).rows] }),
      },
    });
  }

  async work<N extends JobName>(name: N, handler: JobHandler<N>, pollingIntervalSeconds = 0.5): Promise<void> {
    await this.#boss.work<JobTypes[N]>(name, { pollingIntervalSeconds, batchSize: 1 }, async (jobs) => {
      for (const job of jobs) await handler(job.data);
    });
  }

  /** Jobs of `name` not yet done, for readiness and tests. */
  async pending(name: JobName): Promise<number> {
    return this.#boss.getQueueSize(name);
  }

  async stop(): Promise<void> {
    await this.#boss.stop({ graceful: true, wait: true, timeout: 5000 });
  }
}
