import { z } from 'zod';
import type { CallOptions } from '../../src/ports/call-options.ts';
import type { PageReceipt, PagerPort, PagerResult, PageRequest } from '../../src/ports/pager-port.ts';
import { jsonOf, providerRequest } from '../http/provider-request.ts';
import { discordCustomId, renderDiscordText } from './render-discord-card.ts';

// Deliberately partial: the DM channel's and the message's ids.
const created = z.object({ id: z.string().regex(/^\d{1,25}$/) });

/**
 * Pages by Discord direct message (ADR 0026): opens the DM channel with the person's user id
 * (POST /users/@me/channels), then sends the page there with an Acknowledge button (`awoooi:k:` and the escalation
 * id). The bot token of the cards; never pings anyone else (`allowed_mentions: {parse: []}`).
 */
export class DiscordPager implements PagerPort {
  readonly channel = 'discord' as const;
  readonly description = 'Discord direct messages';
  readonly #base: string;
  readonly #headers: Record<string, string>;

  constructor(options: { botToken: string; apiUrl: string }) {
    this.#base = `${options.apiUrl.replace(/\/$/, '')}/v10`;
    this.#headers = {
      authorization: `Bot ${options.botToken}`,
      'content-type': 'application/json',
      'user-agent': 'DiscordBot (https://github.com/awoooi, 0.1)',
    };
  }

  async page(request: PageRequest, options: CallOptions): Promise<PagerResult<PageReceipt>> {
    const opened = await providerRequest(
      'Discord',
      `${this.#base}/users/@me/channels`,
      { headers: this.#headers, body: JSON.stringify({ recipient_id: request.address }) },
      options,
    );
    if (!opened.ok) return opened;
    const dm = created.safeParse(jsonOf(opened.value.text));
    if (!dm.success) return { ok: false, error: { code: 'unavailable', message: 'Discord opened no DM channel', retryable: true } };
    const message = {
      content: renderDiscordText(`🚨 You are paged: ${request.summary}${request.link === undefined ? '' : `\n${request.link}`}`),
      components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Acknowledge', custom_id: discordCustomId.encodeAcknowledge(request.escalationId) }] }],
      allowed_mentions: { parse: [] },
    };
    const sent = await providerRequest(
      'Discord',
      `${this.#base}/channels/${dm.data.id}/messages`,
      { headers: this.#headers, body: JSON.stringify(message) },
      options,
    );
    if (!sent.ok) return sent;
    const parsed = created.safeParse(jsonOf(sent.value.text));
    return { ok: true, value: { externalId: parsed.success ? parsed.data.id : null } };
  }
}
