import { readFileSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAlertRoutes } from '../../src/http/alert-routes.ts';
import { createHttpServer } from '../../src/http/create-http-server.ts';
import { createMetrics } from '../../src/http/metrics.ts';
import { ingestAlerts, type IngestDependencies } from '../../src/ingest/ingest-alerts.ts';
import { systemClock } from '../../src/ports/clock.ts';
import { openDatabase, type DatabaseHandle } from '../../src/storage/open-database.ts';
import { TopologyGraph } from '../../src/topology/topology-graph.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/alertmanager-v4-crashloop.json', import.meta.url), 'utf8'));

async function serve(deps: IngestDependencies) {
  const app = createHttpServer({ bodyLimitBytes: 1 << 20, logger: pino({ level: 'silent' }) });
  registerAlertRoutes(app, { credentials: {}, metrics: createMetrics(), ingest: (source, body) => ingestAlerts(deps, source, body) });
  return { app, url: await app.listen({ port: 0, host: '127.0.0.1' }) };
}

const baseDependencies = { clock: systemClock, graph: () => TopologyGraph.build([]), serviceLabels: ['container'], windowMilliseconds: 300_000, maxDepth: 3 };

describe('storage down', () => {
  let unreachable: DatabaseHandle;
  let real: TestDatabase;
  beforeAll(async () => {
    // A server nobody listens on: what a sender sees while PostgreSQL is down or failing over.
    unreachable = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/awoooi', dataDir: 'unused' });
    real = await createTestDatabase();
  });
  afterAll(async () => {
    await unreachable?.close();
    await real?.drop();
  });

  it('answers 503 with Retry-After so Alertmanager retries', async () => {
    const { app, url } = await serve({ ...baseDependencies, db: unreachable.db, jobs: { enqueue: async () => {} } });
    const response = await fetch(`${url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixture),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.text()).not.toMatch(/ECONNREFUSED|at .*\.ts/);
    await app.close();
  });

  it('stores nothing when the connection dies mid-transaction (alerts and job are one unit)', async () => {
    const dyingQueue = {
      enqueue: async () => {
        throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
      },
    };
    const { app, url } = await serve({ ...baseDependencies, db: real.handle.db, jobs: dyingQueue });
    const response = await fetch(`${url}/api/v1/alerts/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixture),
    });
    expect(response.status).toBe(503);
    expect(await real.handle.db.selectFrom('alerts').select('fingerprint').execute()).toEqual([]);
    expect(await real.handle.db.selectFrom('incidents').select('id').execute()).toEqual([]);
    await app.close();
  });
});
