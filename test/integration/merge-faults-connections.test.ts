import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { waitFor } from '../../src/cli/wait-for.ts';
import { type BotProcess, listeningUrl, spawnBot } from '../support/bot-process.ts';
import { alertmanagerSender, expectMergedWhole, mergesInFlight, mergeWorkload, proposalsByIncidentStatus, slowMerges } from '../support/merge-workload.ts';
import { needsService } from '../support/needs-service.ts';
import { freePort } from '../support/own-postgres.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const script = fileURLToPath(new URL('../support/serve-with-quick-liveness.ts', import.meta.url));
const components = 10;
const disruptions = 5;

describe("merges when the bot's database connections are terminated in the middle of them [real PostgreSQL, bot as a child process]", () => {
  let database: TestDatabase;
  let monitor: pg.Client;
  let bot: BotProcess | undefined;
  beforeEach(async () => {
    database = await createTestDatabase();
    monitor = new pg.Client({ connectionString: database.url });
    await monitor.connect();
  });
  afterEach(async () => {
    await bot?.kill('SIGKILL');
    await monitor?.end();
    await database?.drop();
  });

  needsService(
    'postgres',
    'pg_terminate_backend five times during merges: the bot lives on, answers 503 meanwhile, and ends with the same invariants',
    async () => {
      const workload = mergeWorkload(components);
      const name = new URL(database.url).pathname.slice(1);
      const since = (await monitor.query<{ now: Date }>('SELECT now()')).rows[0]!.now;
      bot = spawnBot([], { DATABASE_URL: database.url, PORT: String(await freePort()), LOG_LEVEL: 'info', AWOOOI_CORRELATION_WINDOW_MINUTES: '5' }, script);
      const url = await listeningUrl(bot);
      const sender = alertmanagerSender(() => url);
      await sender.send(workload.roots);
      const proposed = await proposalsByIncidentStatus(monitor);
      expect(new Set(proposed.filter((row) => row.state === 'PENDING').map((row) => row.incident_id)).size).toBe(2 * components);

      const release = await slowMerges(monitor, 0.3);
      const bridging = sender.send(workload.bridges);
      const terminated: number[] = [];
      for (let round = 0; round < disruptions; round++) {
        // Each time a merge statement of the bot is running: every backend of the bot goes (the monitor stays).
        const inFlight = await waitFor(async () => ((await mergesInFlight(monitor, name, since)).length > 0 ? true : undefined), 20_000);
        expect(inFlight, `round ${round}: no merge in flight`).toBe(true);
        // The CTE picks the victims first: in one WHERE the planner runs pg_terminate_backend before the
        // datname test (a join with pg_database), which killed every new session on the shared server, those of
        // test files running beside this one included.
        const { rows } = await monitor.query<{ pid: number }>(
          `WITH victims AS MATERIALIZED (SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_start >= $2 AND pid <> pg_backend_pid())
           SELECT pid FROM victims WHERE pg_terminate_backend(pid)`,
          [name, since],
        );
        terminated.push(rows.length);
        // Gone before the next round looks: a dying backend may still show its merge for a moment.
        const pids = rows.map((row) => row.pid);
        await waitFor(
          async () => ((await monitor.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1)', [pids])).rowCount === 0 ? true : undefined),
          10_000,
        );
      }
      await release();
      await bridging;
      await sender.send([...workload.roots, ...workload.bridges]);

      expect(bot.exit, `the bot died: ${bot.stderr()}`).toBeUndefined();
      expect(terminated.every((killed) => killed > 0)).toBe(true);
      expect(sender.unexpected).toEqual([]);
      expect(sender.counts.retried503).toBeGreaterThan(0);
      expect(bot.logged(/^incident merged/).length).toBe(components);

      await expectMergedWhole({ databaseUrl: database.url, monitor, components, acknowledged: sender.acknowledged, perComponent: workload.perComponent });
    },
    60_000,
  );
});
