import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatIssues } from '../../src/alerts/format-issues.ts';
import { type ChatClick, type ChatClickOutcome, unavailableAnswer } from '../../src/chat/handle-chat-click.ts';
import type { ChatCommand, ChatCommandAnswer } from '../../src/chat/handle-chat-command.ts';
import type { ChatResult, PrivateRecipient } from '../../src/ports/chat-port.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { telegramCallback } from './render-telegram-card.ts';
import { telegramUpdate, type TelegramUpdate } from './telegram-payloads.ts';
import { verifyTelegramSecret } from './verify-telegram-secret.ts';

export interface TelegramRoutesOptions {
  webhookSecret: string;
  log: Logger;
  answerPrivately: (recipient: PrivateRecipient, text: string) => Promise<ChatResult<void>>;
  handleClick: (click: ChatClick) => Promise<ChatClickOutcome>;
  handleCommand: (command: ChatCommand) => Promise<ChatCommandAnswer>;
  /** False when this update was handled before (Telegram redelivers until it gets a 200). */
  firstDelivery: (key: string) => Promise<boolean>;
  bodyLimitBytes?: number;
}

const commandPattern = /^\/awoooi(?:@[A-Za-z0-9_]{1,64})?(?:\s+([\s\S]*))?$/;

/**
 * Telegram's inbound door (ADR 0016): `POST /telegram/webhook`, the secret-token header checked in constant time
 * before the body is parsed (401 otherwise), then acknowledged at once; the click (through `handleClick`) or the
 * `/awoooi` command is worked after the answer. Updates are de-duplicated by `update_id`.
 */
export function registerTelegramRoutes(app: FastifyInstance, options: TelegramRoutesOptions): void {
  const inflight = new Set<Promise<void>>();
  const later = (work: () => Promise<void>) => {
    const running = work()
      .catch((error: unknown) => options.log.error({ err: error }, 'telegram update failed after its acknowledgement'))
      .finally(() => inflight.delete(running));
    inflight.add(running);
  };
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
      request.rawBody = body as Buffer;
      done(null, undefined);
    });
    scope.addHook('onClose', async () => {
      await Promise.allSettled([...inflight]);
    });
    scope.post('/telegram/webhook', { bodyLimit: options.bodyLimitBytes ?? 1024 * 1024 }, async (request: FastifyRequest, reply: FastifyReply) => {
      const route = '/telegram/webhook';
      const header = request.headers['x-telegram-bot-api-secret-token'];
      if (!verifyTelegramSecret(typeof header === 'string' ? header : undefined, options.webhookSecret)) {
        options.log.info({ route, status: 401, reason: header === undefined ? 'missing' : 'mismatch' }, 'request refused: 401');
        return reply.code(401).send({ error: 'invalid_secret_token', message: 'Telegram secret token missing or wrong.' });
      }
      let body: unknown;
      try {
        body = JSON.parse((request.rawBody ?? Buffer.alloc(0)).toString('utf8'));
      } catch {
        options.log.info({ route, status: 400, reason: 'body is not valid JSON' }, 'request refused: 400');
        return reply.code(400).send({ error: 'bad_request', message: 'body is not valid JSON' });
      }
      const update = telegramUpdate.safeParse(body);
      if (!update.success) {
        const problems = formatIssues(update.error);
        options.log.info({ route, status: 400, reason: problems.join('; ') }, 'request refused: 400');
        return reply.code(400).send({ error: 'bad_request', message: problems.join('; ') });
      }
      reply.code(200).send({});
      later(() => work(options, update.data));
      return reply;
    });
  });
}

async function work(options: TelegramRoutesOptions, update: TelegramUpdate): Promise<void> {
  const callback = update.callback_query;
  if (callback !== undefined) {
    const chat = callback.message === undefined ? undefined : String(callback.message.chat.id);
    const recipient = { workspace: chat ?? '', channel: chat ?? '', user: String(callback.from.id), interaction: callback.id };
    const decoded = telegramCallback.decode(callback.data ?? '');
    if (decoded === undefined || callback.message === undefined || chat === undefined) {
      await answer(options, recipient, 'This button is not one of ours; nothing was changed.');
      return;
    }
    const outcome = await options
      .handleClick({
        platform: 'telegram',
        workspace: chat,
        channel: chat,
        messageId: String(callback.message.message_id),
        accountId: String(callback.from.id),
        proposalId: decoded.proposalId,
        decision: decoded.decision,
        requestKey: `update:${update.update_id}`,
      })
      .catch(async (error: unknown) => {
        await answer(options, recipient, unavailableAnswer);
        throw error;
      });
    if (outcome.answer !== null) await answer(options, recipient, outcome.answer);
    return;
  }
  const message = update.message;
  const command = message?.text === undefined ? null : commandPattern.exec(message.text.trim());
  if (message === undefined || command === null || message.from === undefined) return;
  if (!(await options.firstDelivery(`update:${update.update_id}`))) return;
  const chat = String(message.chat.id);
  const result = await options.handleCommand({
    platform: 'telegram',
    workspace: chat,
    channel: chat,
    accountId: String(message.from.id),
    text: command[1] ?? 'help',
  });
  await answer(options, { workspace: chat, channel: chat, user: String(message.from.id) }, result.text);
}

async function answer(options: TelegramRoutesOptions, recipient: PrivateRecipient, text: string): Promise<void> {
  const answered = await options.answerPrivately(recipient, text);
  if (!answered.ok) options.log.warn({ code: answered.error.code, reason: answered.error.message }, 'telegram answer not delivered');
}
