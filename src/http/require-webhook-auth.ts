import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkWebhookAuth, type WebhookCredentials } from './webhook-auth.ts';

/** preHandler for the API: 401 before anything is parsed into state. */
export function requireWebhookAuth(credentials: WebhookCredentials) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const decision = checkWebhookAuth(credentials, request.headers.authorization, request.socket.remoteAddress);
    if (decision.ok) return;
    const message = decision.reason === 'not_loopback' ? 'no credentials are configured: only loopback callers are accepted' : 'bad or missing credentials';
    return reply.code(401).header('www-authenticate', 'Bearer, Basic realm="awoooi"').send({ error: 'unauthorized', message });
  };
}
