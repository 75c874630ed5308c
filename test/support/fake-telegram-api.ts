import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTelegramCall {
  method: string;
  body: Record<string, unknown>;
  status: number;
}

export interface FakeTelegramMessage {
  chatId: string;
  messageId: number;
  text: string;
  keyboard: { text: string; callback_data?: string }[][];
  replyTo: number | undefined;
  edits: number;
}

export interface FakeTelegramApi {
  /** Base URL to configure as TELEGRAM_API_URL. */
  url: string;
  calls: FakeTelegramCall[];
  /** Messages the bot sent that are not replies (cards), by message id, as they look now. */
  cards: Map<number, FakeTelegramMessage>;
  /** Replies (timeline lines, command answers). */
  replies: FakeTelegramMessage[];
  /** Other messages (command answers without a reply). */
  plain: FakeTelegramMessage[];
  callbackAnswers: { id: string; text: string; showAlert: boolean }[];
  /** Commands the bot set with setMyCommands. */
  commands: string[];
  /** Updates getUpdates hands out (from its `offset` on), as Telegram keeps them for a polling bot. */
  queueUpdate(update: { update_id: number; [field: string]: unknown }): void;
  /** The next `count` calls of `method` answer 429 with `parameters.retry_after: seconds`. */
  rateLimitNext(method: string, count: number, seconds: number): void;
  close(): Promise<void>;
}

/**
 * A local server shaped like the Telegram Bot API (SIMULATED Telegram): `/bot<token>/<method>` with JSON bodies,
 * `{ok, result}` answers, `{ok: false, error_code, description, parameters.retry_after}` with HTTP 429 when told
 * to rate-limit. Knows getMe, setMyCommands, deleteWebhook, getUpdates (waiting up to a second for an update), sendMessage, editMessageText and
 * answerCallbackQuery.
 */
export async function startFakeTelegramApi(options: { token: string }): Promise<FakeTelegramApi> {
  const calls: FakeTelegramCall[] = [];
  const cards = new Map<number, FakeTelegramMessage>();
  const replies: FakeTelegramMessage[] = [];
  const plain: FakeTelegramMessage[] = [];
  const callbackAnswers: FakeTelegramApi['callbackAnswers'] = [];
  const limits = new Map<string, { count: number; seconds: number }>();
  const commands: string[] = [];
  const updates: { update_id: number; [field: string]: unknown }[] = [];
  let nextId = 100;

  const message = (chatId: string, id: number, text: string) => ({
    message_id: id,
    date: 1_700_000_000,
    chat: { id: Number(chatId), type: 'supergroup' },
    text,
  });
  const answer = (method: string, body: Record<string, unknown>): { status: number; body: unknown } => {
    const limit = limits.get(method);
    if (limit !== undefined && limit.count > 0) {
      limit.count -= 1;
      return {
        status: 429,
        body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${limit.seconds}`, parameters: { retry_after: limit.seconds } },
      };
    }
    const chatId = String(body['chat_id'] ?? '');
    const text = String(body['text'] ?? '');
    const keyboard = ((body['reply_markup'] as { inline_keyboard?: FakeTelegramMessage['keyboard'] } | undefined)?.inline_keyboard ??
      []) as FakeTelegramMessage['keyboard'];
    switch (method) {
      case 'getMe':
        return { status: 200, body: { ok: true, result: { id: 42, is_bot: true, first_name: 'AWOOOI', username: 'awoooi_bot' } } };
      case 'sendMessage': {
        nextId += 1;
        const replyTo = (body['reply_parameters'] as { message_id?: number } | undefined)?.message_id;
        const sent: FakeTelegramMessage = { chatId, messageId: nextId, text, keyboard, replyTo, edits: 0 };
        if (replyTo !== undefined) replies.push(sent);
        else if (keyboard.length > 0 || text.startsWith('<b>#')) cards.set(nextId, sent);
        else plain.push(sent);
        return { status: 200, body: { ok: true, result: message(chatId, nextId, text) } };
      }
      case 'editMessageText': {
        const card = cards.get(Number(body['message_id']));
        if (card === undefined || card.chatId !== chatId)
          return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' } };
        if (card.text === text && JSON.stringify(card.keyboard) === JSON.stringify(keyboard)) {
          return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message is not modified' } };
        }
        Object.assign(card, { text, keyboard, edits: card.edits + 1 });
        return { status: 200, body: { ok: true, result: message(chatId, card.messageId, text) } };
      }
      case 'deleteWebhook':
        return { status: 200, body: { ok: true, result: true } };
      case 'getUpdates': {
        const offset = Number(body['offset'] ?? 0);
        const ready = updates.filter((update) => update.update_id >= offset);
        return { status: 200, body: { ok: true, result: ready } };
      }
      case 'setMyCommands':
        commands.push(...((body['commands'] as { command: string }[] | undefined) ?? []).map((entry) => entry.command));
        return { status: 200, body: { ok: true, result: true } };
      case 'answerCallbackQuery':
        callbackAnswers.push({ id: String(body['callback_query_id']), text: String(body['text'] ?? ''), showAlert: body['show_alert'] === true });
        return { status: 200, body: { ok: true, result: true } };
      default:
        return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found: method not found' } };
    }
  };

  const server: Server = createServer(async (request, response) => {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(request.url ?? '');
    const raw = await readBody(request);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    // A long poll with nothing to hand out waits (up to a second here) as Telegram's does, instead of spinning.
    if (match?.[2] === 'getUpdates') {
      const offset = Number(body['offset'] ?? 0);
      for (let waited = 0; waited < 1000 && !updates.some((update) => update.update_id >= offset); waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const result =
      match === null || match[1] !== options.token
        ? { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } }
        : answer(match[2] ?? '', body);
    calls.push({ method: match?.[2] ?? 'unknown', body, status: result.status });
    response.writeHead(result.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(result.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    cards,
    replies,
    plain,
    callbackAnswers,
    commands,
    queueUpdate: (update) => void updates.push(update),
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
