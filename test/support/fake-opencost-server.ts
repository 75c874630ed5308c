import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A FAKE OpenCost API on loopback, shaped like `/allocation/compute` answers (code, data: [{"ns/controller": allocation}]),
 * including the `__idle__` entry OpenCost adds. Records the requests it saw.
 */
export class FakeOpenCostServer {
  readonly requests: { path: string; query: Record<string, string>; authorization: string | undefined }[] = [];
  allocations: Record<string, unknown> = {};
  status = 200;
  url = '';
  #server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    this.requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: request.headers.authorization });
    const found = url.pathname === '/allocation/compute';
    response.writeHead(found ? this.status : 404, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(
        found && this.status === 200 ? { code: 200, data: [this.allocations] } : { code: found ? this.status : 404, message: found ? 'boom' : 'not found' },
      ),
    );
  });

  static async start(): Promise<FakeOpenCostServer> {
    const server = new FakeOpenCostServer();
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    server.url = `http://127.0.0.1:${(server.#server.address() as AddressInfo).port}`;
    return server;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
