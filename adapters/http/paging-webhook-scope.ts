import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../src/ports/logger.ts';
import { isConnectionError } from '../../src/storage/is-connection-error.ts';

/** What a paging provider's inbound route does once the request is verified; the reply is its to send. */
export type VerifiedHandler = (request: FastifyRequest, reply: FastifyReply, rawBody: Buffer) => Promise<unknown>;

// Providers' webhook bodies are small; anything larger is not theirs.
const bodyLimitBytes = 256 * 1024;

/**
 * One inbound paging webhook (Twilio, PagerDuty, Opsgenie) in its own Fastify scope: the body stays raw bytes,
 * `verify` sees them before anything is parsed, and a request it refuses gets 401 with nothing parsed or changed.
 * Storage away: 503, so the provider retries. Never a stack trace to the caller.
 */
export function registerPagingWebhook(
  app: FastifyInstance,
  options: { path: string; provider: string; log: Logger; verify: (request: FastifyRequest, rawBody: Buffer) => boolean; handle: VerifiedHandler },
): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
      request.rawBody = body as Buffer;
      done(null, undefined);
    });
    scope.post(options.path, { bodyLimit: bodyLimitBytes }, async (request, reply) => {
      const rawBody = request.rawBody ?? Buffer.alloc(0);
      if (!options.verify(request, rawBody)) {
        options.log.warn({ provider: options.provider, status: 401 }, 'paging webhook refused: bad signature');
        return reply.code(401).send({ error: 'invalid_signature', message: `${options.provider} signature missing or wrong.` });
      }
      try {
        return await options.handle(request, reply, rawBody);
      } catch (error) {
        const down = isConnectionError(error);
        options.log.error({ provider: options.provider, err: error }, 'paging webhook failed');
        return reply.code(down ? 503 : 500).send({ error: down ? 'storage_unavailable' : 'internal_error', message: 'Not recorded; please retry.' });
      }
    });
  });
}

/** The header's single value, if there is one. */
export function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
