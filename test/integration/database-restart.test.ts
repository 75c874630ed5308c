import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotProcess, listeningUrl, spawnBot } from '../support/bot-process.ts';
import { freePort, OwnPostgres, ownPostgresAvailable } from '../support/own-postgres.ts';

const alertsPerPayload = 4;
const senders = 6;

/** One Alertmanager group of alerts that no other payload shares (unique fingerprints and group). */
function payload(index: number) {
  return {
    version: '4',
    groupKey: `{}:{alertname="SurvivalTest",batch="${index}"}`,
    status: 'firing',
    alerts: Array.from({ length: alertsPerPayload }, (_, position) => ({
      status: 'firing',
      labels: { alertname: 'SurvivalTest', severity: 'warning', pod: `survivor-${index}-${position}` },
      annotations: { summary: 'restart under load' },
      startsAt: '2026-03-01T03:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: `${String(index).padStart(8, '0')}${String(position).padStart(8, '0')}`,
    })),
  };
}

/**
 * Sends like Alertmanager does: the same payload again on a 503 or a connection error, until it gets 200.
 * Anything else (a 500) is a bug and is recorded, then resent as Alertmanager would.
 */
function retryingSender(url: string, alive: () => boolean) {
  const acknowledged = new Set<string>();
  const unexpected: string[] = [];
  const counts = { sent: 0, retried503: 0, connectionErrors: 0 };
  let next = 0;
  let stopping = false;
  async function deliver(body: ReturnType<typeof payload>) {
    while (alive()) {
      try {
        const response = await fetch(`${url}/api/v1/alerts/alertmanager`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await response.text();
        if (response.status === 200) {
          for (const alert of body.alerts) acknowledged.add(alert.fingerprint);
          return;
        }
        if (response.status === 503 && response.headers.get('retry-after')) counts.retried503 += 1;
        else unexpected.push(`${response.status} ${text}`);
      } catch {
        counts.connectionErrors += 1;
      }
      await sleep(100);
    }
  }
  const workers = Array.from({ length: senders }, async () => {
    while (!stopping && alive()) {
      const body = payload(next++);
      counts.sent += 1;
      await deliver(body);
    }
  });
  return {
    acknowledged,
    unexpected,
    counts,
    generated: () => next,
    /** Stops taking new payloads; resolves when every payload taken so far got its 200. */
    finish: async () => {
      stopping = true;
      await Promise.all(workers);
    },
  };
}

describe.skipIf(!ownPostgresAvailable)('PostgreSQL restarted five times under load (own PostgreSQL server, bot as a child process)', () => {
  let server: OwnPostgres;
  let bot: BotProcess;
  beforeAll(async () => {
    server = await OwnPostgres.create();
    await server.createDatabase('awoooi');
  });
  afterAll(async () => {
    await bot?.kill('SIGKILL');
    await server?.destroy();
  });

  it('keeps the bot alive, answers 503 + Retry-After and /readyz 503 while away, and stores every acknowledged alert exactly once', async () => {
    bot = spawnBot(['serve'], { DATABASE_URL: server.url('awoooi'), PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    const url = await listeningUrl(bot);
    const readiness: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling && !bot.exit) {
        readiness.push(
          await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) }).then(
            (response) => response.status,
            () => 0,
          ),
        );
        await sleep(100);
      }
    })();
    const sender = retryingSender(url, () => !bot.exit);
    const disruptions: string[] = [];

    await sleep(1500);
    for (let round = 1; round <= 5 && !bot.exit; round++) {
      if (round === 2 || round === 4) {
        disruptions.push(`terminated ${await server.terminateBackends('awoooi')} backends`);
        await sleep(800);
      }
      if (round % 2 === 1) {
        // Away long enough for the readiness poll to see it.
        await server.stop();
        await sleep(1200);
        await server.start();
        disruptions.push('stop, pause, start');
      } else {
        await server.restart();
        disruptions.push('pg_ctl restart -m fast');
      }
      await sleep(1500);
    }
    await sender.finish();
    const ready = await (async () => {
      for (let attempt = 0; attempt < 50; attempt++) {
        if (
          (await fetch(`${url}/readyz`).then(
            (response) => response.status,
            () => 0,
          )) === 200
        )
          return true;
        await sleep(200);
      }
      return false;
    })();
    polling = false;
    await poller;

    expect(bot.exit, `the bot died: ${bot.stderr()}`).toBeUndefined();
    expect(disruptions).toHaveLength(7);
    expect(sender.unexpected).toEqual([]);
    expect(sender.counts.retried503 + sender.counts.connectionErrors).toBeGreaterThan(0);
    expect(readiness).toContain(503);
    expect(ready).toBe(true);

    const client = new pg.Client({ connectionString: server.url('awoooi') });
    await client.connect();
    const { rows } = await client.query<{ fingerprint: string; copies: number }>(
      'SELECT fingerprint, count(*)::int AS copies FROM alerts GROUP BY fingerprint',
    );
    await client.end();
    expect(rows.filter((row) => row.copies !== 1)).toEqual([]);
    expect(new Set(rows.map((row) => row.fingerprint))).toEqual(sender.acknowledged);
    expect(sender.acknowledged.size).toBe(sender.generated() * alertsPerPayload);

    // One line per transition of the database, not one per failed query or request.
    const lost = bot.logged(/^database lost/);
    const back = bot.logged(/^database back/);
    const answered503 = bot.logged(/answered 503/);
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.length).toBeLessThanOrEqual(disruptions.length);
    expect(back.length).toBe(lost.length);
    expect(answered503.length).toBeGreaterThan(disruptions.length);
    expect(answered503[0]).toMatchObject({ status: 503, reason: 'storage_unavailable' });
  }, 90_000);
});
