import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../../src/ports/logger.ts';
import { headerOf, registerPagingWebhook } from '../http/paging-webhook-scope.ts';
import { jsonOf } from '../http/provider-request.ts';
import { verifyPagerDutySignature } from './pagerduty-signature.ts';

export const pagerDutyWebhookPath = '/paging/pagerduty/webhook';

// Deliberately partial: a v3 webhook event, only what we read.
const webhookEvent = z.object({
  event: z.object({
    event_type: z.string().max(100),
    agent: z
      .object({ summary: z.string().max(200).optional() })
      .nullable()
      .optional(),
    data: z.object({ incident_key: z.string().max(255).nullable().optional() }).passthrough(),
  }),
});

/**
 * PagerDuty's v3 webhook subscription: X-PagerDuty-Signature (v1= HMAC-SHA256 of the raw body) is checked before
 * the body is parsed. `incident.acknowledged` of an incident we triggered (its incident_key is our dedup key)
 * acknowledges the escalation; everything else is answered 200 and ignored.
 */
export function registerPagerDutyWebhook(
  app: FastifyInstance,
  options: { secret: string; log: Logger; acknowledge: (input: { dedupKey: string; by: string }) => Promise<{ ok: boolean }> },
): void {
  registerPagingWebhook(app, {
    path: pagerDutyWebhookPath,
    provider: 'pagerduty',
    log: options.log,
    verify: (request, rawBody) => verifyPagerDutySignature(options.secret, rawBody, headerOf(request, 'x-pagerduty-signature')),
    handle: async (_request, reply, rawBody) => {
      const parsed = webhookEvent.safeParse(jsonOf(rawBody.toString('utf8')));
      if (!parsed.success) return reply.code(400).send({ error: 'bad_request', message: 'not a PagerDuty v3 webhook event' });
      const { event } = parsed.data;
      const key = event.data.incident_key;
      if (event.event_type === 'incident.acknowledged' && typeof key === 'string') {
        const result = await options.acknowledge({ dedupKey: key, by: event.agent?.summary ?? 'PagerDuty' });
        options.log.info({ provider: 'pagerduty', eventType: event.event_type, acknowledged: result.ok }, 'pagerduty webhook received');
      }
      return reply.code(200).send({ ok: true });
    },
  });
}
