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

/**
 * Durable jobs in PostgreSQL (pg-boss). `enqueue` writes through the caller's transaction, so the job exists
 * if and only if the state change that caused it was committed: a crash after the answer loses nothing.
 */
export class JobQueue {
  #boss: PgBoss;

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
    for (const name of jobNames) await this.#boss.createQueue(name, { name, retryLimit: 5, retryBackoff: true });
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
