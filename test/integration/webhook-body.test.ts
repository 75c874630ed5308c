import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/cli/start-bot.ts';
import { configSchema } from '../../src/config/config-schema.ts';
import { captureLog } from '../support/capture-log.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8'));
const token = 'body-token-0123456789abcdef';

/** An Alertmanager group of `count` alerts of one service, each with a description `padding` characters long. */
function group(count: number, padding: number) {
  const [template] = fixture.alerts;
  return {
    ...fixture,
    groupKey: `{}:{alertname="KubePodCrashLooping",size="${count}"}`,
    alerts: Array.from({ length: count }, (_, index) => ({
      ...template,
      fingerprint: `${count.toString(16)}${index.toString(16).padStart(12, '0')}`.padEnd(16, '0'),
      labels: { ...template.labels, pod: `api-7d9f-${index}` },
      annotations: { ...template.annotations, description: `Pod payments/api-7d9f-${index} restarts. ${'x'.repeat(padding)}` },
    })),
  };
}

/**
 * Sends the head of a POST and the first bytes of a body it promises to be `declaredBytes` long, and
 * resolves with what the bot answers, without ever sending the rest.
 */
function answerBeforeBodyEnds(url: string, path: string, authorization: string, declaredBytes: number): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer while the body was still unfinished (got ${JSON.stringify(received)})`));
    }, 10_000);
    socket.on('data', (chunk) => {
      received += chunk;
      if (received.includes('\r\n\r\n') && received.includes('}')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', reject);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nAuthorization: ${authorization}\r\n` +
        `Content-Length: ${declaredBytes}\r\n\r\n{"version":"4","alerts":[`,
    );
  });
}

describe('webhook bodies: credentials first, Alertmanager-sized groups fit', () => {
  let database: TestDatabase;
  let bot: RunningBot;
  const { log, lines } = captureLog();
  const post = (body: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
    fetch(`${bot.url}/api/v1/alerts/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  beforeAll(async () => {
    database = await createTestDatabase();
    // The default body limit, as a deployment gets it.
    const config = configSchema.parse({ server: { port: 0 }, storage: { databaseUrl: database.url }, webhook: { token } });
    const started = await startBot(config, log);
    if (!started.ok) throw new Error(started.errors.join('\n'));
    bot = started.bot;
  });
  afterAll(async () => {
    await bot?.close();
    await database?.drop();
  });

  it('answers 401 to bad credentials while the body is still arriving (the body is never read)', async () => {
    const answer = await answerBeforeBodyEnds(bot.url, '/api/v1/alerts/alertmanager', 'Bearer not-the-token', 10 * 1024 * 1024);
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toMatch(/connection: close/i);
    const missing = await answerBeforeBodyEnds(bot.url, '/api/v1/alerts', 'Basic bm9ib2R5Om5vdGhpbmc=', 5 * 1024 * 1024);
    expect(missing).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('answers 401, not 400, to bad credentials with a body that is not JSON: the parser never ran', async () => {
    const garbage = `{"alerts": [${'not json, '.repeat(100_000)}`;
    const response = await post(garbage, { authorization: 'Bearer not-the-token' });
    expect(response.status).toBe(401);
    expect((await post(garbage)).status).toBe(400);
  });

  it('logs one line per 401 with the route and the reason, never the credential', async () => {
    const before = lines.length;
    await post('{}', {});
    await post('{}', { authorization: 'Bearer wrong-token-value-123' });
    await fetch(`${bot.url}/api/v1/incidents`, { headers: { authorization: 'Basic d3Jvbmc6c2VjcmV0LXB3' } });
    const refusals = lines.slice(before).filter((line) => line.msg === 'API request refused: 401');
    expect(refusals.map(({ route, reason }) => ({ route, reason }))).toEqual([
      { route: '/api/v1/alerts/alertmanager', reason: 'missing' },
      { route: '/api/v1/alerts/alertmanager', reason: 'invalid' },
      { route: '/api/v1/incidents', reason: 'invalid' },
    ]);
    const logged = JSON.stringify(lines);
    for (const secret of ['wrong-token-value-123', 'd3Jvbmc6c2VjcmV0LXB3', 'secret-pw', token]) expect(logged).not.toContain(secret);
  });

  it('accepts a ~5 MB Alertmanager group of 3,000 alerts with the default body limit (16 MiB)', async () => {
    const body = JSON.stringify(group(3000, 1200));
    expect(body.length).toBeGreaterThan(5_000_000);
    const response = await post(body);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { stored: number }).stored).toBe(3000);
  }, 120_000);

  it('answers 413 over 16 MiB', async () => {
    const body = JSON.stringify(group(6000, 2600));
    expect(body.length).toBeGreaterThan(16 * 1024 * 1024);
    const response = await post(body);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toBe(`body over ${16 * 1024 * 1024} bytes`);
  });
});
