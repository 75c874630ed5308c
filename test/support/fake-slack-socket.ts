import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeSlackSocket {
  /** What apps.connections.open hands out (a new ticket each time, as Slack's do). */
  url(): string;
  /** Resolves once a client is connected and has been sent `hello`. */
  connected(): Promise<void>;
  /** Sends an envelope (`interactive`, `slash_commands`, `events_api`) and returns its envelope_id. */
  deliver(type: string, payload: unknown, envelopeId?: string): string;
  /** Acknowledgements received: `{envelope_id, payload}` messages from the client. */
  acks: { envelope_id: string; payload?: Record<string, unknown> }[];
  close(): Promise<void>;
}

/**
 * A local WebSocket server shaped like Slack's Socket Mode endpoint (SIMULATED Slack): on connect it sends
 * `{type: "hello", num_connections, connection_info, debug_info}`, then the envelopes it is told to deliver
 * (`{envelope_id, type, payload, accepts_response_payload}`), and records the client's acknowledgements.
 */
export async function startFakeSlackSocket(): Promise<FakeSlackSocket> {
  const server: Server = createServer();
  const sockets = new WebSocketServer({ server });
  const acks: FakeSlackSocket['acks'] = [];
  let current: WebSocket | undefined;
  let ticket = 0;
  let envelope = 0;
  let onConnected: (() => void)[] = [];
  sockets.on('connection', (socket) => {
    current = socket;
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
      if (typeof message.envelope_id === 'string') acks.push({ envelope_id: message.envelope_id, ...(message.payload ? { payload: message.payload } : {}) });
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake-slack-socket', approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0FAKE' },
      }),
    );
    for (const resolve of onConnected) resolve();
    onConnected = [];
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: () => {
      ticket += 1;
      return `ws://127.0.0.1:${port}/link/?ticket=fake-${ticket}&app_id=A0FAKE`;
    },
    connected: () => (current?.readyState === 1 ? Promise.resolve() : new Promise<void>((resolve) => onConnected.push(resolve))),
    deliver: (type, payload, envelopeId) => {
      envelope += 1;
      const id = envelopeId ?? `envelope-${envelope}`;
      current?.send(JSON.stringify({ envelope_id: id, type, payload, accepts_response_payload: type !== 'events_api' }));
      return id;
    },
    acks,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
