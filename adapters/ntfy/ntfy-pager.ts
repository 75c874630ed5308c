import { z } from 'zod';
import type { CallOptions } from '../../src/ports/call-options.ts';
import type { PageReceipt, PagerPort, PagerResult, PageRequest } from '../../src/ports/pager-port.ts';
import { jsonOf, providerRequest } from '../http/provider-request.ts';

export interface NtfyOptions {
  /** Server (NTFY_URL), https://ntfy.sh by default. */
  url: string;
  /** Access token (NTFY_TOKEN) for a protected server or topic. */
  token?: string | undefined;
}

// Deliberately partial: the published message's id.
const published = z.object({ id: z.string().optional() });

const priorityOf: Record<string, number> = { critical: 5, high: 4, warning: 4, info: 3 };

/**
 * Pages through ntfy (JSON publishing: POST to the server root with `topic`): a push to the person's phone with
 * the incident as title, urgent priority for critical incidents, and a link to the card.
 */
export class NtfyPager implements PagerPort {
  readonly channel = 'ntfy' as const;
  readonly description: string;
  readonly #url: string;
  readonly #headers: Record<string, string>;

  constructor(options: NtfyOptions) {
    this.#url = options.url.replace(/\/$/, '');
    this.#headers = { 'content-type': 'application/json', ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }) };
    this.description = `ntfy at ${new URL(options.url).host}`;
  }

  async page(request: PageRequest, options: CallOptions): Promise<PagerResult<PageReceipt>> {
    const body = {
      topic: request.address,
      title: `AWOOOI #${request.incidentNumber}: ${request.title}`.slice(0, 250),
      message: `${request.summary}\nAcknowledge on the card or reply ${request.ackHint} to the SMS.`,
      priority: priorityOf[request.severity] ?? 4,
      tags: ['rotating_light', request.severity],
      ...(request.link === undefined ? {} : { click: request.link }),
    };
    const answer = await providerRequest('ntfy', `${this.#url}/`, { headers: this.#headers, body: JSON.stringify(body) }, options);
    if (!answer.ok) return answer;
    const parsed = published.safeParse(jsonOf(answer.value.text));
    return { ok: true, value: { externalId: parsed.success ? (parsed.data.id ?? null) : null } };
  }
}
