import type { FastifyInstance } from 'fastify';
import type { Logger } from '../ports/logger.ts';

/** Runs work after the answer has gone out; a failure is logged with `what`, never thrown at the platform. */
export type AfterAnswer = (what: string, work: () => Promise<void>) => void;

/**
 * A Fastify scope for a chat platform's inbound door: bodies stay raw bytes (the signature covers them exactly;
 * nothing is parsed before it is verified), and work that must not hold up the acknowledgement goes to
 * `later`. Closing the server waits for that work, so a graceful stop loses no click.
 */
export function registerAcknowledgedScope(
  app: FastifyInstance,
  platform: string,
  log: Logger,
  register: (scope: FastifyInstance, later: AfterAnswer) => void,
): void {
  const inflight = new Set<Promise<void>>();
  const later: AfterAnswer = (what, work) => {
    const running = work()
      .catch((error: unknown) => log.error({ err: error, what }, `${platform} request failed after its acknowledgement`))
      .finally(() => inflight.delete(running));
    inflight.add(running);
  };
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
      request.rawBody = body as Buffer;
      done(null, undefined);
    });
    scope.addHook('onClose', async () => {
      await Promise.allSettled([...inflight]);
    });
    register(scope, later);
  });
}
