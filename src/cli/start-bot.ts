import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.ts';
import { createHttpServer } from '../http/create-http-server.ts';
import { registerAlertRoutes } from '../http/alert-routes.ts';
import { registerHealthRoutes } from '../http/health-routes.ts';
import { registerIncidentRoutes } from '../http/incident-routes.ts';
import { createMetrics } from '../http/metrics.ts';
import { ingestAlerts } from '../ingest/ingest-alerts.ts';
import { runIncidentAnalysis } from '../analysis/run-incident-analysis.ts';
import { JobQueue } from '../jobs/job-queue.ts';
import { systemClock, type Clock } from '../ports/clock.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { openDatabase, type DatabaseHandle } from '../storage/open-database.ts';
import { loadTopology } from './load-topology.ts';

export interface RunningBot {
  /** Base URL the HTTP server listens on. */
  url: string;
  database: DatabaseHandle;
  jobs: JobQueue;
  close(): Promise<void>;
}

export type StartResult = { ok: true; bot: RunningBot } | { ok: false; errors: string[] };

/**
 * The composition root: the only place that chooses adapters. Each part is real when configured and
 * embedded or simulated otherwise, and the start-up log says which.
 */
export async function startBot(config: Config, log: Logger, options: { clock?: Clock } = {}): Promise<StartResult> {
  const clock = options.clock ?? systemClock;
  const topology = await loadTopology(config);
  if (!topology.ok) return { ok: false, errors: topology.errors };
  const database = await openDatabase({ databaseUrl: config.storage.databaseUrl, dataDir: config.storage.dataDir });
  const migrated = await migrateToLatest(database.db);
  if (!migrated.ok) {
    await database.close();
    return { ok: false, errors: [`migrations: ${migrated.error}`] };
  }
  const jobs = new JobQueue(database.connectionString);
  await jobs.start();
  const graph = () => topology.graph;
  await jobs.work('analyze-incident', async ({ incidentId }) => {
    await runIncidentAnalysis({ db: database.db, graph, maxDepth: config.topology.maxDepth }, incidentId);
  });

  const metrics = createMetrics();
  const app = createHttpServer({ bodyLimitBytes: config.server.bodyLimitBytes, logger: log });
  app.addHook('onResponse', async (request, reply) => {
    metrics.requestSeconds.observe({ route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  const credentials = config.webhook;
  registerHealthRoutes(app, { db: database.db, metrics });
  registerIncidentRoutes(app, { db: database.db, credentials });
  registerAlertRoutes(app, {
    credentials,
    metrics,
    ingest: (source, body) =>
      ingestAlerts(
        {
          db: database.db,
          jobs,
          clock,
          graph,
          serviceLabels: config.topology.serviceLabels,
          windowMilliseconds: config.incidents.correlationWindowMinutes * 60_000,
          maxDepth: config.topology.maxDepth,
        },
        source,
        body,
      ),
  });
  const address = await app.listen({ port: config.server.port, host: config.server.host });

  log.info(
    {
      parts: {
        database: `${database.description} (${database.embedded ? 'embedded' : 'real'})`,
        topology: topology.source,
        webhookAuth: credentials.token || credentials.user ? 'bearer/basic credentials configured' : 'NONE configured: loopback callers only',
        redis: config.storage.redisUrl ? 'configured (real)' : 'none: single replica, in-process rate limits and live updates',
      },
      migrationsApplied: migrated.applied,
    },
    `AWOOOI listening on ${address}`,
  );
  return {
    ok: true,
    bot: {
      url: address,
      database,
      jobs,
      close: async () => {
        await app.close();
        await jobs.stop();
        await database.close();
      },
    },
  };
}
