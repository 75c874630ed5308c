import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerAcknowledgedScope } from '../../src/http/acknowledged-scope.ts';
import { formatIssues } from '../../src/alerts/format-issues.ts';
import { handleTelegramUpdate, type TelegramDoors } from './handle-telegram-update.ts';
import { telegramUpdate } from './telegram-payloads.ts';
import { verifyTelegramSecret } from './verify-telegram-secret.ts';

export interface TelegramRoutesOptions extends TelegramDoors {
  webhookSecret: string;
  bodyLimitBytes?: number;
}

/**
 * Telegram's inbound door (ADR 0016): `POST /telegram/webhook`, the secret-token header checked in constant time
 * before the body is parsed (401 otherwise), then acknowledged at once; the click (through `handleClick`) or the
 * `/awoooi` command is worked after the answer. Updates are de-duplicated by `update_id`.
 */
export function registerTelegramRoutes(app: FastifyInstance, options: TelegramRoutesOptions): void {
  registerAcknowledgedScope(app, 'telegram', options.log, (scope, later) => {
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
      later('update', () => handleTelegramUpdate(options, update.data));
      return reply;
    });
  });
}
