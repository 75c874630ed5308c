import { setTimeout as sleep } from 'node:timers/promises';
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

describe('merges when the bot is killed (SIGKILL) in the middle of one [real PostgreSQL, bot as a child process]', () => {
  let database: TestDatabase;
  let monitor: pg.Client;
  const bots: BotProcess[] = [];
  beforeEach(async () => {
    database = await createTestDatabase();
    monitor = new pg.Client({ connectionString: database.url });
    await monitor.connect();
  });
  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.kill('SIGKILL');
    await monitor?.end();
    await database?.drop();
  });

  const start = async () => {
    const bot = spawnBot([], { DATABASE_URL: database.url, PORT: String(await freePort()), LOG_LEVEL: 'info', AWOOOI_CORRELATION_WINDOW_MINUTES: '5' }, script);
    bots.push(bot);
    return { bot, url: await listeningUrl(bot) };
  };

  needsService(
    'postgres',
    'ends with one open incident per connected component, every acknowledged alert stored once, nothing half-merged, merged proposals superseded',
    async () => {
      const workload = mergeWorkload(components);
      const name = new URL(database.url).pathname.slice(1);
      const { rows } = await monitor.query<{ now: Date }>('SELECT now()');
      const since = rows[0]!.now;
      const first = await start();
      let url: string = first.url;
      const sender = alertmanagerSender(() => url);
      await sender.send(workload.roots);
      expect(await monitor.query(`SELECT count(*)::int AS n FROM incidents WHERE status = 'open'`)).toMatchObject({ rows: [{ n: 2 * components }] });
      // Each root incident has its restart proposed before anything merges: the merged ones' must end superseded.
      const proposed = await proposalsByIncidentStatus(monitor);
      expect(new Set(proposed.filter((row) => row.state === 'PENDING').map((row) => row.incident_id)).size).toBe(2 * components);

      // The first half merge in the first process; the rest straddle the kill.
      const half = (workload.bridges.length / 2) & ~1;
      await sender.send(workload.bridges.slice(0, half));
      const release = await slowMerges(monitor, 0.4);
      const bridging = sender.send(workload.bridges.slice(half));
      // Aimed, not hoped for: the process dies while a merge statement of it is running.
      const inFlight = await waitFor(async () => {
        const pids = await mergesInFlight(monitor, name, since);
        return pids.length > 0 ? pids : undefined;
      }, 20_000);
      expect(inFlight, 'no merge was ever in flight').toBeDefined();
      await first.bot.kill('SIGKILL');
      expect(first.bot.exit).toMatchObject({ signal: 'SIGKILL' });
      await release();
      // Bridges keep arriving while no process listens (connection refused); Alertmanager keeps re-sending them.
      await sleep(300);
      const second = await start();
      url = second.url;
      await bridging;
      // Its next group interval: every group once more, unchanged.
      await sender.send([...workload.roots, ...workload.bridges]);

      expect(sender.unexpected).toEqual([]);
      expect(sender.counts.connectionErrors).toBeGreaterThan(0);
      // Both processes merged: the kill fell in the middle of the merges, not before or after them all.
      expect(first.bot.logged(/^incident merged/).length).toBeGreaterThan(0);
      expect(second.bot.logged(/^incident merged/).length).toBeGreaterThan(0);

      await expectMergedWhole({ databaseUrl: database.url, monitor, components, acknowledged: sender.acknowledged, perComponent: workload.perComponent });
    },
    60_000,
  );
});
