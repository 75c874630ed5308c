import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the fake answers to one request: vectors of the texts (the default), or an HTTP error in the API's shape. */
export type FakeEmbeddingStep = 'embed' | { status: number; message?: string; headers?: Record<string, string> } | { vectors: number[][] };

/** One request as the fake saw it: which API, the model asked for and the texts it was given. */
export interface EmbeddingRequest {
  api: 'ollama' | 'openai';
  path: string;
  model: string;
  texts: string[];
  body: Record<string, unknown>;
  authorization: string | undefined;
}

export interface FakeEmbeddingsServer {
  /** Ollama's host, and (with /v1 appended) the OpenAI-compatible base URL. */
  url: string;
  requests: EmbeddingRequest[];
  /** Every text embedded, over all requests. */
  texts(): string[];
  /** The next requests are answered by `step` (default: vectors); it may do something first (a change meanwhile). */
  answer(step: (request: EmbeddingRequest) => FakeEmbeddingStep | Promise<FakeEmbeddingStep>): void;
  close(): Promise<void>;
}

export const fakeDimensions = 256;

// The fake's whole "meaning": a few words share a concept, as a real model places them near each other. The
// tests' incidents share concepts, never words.
const concepts: Record<string, string> = {
  redis: 'cache',
  valkey: 'cache',
  memcached: 'cache',
  cache: 'cache',
  down: 'outage',
  unreachable: 'outage',
  unavailable: 'outage',
  outage: 'outage',
  session: 'login',
  sessions: 'login',
  token: 'login',
  auth: 'login',
  flushed: 'evicted',
  evicted: 'evicted',
  wiped: 'evicted',
};
// Words every text has (the field names of the embedded text) and glue words say nothing about an incident.
const ignored = new Set(['alerts', 'services', 'root', 'cause', 'diagnosis', 'the', 'a', 'an', 'and', 'was', 'of', 'to', 'in', 'is']);

/** Words of `text`: camelCase split, lowercased, anything but letters and digits a separator. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0 && !ignored.has(word));
}

/** A deterministic vector: a hashed bag of concepts (a word stands for itself unless it has one), then normalized. */
export function fakeVector(text: string): number[] {
  const vector: number[] = Array.from({ length: fakeDimensions }, () => 0);
  for (const word of words(text)) {
    const concept = concepts[word] ?? word;
    vector[createHash('sha256').update(concept).digest().readUInt32BE(0) % fakeDimensions]! += 1;
  }
  // A text of ignored words only still needs a direction.
  if (!vector.some((value) => value !== 0)) vector[0] = 1;
  const length = Math.hypot(...vector);
  return vector.map((value) => value / length);
}

/**
 * A fake embedding server speaking both Ollama's `POST /api/embed` and the OpenAI `POST /v1/embeddings` API,
 * shaped like the real ones, recording every request. SIMULATED: no model runs; the vectors are `fakeVector`.
 */
export async function startFakeEmbeddingsServer(): Promise<FakeEmbeddingsServer> {
  const requests: EmbeddingRequest[] = [];
  const sockets = new Set<Socket>();
  let script: (request: EmbeddingRequest) => FakeEmbeddingStep | Promise<FakeEmbeddingStep> = () => 'embed';
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = (request.url ?? '').split('?')[0]!;
    const api = path === '/api/embed' ? 'ollama' : path === '/v1/embeddings' ? 'openai' : null;
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
    if (request.method !== 'POST' || api === null) return json(404, { error: `no route ${path}` });
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    const input = body['input'];
    const texts = (Array.isArray(input) ? input : [input]).map(String);
    const recorded: EmbeddingRequest = { api, path, model: String(body['model']), texts, body, authorization: request.headers.authorization };
    requests.push(recorded);
    const step = await script(recorded);
    if (typeof step === 'object' && 'status' in step) {
      const message = step.message ?? 'fake failure';
      return json(step.status, api === 'ollama' ? { error: message } : { error: { message, type: 'server_error', param: null, code: null } }, step.headers);
    }
    const vectors = step === 'embed' ? texts.map(fakeVector) : step.vectors;
    if (api === 'ollama') return json(200, { model: recorded.model, embeddings: vectors, total_duration: 1_000, load_duration: 100, prompt_eval_count: 12 });
    return json(200, {
      object: 'list',
      // Out of order on purpose: the API promises an index, not an order.
      data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })).reverse(),
      model: recorded.model,
      usage: { prompt_tokens: 12, total_tokens: 12 },
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    texts: () => requests.flatMap((request) => request.texts),
    answer: (step) => {
      script = step;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
