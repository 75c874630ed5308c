import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const awoooi = (args: string[], environment: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['bin/awoooi.js', ...args], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', ...environment } });

describe('awoooi CLI verbs', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it('config check lists every problem by name and exits 2, or says OK and exits 0', () => {
    const bad = awoooi(['config', 'check'], { PORT: 'x', AWOOOI_WEBHOOK_TOKEN: 'short', AWOOOI_TOPOLOGY_MAX_DEPTH: '99' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/3 problem\(s\)/);
    for (const name of ['PORT', 'AWOOOI_WEBHOOK_TOKEN', 'AWOOOI_TOPOLOGY_MAX_DEPTH']) expect(bad.stderr).toMatch(new RegExp(`- ${name}: `));
    const topology = awoooi(['config', 'check'], { AWOOOI_TOPOLOGY: 'test/fixtures/alertmanager-v4-crashloop.json' });
    expect(topology.status).toBe(2);
    expect(topology.stderr).toMatch(/AWOOOI_TOPOLOGY: /);
    const good = awoooi(['config', 'check'], { AWOOOI_WEBHOOK_TOKEN: 'a-long-enough-token-123' });
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/configuration OK/);
    expect(good.stdout).not.toMatch(/a-long-enough-token-123/);
  });

  it('migrate says the database is up to date, and audit verify checks the chain', () => {
    const migrate = awoooi(['migrate'], { DATABASE_URL: database.url });
    expect(migrate.status).toBe(0);
    expect(migrate.stdout).toMatch(/up to date/);
    const audit = awoooi(['audit', 'verify'], { DATABASE_URL: database.url });
    expect(audit.status).toBe(0);
    expect(audit.stdout).toMatch(/audit log intact: 0 entries/);
  });

  it('rejects an unknown verb as an unknown command, exit code 2, naming the verbs there are', () => {
    const unknown = awoooi(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(unknown.stderr).toMatch(/Commands: serve, migrate, analyze/);
    const sub = awoooi(['audit', 'frobnicate']);
    expect(sub.status).toBe(2);
  });

  it('prints its version with --version and -V', () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-V']) {
      const run = awoooi([flag]);
      expect(run.status).toBe(0);
      expect(run.stdout.trim()).toBe(version);
    }
  });
});
