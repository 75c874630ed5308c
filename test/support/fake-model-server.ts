import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the fake answers to one request. */
export type FakeStep =
  /**
   * A normal answer whose model text is `text`, in the API's own envelope; streamed in pieces (NDJSON for
   * Ollama, server-sent events for OpenAI and Anthropic) when the request asks to stream. `stallAfterPieces`:
   * the stream stops sending after that many pieces and never ends (a model that stalls mid-answer).
   */
  | { text: string; stallAfterPieces?: number }
  /** An HTTP error with the API's error body (or `body` as given) and headers such as retry-after. */
  | { status: number; message?: string; headers?: Record<string, string>; body?: string }
  /** A 200 whose body is not JSON. */
  | { rawBody: string }
  /** No answer at all until the client gives up (the test's AbortSignal). */
  | { hang: true };

export type FakeApi = 'ollama' | 'openai' | 'anthropic';

/** One request as the fake saw it on the wire. */
export interface RecordedRequest {
  api: FakeApi;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeModelServer {
  /** Base URL to configure: OLLAMA_HOST, OPENAI_BASE_URL (…/v1 is appended by the caller), ANTHROPIC_BASE_URL. */
  url: string;
  requests: RecordedRequest[];
  /** How many requests were cut off by the client before an answer (a hang step, aborted). */
  abandoned: number;
  close(): Promise<void>;
}

const paths: Record<FakeApi, string> = { ollama: '/api/chat', openai: '/v1/chat/completions', anthropic: '/v1/messages' };

function envelope(api: FakeApi, text: string, model: string): unknown {
  if (api === 'ollama')
    return {
      model,
      created_at: '2026-12-02T08:00:00Z',
      message: { role: 'assistant', content: text },
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 812,
      eval_count: 96,
    };
  if (api === 'openai')
    return {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1_796_000_000,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 812, completion_tokens: 96, total_tokens: 908 },
    };
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 812, output_tokens: 96 },
  };
}

function errorBody(api: FakeApi, status: number, message: string): unknown {
  if (api === 'ollama') return { error: message };
  if (api === 'openai') return { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', param: null, code: null } };
  return { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error', message } };
}

/** `text` in about four pieces. */
function pieces(text: string): string[] {
  const size = Math.max(1, Math.ceil(text.length / 4));
  return Array.from({ length: Math.ceil(text.length / size) }, (_, index) => text.slice(index * size, (index + 1) * size));
}

/** The answer as each API streams it. */
function streamAnswer(api: FakeApi, response: ServerResponse, text: string, model: string, stallAfter?: number): void {
  const parts = pieces(text);
  const shown = stallAfter === undefined ? parts : parts.slice(0, stallAfter);
  const sse = (event: string | null, data: unknown) =>
    `${event === null ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
  let body: string[];
  let ending: string[];
  if (api === 'ollama') {
    const line = (value: unknown) => `${JSON.stringify(value)}\n`;
    body = shown.map((piece) => line({ model, created_at: '2026-12-02T08:00:00Z', message: { role: 'assistant', content: piece }, done: false }));
    ending = [
      line({
        model,
        created_at: '2026-12-02T08:00:01Z',
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 812,
        eval_count: 96,
      }),
    ];
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
  } else if (api === 'openai') {
    const chunk = (delta: unknown, finish: string | null) => ({
      id: 'chatcmpl-fake',
      object: 'chat.completion.chunk',
      created: 1_796_000_000,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    body = shown.map((piece) => sse(null, chunk({ content: piece }, null)));
    ending = [
      sse(null, chunk({}, 'stop')),
      sse(null, {
        id: 'chatcmpl-fake',
        object: 'chat.completion.chunk',
        created: 1_796_000_000,
        model,
        choices: [],
        usage: { prompt_tokens: 812, completion_tokens: 96, total_tokens: 908 },
      }),
      sse(null, '[DONE]'),
    ];
    response.writeHead(200, { 'content-type': 'text/event-stream' });
  } else {
    body = [
      sse('message_start', {
        type: 'message_start',
        message: {
          id: 'msg_fake',
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 812, output_tokens: 1 },
        },
      }),
      sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      ...shown.map((piece) => sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } })),
    ];
    ending = [
      sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
      sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 96 } }),
      sse('message_stop', { type: 'message_stop' }),
    ];
    response.writeHead(200, { 'content-type': 'text/event-stream' });
  }
  for (const part of body) response.write(part);
  if (stallAfter === undefined) response.end(ending.join(''));
}

/**
 * A fake of one provider's HTTP API (Ollama /api/chat, OpenAI /v1/chat/completions, Anthropic /v1/messages),
 * shaped like the real one, answering each request with the next step of `script` and recording every request
 * body, so tests can assert what went over the wire. SIMULATED: no model runs.
 */
export async function startFakeModelServer(
  api: FakeApi,
  script: (request: RecordedRequest, index: number) => FakeStep,
  model = `fake-${api}-model`,
): Promise<FakeModelServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const state = { abandoned: 0 };
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const recorded: RecordedRequest = {
      api,
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(recorded);
    if (recorded.method !== 'POST' || recorded.path.split('?')[0] !== paths[api]) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(errorBody(api, 404, `no route ${recorded.path}`)));
      return;
    }
    const step = script(recorded, requests.length - 1);
    if ('hang' in step) {
      response.on('close', () => {
        if (!response.writableEnded) state.abandoned += 1;
      });
      return;
    }
    if ('rawBody' in step) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(step.rawBody);
      return;
    }
    if ('status' in step) {
      const body = step.body ?? JSON.stringify(errorBody(api, step.status, step.message ?? 'fake failure'));
      response.writeHead(step.status, { 'content-type': 'application/json', ...step.headers }).end(body);
      return;
    }
    if (JSON.parse(recorded.body || '{}').stream === true) {
      streamAnswer(api, response, step.text, model, step.stallAfterPieces);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(envelope(api, step.text, model)));
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
    get abandoned() {
      return state.abandoned;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
