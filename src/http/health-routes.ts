import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { Metrics } from './metrics.ts';

/** Liveness (the process answers), readiness (the database answers) and Prometheus metrics. */
export function registerHealthRoutes(
  app: FastifyInstance,
  // `details`: how outside parts are doing (a chat platform unreachable at start-up); said, never fatal to readiness.
  options: { db: Kysely<DatabaseSchema>; metrics: Metrics; details?: () => Record<string, string> },
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await sql`SELECT 1`.execute(options.db);
      const details = options.details?.();
      return details === undefined || Object.keys(details).length === 0 ? { status: 'ready' } : { status: 'ready', details };
    } catch {
      return reply.code(503).send({ status: 'not_ready', reason: 'database unreachable' });
    }
  });
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', options.metrics.registry.contentType).send(await options.metrics.registry.metrics()),
  );
}
