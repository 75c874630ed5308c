import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startBot, type RunningBot } from '../../src/cli/start-bot.ts';
import { configSchema } from '../../src/config/config-schema.ts';
import { hashPassword } from '../../src/domain/password-hash.ts';
import { captureLog } from '../support/capture-log.ts';
import { needsService } from '../support/needs-service.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const cheap = { N: 1024, r: 8, p: 1 };

/** A browser's state: its console cookie and CSRF token, carried from one bot to another. */
interface Browser {
  cookie: string;
  csrf: string;
}

async function call(bot: RunningBot, browser: Browser, method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${bot.url}${path}`, {
    method,
    headers: { cookie: browser.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json', 'x-csrf-token': browser.csrf }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const set = response.headers.get('set-cookie');
  if (set) browser.cookie = set.split(';')[0] ?? '';
  const json = (await response.json()) as Record<string, any>;
  if (typeof json.csrfToken === 'string') browser.csrf = json.csrfToken;
  return { status: response.status, json };
}

/**
 * Two bot processes' worth of state on one PostgreSQL: each bot is a full startBot (its own pool, job queue,
 * HTTP server), as two replicas behind a load balancer are, and a restart is close + start.
 */
describe('web console across replicas and restarts (one PostgreSQL)', () => {
  let database: TestDatabase;
  const bots: RunningBot[] = [];
  let config: ReturnType<typeof configSchema.parse>;
  const start = async () => {
    const started = await startBot(config, captureLog([], 'silent').log);
    if (!started.ok) throw new Error(started.errors.join('\n'));
    bots.push(started.bot);
    return started.bot;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    config = configSchema.parse({
      server: { port: 0 },
      storage: { databaseUrl: database.url },
      approvals: {
        people: [
          { id: 'erin', name: 'Erin', roles: ['sre'], password: await hashPassword('correct horse battery', cheap) },
          { id: 'frank', name: 'Frank', roles: ['devops'], password: await hashPassword('staple gun 42', cheap) },
        ],
      },
    });
  });
  afterAll(async () => {
    for (const bot of bots) await bot.close().catch(() => {});
    await database?.drop();
  });

  needsService('postgres', 'a session signed in on one replica works on another and survives a restart; sign-out ends it everywhere', async () => {
    const first = await start();
    const second = await start();
    const browser: Browser = { cookie: '', csrf: '' };
    await call(first, browser, 'GET', '/console/session');
    expect((await call(first, browser, 'POST', '/console/sign-in', { personId: 'erin', password: 'correct horse battery' })).status).toBe(200);

    const onSecond = await call(second, browser, 'GET', '/console/session');
    expect(onSecond.json.person).toMatchObject({ id: 'erin' });
    // The CSRF token of the first replica is good on the second: the secret is shared through the database.
    const click = await call(second, browser, 'POST', '/console/click', { proposalId: '00000000-0000-4000-8000-000000000000', decision: 'approve' });
    // It reached the core (which knows no such proposal), past the session and CSRF checks.
    expect(click.json).toMatchObject({ ok: false, error: { code: 'unknown_proposal' } });

    await first.close();
    bots.splice(bots.indexOf(first), 1);
    const restarted = await start();
    expect((await call(restarted, browser, 'GET', '/console/session')).json.person).toMatchObject({ id: 'erin' });
    expect((await call(restarted, browser, 'GET', '/console/cards')).status).toBe(200);

    expect((await call(second, browser, 'POST', '/console/sign-out', {})).status).toBe(200);
    const signedOut: Browser = { cookie: browser.cookie, csrf: browser.csrf };
    expect((await call(restarted, signedOut, 'GET', '/console/session')).json.person).toBeNull();
  });

  needsService('postgres', 'failed sign-ins are counted across replicas: 3 on one and 2 on the other lock the pair on both', async () => {
    const [first, second] = [bots[0] ?? (await start()), bots[1] ?? (await start())];
    const guesser: Browser = { cookie: '', csrf: '' };
    await call(first, guesser, 'GET', '/console/session');
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await call(first, guesser, 'POST', '/console/sign-in', { personId: 'frank', password: `guess-${attempt}` })).status).toBe(401);
    }
    for (let attempt = 3; attempt < 5; attempt++) {
      expect((await call(second, guesser, 'POST', '/console/sign-in', { personId: 'frank', password: `guess-${attempt}` })).status).toBe(401);
    }
    expect((await call(first, guesser, 'POST', '/console/sign-in', { personId: 'frank', password: 'staple gun 42' })).status).toBe(429);
    expect((await call(second, guesser, 'POST', '/console/sign-in', { personId: 'frank', password: 'staple gun 42' })).status).toBe(429);
  });
});
