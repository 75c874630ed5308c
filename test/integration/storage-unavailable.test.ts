import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
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
    const { app, url } = await serve({ ...baseDependencies, db: unreachable.db });
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

  it('stores nothing when the connection dies mid-transaction (alerts and their analysis request are one unit)', async () => {
    // The server ends the session in the middle of the batch's write, as a failover or pg_terminate_backend does.
    await sql`
      CREATE FUNCTION end_session() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$`.execute(real.handle.db);
    await sql`CREATE TRIGGER end_session BEFORE INSERT ON analysis_requests FOR EACH ROW EXECUTE FUNCTION end_session()`.execute(real.handle.db);
    const { app, url } = await serve({ ...baseDependencies, db: real.handle.db });
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
