import type { FastifyReply } from 'fastify';
import type { EventBus } from '../../src/ports/event-bus.ts';

export interface EventStreams {
  /** Turns the reply into a server-sent event stream; false (nothing sent) when too many are open. */
  open(reply: FastifyReply, stillAllowed: () => Promise<boolean>): boolean;
  /** Ends every open stream (server shutdown), so that closing the server does not wait on browsers. */
  closeAll(): void;
}

/**
 * Server-sent events for the browsers: `incident-updated` with the incident id, nothing else (the page then
 * fetches the cards, which go through the same checks as any request). A comment line every
 * `heartbeatMs` keeps proxies from closing an idle stream and ends a stream whose session is gone (signed
 * out on any replica: the session is asked again before each write). The security headers @fastify/helmet
 * set on the raw response in onRequest go out with the stream's head.
 */
export function createEventStreams(events: Pick<EventBus, 'subscribe'>, options: { maxStreams?: number; heartbeatMs?: number } = {}): EventStreams {
  const maxStreams = options.maxStreams ?? 1000;
  const heartbeatMs = options.heartbeatMs ?? 20_000;
  const streams = new Set<() => void>();
  return {
    open(reply, stillAllowed) {
      if (streams.size >= maxStreams) return false;
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 3000\n\n');
      // Writes stay in order although each waits for the session check.
      let writing = Promise.resolve();
      const send = (text: string) => {
        writing = writing.then(async () => {
          const allowed = await stillAllowed().catch(() => false);
          if (allowed) raw.write(text);
          else close();
        });
      };
      const unsubscribe = events.subscribe((event) => {
        if (event.type === 'incident-updated') send(`event: incident-updated\ndata: ${JSON.stringify({ incidentId: event.incidentId })}\n\n`);
      });
      const heartbeat = setInterval(() => send(': ping\n\n'), heartbeatMs);
      const close = () => {
        if (!streams.delete(close)) return;
        clearInterval(heartbeat);
        unsubscribe();
        raw.end();
      };
      streams.add(close);
      raw.on('close', close);
      return true;
    },
    closeAll() {
      for (const close of [...streams]) close();
    },
  };
}
