import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Web API call the fake received, its form fields decoded (blocks parsed). */
export interface FakeSlackCall {
  method: string;
  token: string | undefined;
  fields: Record<string, unknown>;
  status: number;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  threadTs: string | undefined;
  edits: number;
  /** When the fake received the post (ms since the epoch). */
  postedAt: number;
}

export interface FakeSlackApi {
  /** Base URL to configure as SLACK_API_URL (ends with /api/). */
  url: string;
  calls: FakeSlackCall[];
  /** Top-level messages (cards) by ts, as they look now. */
  messages: Map<string, FakeSlackMessage>;
  /** Thread replies, in order. */
  replies: FakeSlackMessage[];
  ephemeral: { channel: string; user: string; text: string }[];
  /** 429s answered because a limit was enforced (`enforce`). */
  enforced: number;
  /** The next `count` calls of `method` answer 429 with `Retry-After: seconds`. */
  rateLimitNext(method: string, count: number, seconds: number): void;
  close(): Promise<void>;
}

/**
 * A local server shaped like Slack's Web API (SIMULATED Slack), for the tests, the bench and `awoooi demo --slack`: form-encoded calls with a bearer token, answers
 * `{ok: …}` with HTTP 200, and HTTP 429 with `Retry-After` when told to rate-limit. Knows auth.test,
 * chat.postMessage (cards, thread replies and direct messages to a user id), chat.update and chat.postEphemeral; with `socketMode`, apps.connections.open.
 */
export async function startFakeSlackApi(options: {
  token: string;
  team: string;
  port?: number;
  /** Slack's published limits, enforced: beyond them a 429 with the Retry-After Slack would send. */
  enforce?: { postsPerSecondPerChannel: number; updatesPerMinute: number };
  /** Socket Mode: apps.connections.open, called with this app-level token, answers `socketUrl()`. */
  socketMode?: { appToken: string; socketUrl: () => string };
}): Promise<FakeSlackApi> {
  const calls: FakeSlackCall[] = [];
  const messages = new Map<string, FakeSlackMessage>();
  const replies: FakeSlackMessage[] = [];
  const ephemeral: FakeSlackApi['ephemeral'] = [];
  const limits = new Map<string, { count: number; seconds: number }>();
  const lastPost = new Map<string, number>();
  const updates: number[] = [];
  let enforced = 0;
  /** Seconds to wait when `method` is over its enforced limit now, else undefined (and the call is counted). */
  const overLimit = (method: string, fields: Record<string, unknown>): number | undefined => {
    if (options.enforce === undefined) return undefined;
    const now = Date.now();
    if (method === 'chat.postMessage') {
      const channel = String(fields['channel'] ?? '');
      const gap = 1000 / options.enforce.postsPerSecondPerChannel;
      const last = lastPost.get(channel);
      if (last !== undefined && now - last < gap) return Math.max(1, Math.ceil((gap - (now - last)) / 1000));
      lastPost.set(channel, now);
    }
    if (method === 'chat.update') {
      while (updates.length > 0 && now - updates[0]! >= 60_000) updates.shift();
      if (updates.length >= options.enforce.updatesPerMinute) return Math.max(1, Math.ceil((60_000 - (now - updates[0]!)) / 1000));
      updates.push(now);
    }
    return undefined;
  };
  let clock = 1_700_000_000;
  const nextTs = () => {
    clock += 1;
    return `${clock}.000100`;
  };

  const answer = (method: string, fields: Record<string, unknown>): { status: number; body: unknown; headers?: Record<string, string> } => {
    const limit = limits.get(method);
    if (limit !== undefined && limit.count > 0) {
      limit.count -= 1;
      return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(limit.seconds) } };
    }
    const wait = overLimit(method, fields);
    if (wait !== undefined) {
      enforced += 1;
      return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(wait) } };
    }
    const text = String(fields['text'] ?? '');
    const blocks = Array.isArray(fields['blocks']) ? fields['blocks'] : [];
    switch (method) {
      case 'auth.test':
        return { status: 200, body: { ok: true, team_id: options.team, user_id: 'U_BOT', bot_id: 'B_BOT', url: 'https://fake.slack.test/' } };
      case 'chat.postMessage': {
        const requested = String(fields['channel'] ?? '');
        // A user id posts to the app's direct message with that user (a D… channel), as Slack does.
        const channel = /^[UW]/.test(requested) ? `D${requested.slice(1)}` : requested;
        if (!channel.startsWith('C') && !channel.startsWith('D')) return { status: 200, body: { ok: false, error: 'channel_not_found' } };
        const threadTs = fields['thread_ts'] === undefined ? undefined : String(fields['thread_ts']);
        if (threadTs !== undefined && !messages.has(threadTs)) return { status: 200, body: { ok: false, error: 'thread_not_found' } };
        const message: FakeSlackMessage = { channel, ts: nextTs(), text, blocks, threadTs, edits: 0, postedAt: Date.now() };
        if (threadTs === undefined) messages.set(message.ts, message);
        else replies.push(message);
        return { status: 200, body: { ok: true, channel, ts: message.ts, message: { type: 'message', text, ts: message.ts, team: options.team } } };
      }
      case 'chat.update': {
        const message = messages.get(String(fields['ts'] ?? ''));
        if (message === undefined || message.channel !== fields['channel']) return { status: 200, body: { ok: false, error: 'message_not_found' } };
        Object.assign(message, { text, blocks, edits: message.edits + 1 });
        return { status: 200, body: { ok: true, channel: message.channel, ts: message.ts, text } };
      }
      case 'chat.postEphemeral':
        ephemeral.push({ channel: String(fields['channel']), user: String(fields['user']), text });
        return { status: 200, body: { ok: true, message_ts: nextTs() } };
      default:
        return { status: 200, body: { ok: false, error: 'unknown_method' } };
    }
  };

  const server: Server = createServer(async (request, response) => {
    const method = (request.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const fields = decode(await readBody(request), request.headers['content-type']);
    const token = request.headers.authorization?.replace(/^Bearer /, '');
    const socketMode = options.socketMode;
    const result =
      method === 'apps.connections.open'
        ? socketMode !== undefined && token === socketMode.appToken
          ? { status: 200, body: { ok: true, url: socketMode.socketUrl() } }
          : { status: 200, body: { ok: false, error: socketMode === undefined ? 'not_allowed_token_type' : 'invalid_auth' } }
        : token === options.token
          ? answer(method, fields)
          : { status: 200, body: { ok: false, error: 'invalid_auth' } };
    calls.push({ method, token, fields, status: result.status });
    response.writeHead(result.status, { 'content-type': 'application/json', ...result.headers });
    response.end(JSON.stringify(result.body));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    messages,
    replies,
    ephemeral,
    get enforced() {
      return enforced;
    },
    rateLimitNext: (method, count, seconds) => void limits.set(method, { count, seconds }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Slack takes forms (nested values as JSON text) or JSON bodies. */
function decode(body: string, type: string | undefined): Record<string, unknown> {
  if (type?.startsWith('application/json')) return body ? (JSON.parse(body) as Record<string, unknown>) : {};
  const fields: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    fields[key] = key === 'blocks' || key === 'attachments' ? JSON.parse(value) : value;
  }
  return fields;
}
