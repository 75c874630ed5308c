import { z } from 'zod';
import type { CallOptions } from '../../src/ports/call-options.ts';
import type { PageFollowUp, PageReceipt, PagerPort, PagerResult, PageRequest } from '../../src/ports/pager-port.ts';
import { jsonOf, providerRequest } from '../http/provider-request.ts';

export interface PagerDutyOptions {
  /** Events API base (PAGERDUTY_API_URL), https://events.pagerduty.com by default. */
  apiUrl: string;
}

// Deliberately partial: what we read of an Events API v2 answer.
const eventAnswer = z.object({ status: z.string().optional(), dedup_key: z.string().optional() });

const severityOf: Record<string, 'critical' | 'error' | 'warning' | 'info'> = { critical: 'critical', high: 'error', warning: 'warning', info: 'info' };

/**
 * Pages through PagerDuty's Events API v2 (POST /v2/enqueue): `trigger` with the escalation's dedup_key, so every
 * page of one escalation lands on one PagerDuty incident, then `acknowledge` and `resolve` with the same key. The
 * routing key is the person's contact (or the configured default). Shape: fixtures/pagerduty-event-v2.json.
 */
export class PagerDutyPager implements PagerPort {
  readonly channel = 'pagerduty' as const;
  readonly description: string;
  readonly #url: string;

  constructor(options: PagerDutyOptions) {
    this.#url = new URL('/v2/enqueue', options.apiUrl).href;
    this.description = `PagerDuty Events API v2 at ${new URL(options.apiUrl).host}`;
  }

  async page(request: PageRequest, options: CallOptions): Promise<PagerResult<PageReceipt>> {
    const body = {
      routing_key: request.address,
      event_action: 'trigger',
      dedup_key: request.dedupKey,
      payload: {
        summary: request.summary.slice(0, 1024),
        source: 'awoooi',
        severity: severityOf[request.severity] ?? 'warning',
        timestamp: new Date().toISOString(),
        class: 'incident',
        custom_details: { incident: request.incidentNumber, incidentId: request.incidentId, acknowledge: request.ackHint },
      },
      client: 'AWOOOI',
      ...(request.link === undefined ? {} : { client_url: request.link, links: [{ href: request.link, text: 'AWOOOI card' }] }),
    };
    const sent = await this.#send(body, options);
    return sent.ok ? { ok: true, value: { externalId: sent.value } } : sent;
  }

  async acknowledge(followUp: PageFollowUp, options: CallOptions): Promise<PagerResult<void>> {
    const sent = await this.#send({ routing_key: followUp.address, event_action: 'acknowledge', dedup_key: followUp.dedupKey }, options);
    return sent.ok ? { ok: true, value: undefined } : sent;
  }

  async resolve(followUp: PageFollowUp, options: CallOptions): Promise<PagerResult<void>> {
    const sent = await this.#send({ routing_key: followUp.address, event_action: 'resolve', dedup_key: followUp.dedupKey }, options);
    return sent.ok ? { ok: true, value: undefined } : sent;
  }

  async #send(body: object, options: CallOptions): Promise<PagerResult<string | null>> {
    const answer = await providerRequest('PagerDuty', this.#url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, options);
    if (!answer.ok) return answer;
    const parsed = eventAnswer.safeParse(jsonOf(answer.value.text));
    return { ok: true, value: parsed.success ? (parsed.data.dedup_key ?? null) : null };
  }
}
