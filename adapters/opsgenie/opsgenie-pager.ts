import { z } from 'zod';
import type { CallOptions } from '../../src/ports/call-options.ts';
import type { PageFollowUp, PageReceipt, PagerPort, PagerResult, PageRequest } from '../../src/ports/pager-port.ts';
import { jsonOf, providerRequest } from '../http/provider-request.ts';

export interface OpsgenieOptions {
  apiKey: string;
  /** Alert API base (OPSGENIE_API_URL): https://api.opsgenie.com, or https://api.eu.opsgenie.com. */
  apiUrl: string;
}

// Deliberately partial: Opsgenie answers 202 with a request id; the alert itself is created asynchronously.
const accepted = z.object({ requestId: z.string().optional() });

const priorityOf: Record<string, string> = { critical: 'P1', high: 'P2', warning: 'P3', info: 'P5' };

/**
 * Pages through Opsgenie's Alert API: create (POST /v2/alerts) with the escalation's dedup key as `alias` and the
 * person as responder, acknowledge and close by alias (`identifierType=alias`). Authorization: `GenieKey`.
 * Shape: fixtures/opsgenie-create-alert.json.
 */
export class OpsgeniePager implements PagerPort {
  readonly channel = 'opsgenie' as const;
  readonly description: string;
  readonly #base: string;
  readonly #headers: Record<string, string>;

  constructor(options: OpsgenieOptions) {
    this.#base = options.apiUrl.replace(/\/$/, '');
    this.#headers = { 'content-type': 'application/json', authorization: `GenieKey ${options.apiKey}` };
    this.description = `Opsgenie alerts at ${new URL(options.apiUrl).host}`;
  }

  async page(request: PageRequest, options: CallOptions): Promise<PagerResult<PageReceipt>> {
    const body = {
      message: request.summary.slice(0, 130),
      alias: request.dedupKey,
      description:
        `${request.title}\nAcknowledge here, on the AWOOOI card, or reply ${request.ackHint} to the SMS.${request.link === undefined ? '' : `\n${request.link}`}`.slice(
          0,
          15000,
        ),
      responders: [{ username: request.address, type: 'user' }],
      tags: ['awoooi', request.severity],
      details: { incident: String(request.incidentNumber), incidentId: request.incidentId },
      entity: `awoooi/incident-${request.incidentNumber}`,
      source: 'awoooi',
      priority: priorityOf[request.severity] ?? 'P3',
    };
    const answer = await providerRequest('Opsgenie', `${this.#base}/v2/alerts`, { headers: this.#headers, body: JSON.stringify(body) }, options);
    if (!answer.ok) return answer;
    const parsed = accepted.safeParse(jsonOf(answer.value.text));
    return { ok: true, value: { externalId: parsed.success ? (parsed.data.requestId ?? null) : null } };
  }

  acknowledge(followUp: PageFollowUp, options: CallOptions): Promise<PagerResult<void>> {
    return this.#act('acknowledge', followUp, options);
  }

  resolve(followUp: PageFollowUp, options: CallOptions): Promise<PagerResult<void>> {
    return this.#act('close', followUp, options);
  }

  async #act(action: 'acknowledge' | 'close', followUp: PageFollowUp, options: CallOptions): Promise<PagerResult<void>> {
    const url = `${this.#base}/v2/alerts/${encodeURIComponent(followUp.dedupKey)}/${action}?identifierType=alias`;
    const answer = await providerRequest('Opsgenie', url, { headers: this.#headers, body: JSON.stringify({ source: 'awoooi', note: followUp.note }) }, options);
    return answer.ok ? { ok: true, value: undefined } : answer;
  }
}
