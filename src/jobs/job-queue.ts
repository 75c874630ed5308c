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

// Debounced analysis (ADR 0009): with pg-boss's `stately` policy and the incident as singleton key, at most
// one run per incident is in flight and at most one waits; a `send` that finds one waiting inserts nothing
// (ON CONFLICT DO NOTHING) and returns null, so it never fails the ingest transaction it runs in.
const statelyKeys: { [N in JobName]?: (data: JobTypes[N]) => string } = { 'analyze-incident': (data) => data.incidentId };

/**
 * Durable jobs in PostgreSQL (pg-boss). `enqueue` writes through the caller's transaction, so the job exists
 * if and only if the state change that caused it was committed: a crash after the answer loses nothing.
 */
export class JobQueue {
  #boss: PgBoss;
  #workers = new Map<JobName, string[]>();

  /**
   * With a connection string pg-boss keeps its own small pool. With an executor it shares the caller's: the
   * embedded PGlite serves every connection from one session, so there everything must go through one pool.
   */
  constructor(database: { connectionString: string } | { executor: SqlExecutor }) {
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
    this.#boss = new PgBoss({ ...connection, schedule: false, application_name: 'awoooi-jobs' });
    this.#boss.on('error', () => {});
  }

  async start(): Promise<void> {
    await this.#boss.start();
    for (const name of jobNames) {
      const policy = statelyKeys[name] ? 'stately' : 'standard';
      await this.#boss.createQueue(name, { name, retryLimit: 5, retryBackoff: true, policy });
      // createQueue leaves an existing queue as it was; a database from before the policy gets it here.
      if (policy === 'stately') await this.#boss.updateQueue(name, { name, retryLimit: 5, retryBackoff: true, policy });
    }
  }

  /**
   * For a stately name, nothing is added while a job of the same key waits; that job may start before the
   * caller commits and then miss its change, so such callers enqueue once more after their commit (a no-op
   * while a job still waits, and that one then starts after the commit).
   */
  async enqueue<N extends JobName>(executor: SqlExecutor, name: N, data: JobTypes[N]): Promise<void> {
    const singletonKey = statelyKeys[name]?.(data);
    await this.#boss.send(name, data, {
      ...(singletonKey === undefined ? {} : { singletonKey }),
      db: {
        executeSql: async (text, values) => ({ rows: [...(await executor.executeQuery(CompiledQuery.raw(text, values))).rows] }),
      },
    });
  }

  /**
   * Runs `handler` for each job. With `batchSize` > 1 the jobs of a fetch run concurrently and each is completed
   * or failed on its own (pg-boss 10 would otherwise complete or fail the whole batch together); the next
   * fetch waits for the batch, so this process never holds two runs of one stately key.
   */
  async work<N extends JobName>(name: N, handler: JobHandler<N>, options: { batchSize?: number; pollingIntervalSeconds?: number } = {}): Promise<void> {
    const { batchSize = 1, pollingIntervalSeconds = 0.5 } = options;
    const id = await this.#boss.work<JobTypes[N]>(name, { pollingIntervalSeconds, batchSize }, async (jobs) => {
      await Promise.all(
        jobs.map(async (job) => {
          try {
            await handler(job.data);
          } catch (error) {
            await this.#boss.fail(name, job.id, error as object);
            return;
          }
          await this.#boss.complete(name, job.id);
        }),
      );
    });
    this.#workers.set(name, [...(this.#workers.get(name) ?? []), id]);
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
    await this.#boss.stop({ graceful: true, wait: true, timeout: 5000 });
  }
}
