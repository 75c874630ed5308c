import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkWebhookAuth, type WebhookCredentials } from './webhook-auth.ts';

/**
 * Route-level `onRequest` hook for the API: it runs before Fastify reads the body, so a caller without
 * credentials gets 401 without the bot reading or parsing a byte of what it sends.
 */
export function requireWebhookAuth(credentials: WebhookCredentials) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const decision = checkWebhookAuth(credentials, request.headers.authorization);
    if (decision.ok) return;
    request.log.warn({ route: request.routeOptions.url, reason: decision.reason, ip: request.ip }, 'API request refused: 401');
    // Closing after the answer stops the upload: an unread body is neither parsed nor drained for a stranger.
    return reply
      .code(401)
      .header('connection', 'close')
      .header('www-authenticate', 'Bearer, Basic realm="awoooi"')
      .send({ error: 'unauthorized', message: decision.reason === 'missing' ? 'credentials missing' : 'bad credentials' });
  };
}
