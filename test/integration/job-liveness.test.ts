import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobLiveness } from '../../src/jobs/job-liveness.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('job liveness: heartbeats per process, orphans of the dead', () => {
  let database: TestDatabase;
  const started: JobLiveness[] = [];
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    for (const liveness of started.splice(0)) await liveness.stop().catch(() => {});
    await database.drop();
  });

  const start = async () => {
    const liveness = new JobLiveness(database.handle.db, { heartbeatMilliseconds: 60_000, deadAfterMilliseconds: 5_000 });
    await liveness.start();
    started.push(liveness);
    return liveness;
  };
  /** The process stopped beating long ago (as after SIGKILL). */
  const silence = (liveness: JobLiveness) =>
    sql`UPDATE job_workers SET heartbeat_at = now() - interval '1 minute' WHERE id = ${liveness.workerId}`.execute(database.handle.db);

  it('takes only the jobs of processes that stopped beating, each once, however many sweep at the same time', async () => {
    const [dead, alive, sweeperA, sweeperB] = [await start(), await start(), await start(), await start()];
    const deadJobs = [randomUUID(), randomUUID(), randomUUID()];
    const aliveJob = randomUUID();
    await dead.began('analyze-incident', deadJobs);
    await alive.began('execute-proposal', [aliveJob]);
    expect(await sweeperA.takeOrphans()).toEqual([]);

    await silence(dead);
    const [a, b] = await Promise.all([sweeperA.takeOrphans(), sweeperB.takeOrphans()]);
    const taken = [...a, ...b];
    expect(taken.map((orphan) => orphan.jobId).sort()).toEqual([...deadJobs].sort());
    expect(new Set(taken.map((orphan) => orphan.jobId)).size).toBe(3);
    expect(taken.every((orphan) => orphan.queue === 'analyze-incident' && orphan.workerId === dead.workerId)).toBe(true);
    expect(await sweeperA.takeOrphans()).toEqual([]);
  });

  it('a job that ended is no orphan; one left behind by a process that stopped gracefully is', async () => {
    const [leaving, sweeper] = [await start(), await start()];
    const [done, abandoned] = [randomUUID(), randomUUID()];
    await leaving.began('analyze-incident', [done, abandoned]);
    await leaving.ended(done);
    await leaving.stop();
    expect((await sweeper.takeOrphans()).map((orphan) => orphan.jobId)).toEqual([abandoned]);
  });
});
