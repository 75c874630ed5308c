import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../../src/ports/logger.ts';
import { headerOf, registerPagingWebhook } from '../http/paging-webhook-scope.ts';
import { jsonOf } from '../http/provider-request.ts';
import { opsgenieTokenHeader, verifyOpsgenieToken } from './opsgenie-token.ts';

export const opsgenieWebhookPath = '/paging/opsgenie/webhook';

// Deliberately partial: an outgoing webhook integration's body, only what we read.
const webhookBody = z.object({
  action: z.string().max(100),
  alert: z.object({ alias: z.string().max(512).optional(), username: z.string().max(200).optional() }),
});

/**
 * Opsgenie's outgoing webhook integration. Opsgenie does not sign its webhooks, so it is set up to send a shared
 * secret in a custom header (X-Awoooi-Token, ADR 0027), checked in constant time before the body is parsed. The
 * `Acknowledge` action of an alert we created (its alias is our dedup key) acknowledges the escalation.
 */
export function registerOpsgenieWebhook(
  app: FastifyInstance,
  options: { secret: string; log: Logger; acknowledge: (input: { dedupKey: string; by: string }) => Promise<{ ok: boolean }> },
): void {
  registerPagingWebhook(app, {
    path: opsgenieWebhookPath,
    provider: 'opsgenie',
    log: options.log,
    verify: (request) => verifyOpsgenieToken(options.secret, headerOf(request, opsgenieTokenHeader)),
    handle: async (_request, reply, rawBody) => {
      const parsed = webhookBody.safeParse(jsonOf(rawBody.toString('utf8')));
      if (!parsed.success) return reply.code(400).send({ error: 'bad_request', message: 'not an Opsgenie webhook body' });
      const { action, alert } = parsed.data;
      if (action === 'Acknowledge' && alert.alias !== undefined) {
        const result = await options.acknowledge({ dedupKey: alert.alias, by: alert.username ?? 'Opsgenie' });
        options.log.info({ provider: 'opsgenie', action, acknowledged: result.ok }, 'opsgenie webhook received');
      }
      return reply.code(200).send({ ok: true });
    },
  });
}
