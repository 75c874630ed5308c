import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isConnectionError } from '../storage/is-connection-error.ts';
import { findIncident, listIncidents } from '../incidents/incident-repository.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { requireWebhookAuth } from './require-webhook-auth.ts';
import type { WebhookCredentials } from './webhook-auth.ts';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  status: z.enum(['open', 'resolved', 'merged']).optional(),
});

/** Read-only incident API, behind the same credentials as the webhooks. */
export function registerIncidentRoutes(app: FastifyInstance, options: { db: Kysely<DatabaseSchema>; credentials: WebhookCredentials }): void {
  const onRequest = requireWebhookAuth(options.credentials);
  app.get('/api/v1/incidents', { onRequest }, async (request, reply) => {
    const query = listQuery.safeParse(request.query);
    if (!query.success)
      return reply.code(400).send({ error: 'bad_request', issues: query.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) });
    return withStorage(reply, async () => ({ incidents: await listIncidents(options.db, query.data) }));
  });
  app.get<{ Params: { id: string } }>('/api/v1/incidents/:id', { onRequest }, async (request, reply) => {
    if (!z.uuid().safeParse(request.params.id).success) return reply.code(404).send({ error: 'not_found' });
    return withStorage(reply, async () => {
      const incident = await findIncident(options.db, request.params.id);
      return incident ?? reply.code(404).send({ error: 'not_found' });
    });
  });
}

async function withStorage<T>(
  reply: { code(status: number): { header(name: string, value: string): { send(body: unknown): unknown } } },
  work: () => Promise<T>,
) {
  try {
    return await work();
  } catch (error) {
    if (isConnectionError(error)) return reply.code(503).header('retry-after', '5').send({ error: 'storage_unavailable' });
    throw error;
  }
}
