import Fastify, { LogController, type FastifyInstance, type FastifyBaseLogger } from 'fastify';
import { isConnectionError } from '../storage/is-connection-error.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact bytes received, for signature checks (Slack, Discord) before anything is parsed. */
    rawBody?: Buffer;
  }
}

export interface HttpServerOptions {
  bodyLimitBytes: number;
  logger: FastifyBaseLogger;
  /** Fastify's trustProxy: which X-Forwarded-* hops to believe for request.ip and request.protocol; default none. */
  trustProxy?: boolean | string[];
}

/**
 * Fastify with the house rules: raw body kept, JSON parsed by us (so a bad body is a clear 400), 413 past the
 * limit, and no stack trace or internal message ever sent to a caller.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimitBytes,
    // One log line per webhook call would drown the log at thousands of alerts a second.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy ?? false,
  });
  const parseBody = (request: { rawBody?: Buffer }, body: Buffer, done: (error: Error | null, value?: unknown) => void) => {
    request.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch {
      done(Object.assign(new Error('body is not valid JSON'), { statusCode: 400 }));
    }
  };
  // Senders are sloppy with Content-Type (curl -d says form); every body is read as JSON, and chat
  // adapters that receive forms parse their own raw body after verifying its signature.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => parseBody(request, body as Buffer, done));

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    // The route, not the URL: a query string may carry what a caller should not have sent (a token).
    const route = request.routeOptions.url ?? 'unmatched';
    if (status === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      request.log.warn({ route, method: request.method, status: 413, limit: options.bodyLimitBytes }, 'request refused: body too large');
      return reply.code(413).send({ error: 'payload_too_large', message: `body over ${options.bodyLimitBytes} bytes` });
    }
    // Whatever the route (a session lookup, the cards): storage being away is worth a retry, not a 500.
    if (isConnectionError(error)) {
      request.log.warn({ route, method: request.method, status: 503 }, 'request refused: storage unavailable');
      return reply.code(503).header('retry-after', '5').send({ error: 'storage_unavailable', message: 'storage unavailable, retry shortly' });
    }
    if (status >= 500) {
      request.log.error({ err: error, route, method: request.method }, 'request failed');
      return reply.code(500).send({ error: 'internal_error', message: 'internal error' });
    }
    request.log.info({ route, method: request.method, status, reason: error.message }, `request refused: ${status}`);
    return reply.code(status).send({ error: 'bad_request', message: error.message });
  });
  app.setNotFoundHandler((request, reply) => {
    request.log.info({ method: request.method, status: 404 }, 'request refused: no such route');
    return reply.code(404).send({ error: 'not_found' });
  });
  return app;
}
