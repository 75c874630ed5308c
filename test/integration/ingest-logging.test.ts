import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/cli/start-bot.ts';
import { configSchema } from '../../src/config/config-schema.ts';
import { eventually } from '../support/start-test-bot.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8'));
const token = 'test-token-0123456789abcdef';

describe('log lines of ingestion, analysis and sealing (through the Logger port)', () => {
  const lines: Record<string, unknown>[] = [];
  let database: TestDatabase;
  let bot: RunningBot;
  const post = (body: unknown) =>
    fetch(`${bot.url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const line = (message: string) => lines.find((entry) => entry['msg'] === message);

  beforeAll(async () => {
    const stream = new Writable({
      write: (chunk, _encoding, done) => {
        for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text));
        done();
      },
    });
    database = await createTestDatabase();
    const config = configSchema.parse({ server: { port: 0, logLevel: 'info' }, storage: { databaseUrl: database.url }, webhook: { token } });
    const started = await startBot(config, pino({ level: 'info' }, stream));
    if (!started.ok) throw new Error(started.errors.join('\n'));
    bot = started.bot;
  });
  afterAll(async () => {
    await bot?.close();
    await database?.drop();
  });

  it('says per webhook request what was stored, ignored and touched, with the status; per analysis and per sealing what it did', async () => {
    expect((await post(fixture)).status).toBe(200);
    expect((await post({ alerts: [{ status: 'burning' }] })).status).toBe(400);
    const [incident] = await database.handle.db.selectFrom('incidents').select('id').execute();

    expect(line('alerts received')).toMatchObject({
      level: 30,
      source: 'alertmanager',
      stored: 1,
      ignored: 0,
      incidents: 1,
      status: 200,
      milliseconds: expect.any(Number),
    });
    expect(line('alerts refused: invalid payload')).toMatchObject({ source: 'alertmanager', status: 400, issues: expect.any(Number) });
    const analysed = await eventually(async () => line('incident analysed'));
    expect(analysed).toMatchObject({ incidentId: incident!.id, alertsAnalysed: 1, topRootCause: 'api', milliseconds: expect.any(Number) });
    expect(await eventually(async () => line('audit outbox sealed into the chain'))).toMatchObject({ entries: 1 });
    // Counts and ids only: no alert text reaches these lines.
    const ours = lines.filter((entry) => ['alerts received', 'incident analysed', 'audit outbox sealed into the chain'].includes(entry['msg'] as string));
    expect(JSON.stringify(ours)).not.toMatch(/crash looping|CrashLoopBackOff|payments\/api/);
  });
});
