import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/cli/wait-for.ts';
import { type BotProcess, listeningUrl, spawnBot } from '../support/bot-process.ts';
import { freePort } from '../support/own-postgres.ts';

const loggedEventually = (bot: BotProcess, message: RegExp) => waitFor(async () => (bot.logged(message).length ? bot.logged(message) : undefined), 5000);

/** `awoooi <verb>` to its end: exit code and output. */
async function runVerb(args: string[], environment: Record<string, string>) {
  const verb = spawnBot(args, environment);
  const exit = await verb.exited;
  return { code: exit.code, stdout: verb.lines.map((line) => String(line.text ?? JSON.stringify(line))).join('\n'), stderr: verb.stderr() };
}

const alert = {
  version: '4',
  groupKey: '{}:{alertname="LockTest"}',
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'LockTest', severity: 'critical', service: 'checkout' },
      annotations: { description: 'secret-ish text\u0000with a NUL' },
      startsAt: '2026-03-01T03:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: 'ee00000000000001',
    },
  ],
};

describe('embedded PGlite data directory: one process at a time (child processes, hard kill)', () => {
  let directory: string;
  const running: BotProcess[] = [];
  const environment = async () => ({ AWOOOI_DATA_DIR: directory, PORT: String(await freePort()), LOG_LEVEL: 'info' });
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'awoooi-lock-'));
  });
  afterAll(async () => {
    for (const bot of running) await bot.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  });

  it('CLI verbs and a second server refuse while the bot runs; after kill -9 a restart takes over and nothing answered 200 is lost', async () => {
    const server = spawnBot(['serve'], await environment());
    running.push(server);
    const url = await listeningUrl(server, 90_000);
    expect(server.logged(/^data directory lock taken/)).toHaveLength(1);

    const answer = await fetch(`${url}/api/v1/alerts/alertmanager`, { method: 'POST', body: JSON.stringify(alert) });
    expect(answer.status).toBe(200);
    // The repair is logged with counts and field names, never the value.
    const repaired = await loggedEventually(server, /^values PostgreSQL cannot store were repaired/);
    expect(repaired).toMatchObject([{ repairedAlerts: 1, fields: ['annotations.description'] }]);
    expect(JSON.stringify(repaired)).not.toMatch(/secret-ish/);

    const pid = server.child.pid;
    for (const verb of [['audit', 'verify'], ['migrate']]) {
      const refused = await runVerb(verb, await environment());
      expect(refused.code, verb.join(' ')).not.toBe(0);
      expect(refused.stderr).toContain(`the bot is running on ${directory} (pid ${pid}`);
      expect(refused.stderr).toContain('stop it first, or set DATABASE_URL to a PostgreSQL server');
    }
    const second = await runVerb(['serve'], await environment());
    expect(second.code).toBe(2);
    expect(second.stdout).toMatch(/data directory lock refused/);
    expect(second.stdout).toContain(`the bot is running on ${directory} (pid ${pid}`);
    expect(second.stdout).not.toMatch(/AWOOOI listening/);

    await server.kill('SIGKILL');
    const restarted = spawnBot(['serve'], await environment());
    running.push(restarted);
    const restartedUrl = await listeningUrl(restarted, 90_000);
    // It waited for the dead server's lock to go stale, then took it over.
    expect(restarted.logged(/^data directory locked; waiting/)).toHaveLength(1);
    expect(restarted.logged(/^data directory lock taken/)).toMatchObject([{ waited: true }]);
    const { incidents } = (await (await fetch(`${restartedUrl}/api/v1/incidents`)).json()) as { incidents: { alerts: { fingerprint: string }[] }[] };
    expect(incidents.flatMap((incident) => incident.alerts.map((one) => one.fingerprint))).toEqual(['ee00000000000001']);
    await restarted.kill('SIGTERM');
    expect(restarted.exit).toMatchObject({ code: 0 });

    const verified = await runVerb(['audit', 'verify'], await environment());
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/audit log intact: \d+ entries/);
  }, 240_000);
});
