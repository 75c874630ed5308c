import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received, as it came over the wire. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What the fake answers: a status, a body and headers (Retry-After). */
export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A small local HTTP server standing in for a paging provider's API (Twilio, PagerDuty, Opsgenie, ntfy): it
 * records every request and answers from a script (first in, first out), then with `fallback`.
 */
export class FakePagingApi {
  readonly requests: ReceivedRequest[] = [];
  readonly #script: ScriptedAnswer[] = [];
  #server: Server | undefined;
  #fallback: ScriptedAnswer;

  constructor(fallback: ScriptedAnswer) {
    this.#fallback = fallback;
  }

  /** Answers the next requests with these, in order. */
  answer(...answers: ScriptedAnswer[]): void {
    this.#script.push(...answers);
  }

  async start(): Promise<string> {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        const answer = this.#script.shift() ?? this.#fallback;
        response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
