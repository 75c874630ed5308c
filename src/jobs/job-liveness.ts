import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/** A job whose process died: to be failed (and so retried) by a live one. */
export interface OrphanedJob {
  queue: string;
  jobId: string;
  workerId: string;
}

export interface JobLivenessOptions {
  /** How often this process says it is alive. */
  heartbeatMilliseconds?: number;
  /** A process silent this long is dead, and its jobs orphans. Several heartbeats, so one slow write is not death. */
  deadAfterMilliseconds?: number;
  /** A heartbeat could not be written (the database is away); the next one tries again. */
  onError?: (error: unknown) => void;
}

export const defaultJobLiveness = { heartbeatMilliseconds: 2_000, deadAfterMilliseconds: 10_000 } as const;

/**
 * Who runs which job (migrations/0008). pg-boss 10 only expires an active job after its full expiry, which must
 * outlast the slowest handler; with a heartbeat per process, a job whose process was killed is found within
 * seconds instead. Time is the database's (`now()`), so clock skew between replicas does not matter.
 */
export class JobLiveness {
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly #db: Kysely<DatabaseSchema>;
  readonly #options: Required<Omit<JobLivenessOptions, 'onError'>>;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(db: Kysely<DatabaseSchema>, options: JobLivenessOptions = {}) {
    const { onError = () => {}, ...timing } = options;
    this.#db = db;
    this.#options = { ...defaultJobLiveness, ...timing };
    this.#onError = onError;
  }

  async start(): Promise<void> {
    await this.#beat();
    this.#timer = setInterval(() => {
      this.#beat().catch(this.#onError);
    }, this.#options.heartbeatMilliseconds);
    this.#timer.unref();
  }

  /** Records the jobs this process starts now (one statement for a fetched batch). */
  async began(queue: string, jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await sql`
      INSERT INTO job_runs (job_id, queue, worker_id)
      SELECT id, ${queue}, ${this.workerId} FROM unnest(${jobIds}::uuid[]) AS id
      ON CONFLICT (job_id) DO UPDATE SET worker_id = excluded.worker_id, started_at = now()`.execute(this.#db);
  }

  async ended(jobId: string): Promise<void> {
    await this.#db.deleteFrom('job_runs').where('job_id', '=', jobId).where('worker_id', '=', this.workerId).execute();
  }

  /**
   * Takes the jobs of dead processes (and forgets those processes). Two replicas sweeping at once get disjoint
   * sets: a deleted row is returned to one of them only.
   */
  async takeOrphans(): Promise<OrphanedJob[]> {
    const { rows } = await sql<{ queue: string; job_id: string; worker_id: string }>`
      WITH dead AS (
        DELETE FROM job_workers
        WHERE heartbeat_at < now() - make_interval(secs => ${this.#options.deadAfterMilliseconds / 1000})
        RETURNING id
      )
      DELETE FROM job_runs AS run
      WHERE run.worker_id IN (SELECT id FROM dead)
        OR NOT EXISTS (SELECT 1 FROM job_workers AS worker WHERE worker.id = run.worker_id)
      RETURNING run.queue, run.job_id, run.worker_id`.execute(this.#db);
    return rows.map((row) => ({ queue: row.queue, jobId: row.job_id, workerId: row.worker_id }));
  }

  /**
   * After the queue stopped (handlers drained or given up on): the process leaves. A job still recorded as its
   * own was abandoned mid-run, so it becomes an orphan at once for the next sweep, of this replica or another.
   */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#db.deleteFrom('job_workers').where('id', '=', this.workerId).execute();
  }

  async #beat(): Promise<void> {
    await sql`
      INSERT INTO job_workers (id) VALUES (${this.workerId})
      ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`.execute(this.#db);
  }
}
