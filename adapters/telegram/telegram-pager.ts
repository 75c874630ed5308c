import { Api } from 'grammy';
import type { CallOptions } from '../../src/ports/call-options.ts';
import { type PageReceipt, type PagerPort, type PagerResult, type PageRequest, pagerErrorOfChat } from '../../src/ports/pager-port.ts';
import { telegramCallback } from './render-telegram-card.ts';
import { escapeHtml, htmlLink } from './telegram-html.ts';
import { telegramError } from './telegram-chat.ts';

/**
 * Pages by Telegram message to the person's private chat with the bot (a push on their phone), with an
 * Acknowledge button whose callback data is `k:` and the escalation id.
 */
export class TelegramPager implements PagerPort {
  readonly channel = 'telegram' as const;
  readonly description = 'Telegram direct messages';
  readonly #api: Api;

  constructor(options: { botToken: string; apiUrl: string; timeoutSeconds?: number }) {
    this.#api = new Api(options.botToken, { apiRoot: options.apiUrl.replace(/\/$/, ''), timeoutSeconds: options.timeoutSeconds ?? 15, sensitiveLogs: false });
  }

  async page(request: PageRequest, _options: CallOptions): Promise<PagerResult<PageReceipt>> {
    const html = `🚨 <b>You are paged</b>: ${escapeHtml(request.summary.slice(0, 3500))}${request.link === undefined ? '' : `\n${htmlLink(request.link, 'Open the card')}`}`;
    try {
      const sent = await this.#api.sendMessage(request.address, html, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        reply_markup: { inline_keyboard: [[{ text: '✋ Acknowledge', callback_data: telegramCallback.encodeAcknowledge(request.escalationId) }]] },
      });
      return { ok: true, value: { externalId: String(sent.message_id) } };
    } catch (error) {
      return { ok: false, error: pagerErrorOfChat(telegramError(error)) };
    }
  }
}
