import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCommand } from '../../src/cli/serve-command.ts';
import { startBot } from '../../src/cli/start-bot.ts';
import { configSchema } from '../../src/config/config-schema.ts';
import { captureLog } from '../support/capture-log.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const token = 'network-token-0123456789';
const alert = { alerts: [{ name: 'DiskFull', labels: { service: 'orders-db' }, severity: 'critical' }] };
const person = { id: 'erin', name: 'Erin', roles: ['sre'], password: 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };

/** POSTs JSON from a chosen loopback source address (a mesh sidecar speaks from 127.0.0.6). */
function postFrom(localAddress: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    call.on('error', reject);
    call.end(JSON.stringify(body));
  });
}

describe('open defaults only on a loopback listener', () => {
  let database: TestDatabase;
  const config = (server: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    configSchema.parse({ ...extra, server: { port: 0, ...server }, storage: { databaseUrl: database.url } });

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it('refuses to start on 0.0.0.0 with demo people and no webhook credentials, naming what to configure', async () => {
    const { log } = captureLog();
    const started = await startBot(config({ host: '0.0.0.0' }), log);
    expect(started.ok).toBe(false);
    if (started.ok) return started.bot.close();
    expect(started.errors).toEqual([
      expect.stringMatching(/server\.host 0\.0\.0\.0 is not loopback and no approvals\.people are configured.*hash-password.*AWOOOI_DEMO=true/),
      expect.stringMatching(/no webhook credentials are configured.*AWOOOI_WEBHOOK_TOKEN/),
    ]);
  });

  it('refuses a network listener with people but no webhook credentials: a sidecar on 127.0.0.6 must not open the API', async () => {
    const started = await startBot(config({ host: '::' }, { approvals: { people: [person] } }), captureLog().log);
    expect(started.ok).toBe(false);
    if (started.ok) return started.bot.close();
    expect(started.errors).toEqual([expect.stringMatching(/server\.host :: is not loopback and no webhook credentials/)]);
  });

  it('serve logs one line per refused reason and exits 2', async () => {
    const { log, lines } = captureLog();
    expect(await serveCommand(config({ host: '0.0.0.0' }), log)).toBe(2);
    const refusals = lines.filter((line) => line.level === 50);
    expect(refusals).toHaveLength(2);
    expect(String(refusals[0]?.msg)).toMatch(/approvals\.people/);
    expect(String(refusals[1]?.msg)).toMatch(/webhook credentials/);
  });

  it('with AWOOOI_DEMO=true starts on 0.0.0.0, says loudly in the log and on the banner that the demo is open to the network', async () => {
    const { log, lines } = captureLog();
    const started = await startBot(config({ host: '0.0.0.0', demo: true }), log);
    if (!started.ok) throw new Error(started.errors.join('\n'));
    try {
      const base = `http://127.0.0.1:${new URL(started.bot.url).port}`;
      const warnings = lines.filter((line) => line.level === 40).map((line) => String(line.msg));
      expect(warnings).toEqual(
        expect.arrayContaining([expect.stringMatching(/DEMO sign-in is OPEN TO THE NETWORK/), expect.stringMatching(/API is OPEN TO THE NETWORK/)]),
      );
      const page = await (await fetch(`${base}/`)).text();
      expect(page).toContain('DEMO — OPEN TO THE NETWORK');
      expect(page).toContain('AWOOOI_DEMO=true');
      expect(await postFrom('127.0.0.1', `${base}/api/v1/alerts`, alert)).toBe(200);
    } finally {
      await started.bot.close();
    }
  });

  it('on a loopback listener without credentials accepts any caller without looking at the peer (npm start)', async () => {
    const started = await startBot(config({ host: '127.0.0.1' }), captureLog().log);
    if (!started.ok) throw new Error(started.errors.join('\n'));
    try {
      expect(await postFrom('127.0.0.6', `${started.bot.url}/api/v1/alerts`, alert)).toBe(200);
      expect((await fetch(`${started.bot.url}/api/v1/incidents`)).status).toBe(200);
      const page = await (await fetch(`${started.bot.url}/`)).text();
      expect(page).toContain('id="demo-banner"');
      expect(page).not.toContain('OPEN TO THE NETWORK');
    } finally {
      await started.bot.close();
    }
  });

  it('on a network listener with a token: a loopback peer without it gets 401 like anyone else', async () => {
    const started = await startBot(config({ host: '0.0.0.0' }, { webhook: { token }, approvals: { people: [person] } }), captureLog().log);
    if (!started.ok) throw new Error(started.errors.join('\n'));
    try {
      const base = `http://127.0.0.1:${new URL(started.bot.url).port}`;
      expect(await postFrom('127.0.0.6', `${base}/api/v1/alerts`, alert)).toBe(401);
      expect(await postFrom('127.0.0.6', `${base}/api/v1/alerts`, alert, { authorization: `Bearer ${token}` })).toBe(200);
      const page = await (await fetch(`${base}/`)).text();
      expect(page).not.toContain('demo-banner');
    } finally {
      await started.bot.close();
    }
  });
});
