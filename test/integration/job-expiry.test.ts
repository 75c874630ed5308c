import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { startBot, type RunningBot } from '../../src/cli/start-bot.ts';
import { waitFor } from '../../src/cli/wait-for.ts';
import { configSchema } from '../../src/config/config-schema.ts';
import { defaultJobQueueOptions } from '../../src/jobs/job-queue.ts';
import { type BotProcess, listeningUrl, spawnBot } from '../support/bot-process.ts';
import { needsService } from '../support/needs-service.ts';
import { freePort } from '../support/own-postgres.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8'));
const stuckBrainScript = fileURLToPath(new URL('../support/serve-with-stuck-brain.ts', import.meta.url));

describe('a job interrupted by a crash', () => {
  let database: TestDatabase;
  let first: BotProcess | undefined;
  let second: RunningBot | undefined;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await first?.kill('SIGKILL');
    await second?.close();
    await database.drop();
  });

  const analyzeJob = () =>
    sql<{ state: string; retry_count: number; incident_id: string }>`
      SELECT state, retry_count, data->>'incidentId' AS incident_id FROM pgboss.job WHERE name = 'analyze-incident'`
      .execute(database.handle.db)
      .then((result) => result.rows);

  needsService(
    'postgres',
    'is picked up by another bot within seconds of its process stopping (no heartbeat), long before its 10-minute expiry (SIGKILL mid-analysis)',
    async () => {
      first = spawnBot([], { DATABASE_URL: database.url, PORT: String(await freePort()), JOB_EXPIRY_SECONDS: '600', LOG_LEVEL: 'info' }, stuckBrainScript);
      const url = await listeningUrl(first);
      const answer = await fetch(`${url}/api/v1/alerts/alertmanager`, { method: 'POST', body: JSON.stringify(fixture) });
      expect(answer.status).toBe(200);
      const {
        incidents: [incidentId],
      } = (await answer.json()) as { incidents: string[] };
      expect(await waitFor(async () => (first?.logged(/^stuck brain reached/).length ? true : undefined), 15_000)).toBe(true);
      await first.kill('SIGKILL');
      expect(first.exit).toMatchObject({ signal: 'SIGKILL' });
      // What the dead process left: the job active, the proposal never made.
      expect(await analyzeJob()).toEqual([{ state: 'active', retry_count: 0, incident_id: incidentId }]);

      const config = configSchema.parse({ server: { port: 0, logLevel: 'silent' }, storage: { databaseUrl: database.url } });
      const started = await startBot(config, pino({ level: 'silent' }));
      if (!started.ok) throw new Error(started.errors.join('\n'));
      second = started.bot;
      // Within the 30 s this waits: the heartbeat's verdict (dead after 10 s, a sweep every 3 s), not the 600 s expiry.
      const proposal = await waitFor(
        () => database.handle.db.selectFrom('proposals').select(['id', 'state']).where('incident_id', '=', incidentId!).executeTakeFirst(),
        30_000,
      );
      expect(proposal).toBeDefined();
      expect(await waitFor(async () => ((await analyzeJob())[0]?.state === 'completed' ? true : undefined), 10_000)).toBe(true);
      expect((await analyzeJob())[0]!.retry_count).toBe(1);
      // The second bot's defaults now apply to the queue (an existing queue is updated, not left as it was).
      const { rows } = await sql<{ expire_seconds: number; retry_delay: number }>`
      SELECT expire_seconds, retry_delay FROM pgboss.queue WHERE name = 'analyze-incident'`.execute(database.handle.db);
      expect(rows).toEqual([{ expire_seconds: defaultJobQueueOptions.expireInSeconds, retry_delay: defaultJobQueueOptions.retryDelaySeconds }]);
    },
    60_000,
  );
});
