import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeDiscordCall {
  method: string;
  /** The route with ids, e.g. `POST /channels/123/messages`. */
  route: string;
  body: Record<string, unknown>;
  status: number;
}

export interface FakeDiscordMessage {
  channelId: string;
  id: string;
  content: string;
  embeds: { title?: string; description?: string; url?: string; fields?: { name: string; value: string }[]; footer?: { text: string } }[];
  components: { type: number; components: { type: number; style: number; label?: string; custom_id?: string; url?: string }[] }[];
  replyTo: string | undefined;
  edits: number;
}

export interface FakeDiscordApi {
  /** Base URL to configure as DISCORD_API_URL (the adapter adds /v10). */
  url: string;
  guildId: string;
  calls: FakeDiscordCall[];
  /** Card messages (with embeds), by id, as they look now. */
  cards: Map<string, FakeDiscordMessage>;
  /** Replies to a message (timeline lines). */
  replies: FakeDiscordMessage[];
  /** Interaction answers: follow-ups (POST /webhooks/{app}/{token}) and edits of the deferred reply (@original). */
  interactionAnswers: { token: string; kind: 'followup' | 'original'; content: string; flags: number | undefined }[];
  /** What PUT /applications/{id}/commands last received. */
  commands: unknown[] | undefined;
  /** Bodies the fake refused as Discord would (limits broken, mentions allowed): each names the rule. */
  violations: string[];
  /** The next `count` calls whose route starts with `routePrefix` (e.g. `PATCH /channels/`) answer 429 with `retry_after: seconds`. */
  rateLimitNext(routePrefix: string, count: number, seconds: number, global?: boolean): void;
  /** The next successful call on `routePrefix` says its bucket is spent (X-RateLimit-Remaining: 0) for `seconds`. */
  exhaustNext(routePrefix: string, seconds: number): void;
  /** Answers every call with 503 (Discord down) while true. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

const limits = {
  content: 2000,
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footer: 2048,
  total: 6000,
  rows: 5,
  buttons: 5,
  customId: 100,
  label: 80,
};

/**
 * A local server shaped like Discord's HTTP API v10 (SIMULATED Discord): `Authorization: Bot <token>`, channel
 * messages (post, edit, 404 Unknown Message with code 10008), interaction webhooks, bulk command overwrite, and
 * rate limits as Discord answers them: HTTP 429 with `{retry_after: <seconds, float>, global}` in the body and
 * Retry-After / X-RateLimit-* headers. It checks what it receives against Discord's message limits and refuses
 * (400, code 50035) a body that breaks one, or that does not carry `allowed_mentions: {parse: []}`.
 */
export async function startFakeDiscordApi(options: { token: string; applicationId: string; channelId: string; guildId?: string }): Promise<FakeDiscordApi> {
  const guildId = options.guildId ?? '290926798626357999';
  const calls: FakeDiscordCall[] = [];
  const cards = new Map<string, FakeDiscordMessage>();
  const replies: FakeDiscordMessage[] = [];
  const interactionAnswers: FakeDiscordApi['interactionAnswers'] = [];
  const violations: string[] = [];
  const limited: { prefix: string; count: number; seconds: number; global: boolean }[] = [];
  const exhausted: { prefix: string; seconds: number }[] = [];
  let commands: unknown[] | undefined;
  let down = false;
  let nextId = 1_100_000_000_000_000_000n;

  const messageOf = (channelId: string, id: string, body: Record<string, unknown>, replyTo: string | undefined): FakeDiscordMessage => ({
    channelId,
    id,
    content: String(body['content'] ?? ''),
    embeds: (body['embeds'] as FakeDiscordMessage['embeds'] | undefined) ?? [],
    components: (body['components'] as FakeDiscordMessage['components'] | undefined) ?? [],
    replyTo,
    edits: 0,
  });

  const answer = (
    method: string,
    path: string,
    body: Record<string, unknown>,
    authorized: boolean,
  ): { status: number; body: unknown; headers?: Record<string, string> } => {
    if (down) return { status: 503, body: { message: 'upstream connect error', code: 0 } };
    const route = `${method} ${path}`;
    const limit = limited.find((entry) => route.startsWith(entry.prefix) && entry.count > 0);
    if (limit !== undefined) {
      limit.count -= 1;
      return {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: limit.seconds, global: limit.global },
        headers: {
          'retry-after': String(Math.ceil(limit.seconds)),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': String(limit.seconds),
          'x-ratelimit-scope': limit.global ? 'global' : 'user',
          ...(limit.global ? { 'x-ratelimit-global': 'true' } : {}),
        },
      };
    }
    const webhook = /^\/webhooks\/(\d+)\/([^/]+)(\/messages\/@original)?$/.exec(path);
    if (!authorized && webhook === null) return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
    const refused = (rule: string) => {
      violations.push(rule);
      return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { rule } } };
    };
    if (method !== 'GET' && method !== 'PUT') {
      const broken = checkMessage(body);
      if (broken !== undefined) return refused(broken);
    }
    const channel = /^\/channels\/(\d+)$/.exec(path);
    if (method === 'GET' && channel !== null) {
      return { status: 200, body: { id: channel[1], type: 0, guild_id: guildId, name: 'incidents' } };
    }
    const post = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (method === 'POST' && post !== null) {
      nextId += 1n;
      const id = String(nextId);
      const replyTo = (body['message_reference'] as { message_id?: string } | undefined)?.message_id;
      const sent = messageOf(post[1]!, id, body, replyTo);
      if (replyTo !== undefined) replies.push(sent);
      else cards.set(id, sent);
      return { status: 200, body: { id, channel_id: post[1], content: sent.content } };
    }
    const edit = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path);
    if (method === 'PATCH' && edit !== null) {
      const card = cards.get(edit[2]!);
      if (card === undefined || card.channelId !== edit[1]) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
      Object.assign(card, { ...messageOf(card.channelId, card.id, body, undefined), edits: card.edits + 1 });
      return { status: 200, body: { id: card.id, channel_id: card.channelId } };
    }
    if (webhook !== null && webhook[1] === options.applicationId) {
      const flags = typeof body['flags'] === 'number' ? body['flags'] : undefined;
      interactionAnswers.push({
        token: decodeURIComponent(webhook[2]!),
        kind: webhook[3] ? 'original' : 'followup',
        content: String(body['content'] ?? ''),
        flags,
      });
      return { status: 200, body: { id: '1', content: body['content'] } };
    }
    if (method === 'PUT' && path === `/applications/${options.applicationId}/commands`) {
      commands = Array.isArray(body) ? body : [];
      return {
        status: 200,
        body: commands.map((command, index) => ({ ...(command as object), id: String(900 + index), application_id: options.applicationId })),
      };
    }
    return { status: 404, body: { message: '404: Not Found', code: 0 } };
  };

  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/api\/v10|^\/v10/, '');
    const raw = await readBody(request);
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    const method = request.method ?? 'GET';
    const result = answer(method, path, body, request.headers.authorization === `Bot ${options.token}`);
    let headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '4',
      'x-ratelimit-reset-after': '1.000',
    };
    const exhaust = result.status < 300 ? exhausted.findIndex((entry) => `${method} ${path}`.startsWith(entry.prefix)) : -1;
    if (exhaust >= 0) {
      headers = { ...headers, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': String(exhausted[exhaust]!.seconds) };
      exhausted.splice(exhaust, 1);
    }
    calls.push({ method, route: `${method} ${path}`, body, status: result.status });
    response.writeHead(result.status, { ...headers, ...result.headers });
    response.end(JSON.stringify(result.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    guildId,
    calls,
    cards,
    replies,
    interactionAnswers,
    get commands() {
      return commands;
    },
    violations,
    rateLimitNext: (prefix, count, seconds, global = false) => void limited.push({ prefix, count, seconds, global }),
    exhaustNext: (prefix, seconds) => void exhausted.push({ prefix, seconds }),
    setDown: (value) => {
      down = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The rule a message body breaks (Discord's documented limits), or undefined. */
function checkMessage(body: Record<string, unknown>): string | undefined {
  const mentions = body['allowed_mentions'] as { parse?: unknown[] } | undefined;
  if (!Array.isArray(mentions?.parse) || mentions.parse.length > 0) return 'allowed_mentions must be {parse: []}';
  if (typeof body['content'] === 'string' && body['content'].length > limits.content) return 'content over 2000';
  const embeds = (body['embeds'] ?? []) as FakeDiscordMessage['embeds'];
  if (embeds.length > 10) return 'more than 10 embeds';
  let total = 0;
  for (const embed of embeds) {
    if ((embed.title ?? '').length > limits.title) return 'embed title over 256';
    if ((embed.description ?? '').length > limits.description) return 'embed description over 4096';
    if ((embed.fields ?? []).length > limits.fields) return 'more than 25 fields';
    for (const field of embed.fields ?? []) {
      if (field.name.length > limits.fieldName || field.name.length === 0) return 'field name empty or over 256';
      if (field.value.length > limits.fieldValue || field.value.length === 0) return 'field value empty or over 1024';
      total += field.name.length + field.value.length;
    }
    if ((embed.footer?.text ?? '').length > limits.footer) return 'footer over 2048';
    total += (embed.title ?? '').length + (embed.description ?? '').length + (embed.footer?.text ?? '').length;
  }
  if (total > limits.total) return 'embeds over 6000 characters';
  const rows = (body['components'] ?? []) as FakeDiscordMessage['components'];
  if (rows.length > limits.rows) return 'more than 5 action rows';
  for (const row of rows) {
    if (row.components.length > limits.buttons) return 'more than 5 buttons in a row';
    for (const button of row.components) {
      if ((button.custom_id ?? '').length > limits.customId) return 'custom_id over 100';
      if ((button.label ?? '').length > limits.label) return 'button label over 80';
    }
  }
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
