import { Api, GrammyError, HttpError } from 'grammy';
import { renderTelegramReport } from './render-telegram-report.ts';
import type { FinOpsCard } from '../../src/finops/render-finops-report.ts';
import type { IncidentCard } from '../../src/cards/incident-card.ts';
import type { ChatChannel, ChatError, ChatMessageRef, ChatPacing, ChatPort, ChatResult, PrivateRecipient } from '../../src/ports/chat-port.ts';
import { renderTelegramCard, renderTelegramText, telegramLimits, type TelegramMessage } from './render-telegram-card.ts';

export interface TelegramChatOptions {
  botToken: string;
  chatId: string;
  /** Bot API base (TELEGRAM_API_URL). */
  apiUrl: string;
  consoleUrl?: string | undefined;
  timeoutSeconds?: number;
}

/** Telegram's limits: about one message a second per chat and twenty a minute per group; edits count too. */
export const telegramPacing: ChatPacing = {
  post: { points: 1, perSeconds: 3, scope: 'channel' },
  update: { points: 20, perSeconds: 60, scope: 'channel' },
};

/**
 * The ChatPort over the Telegram Bot API (grammY's `Api`, ADR 0016): HTML cards with an inline keyboard by
 * sendMessage, edited in place by editMessageText, timeline lines as replies to the card, private answers to
 * clicks as answerCallbackQuery alerts. grammY does not retry by itself: a 429 comes back as `rate_limited` with
 * `parameters.retry_after`. The token is part of every Bot API URL: no error text that could hold it is kept.
 */
export class TelegramChat implements ChatPort {
  readonly platform = 'telegram' as const;
  readonly pacing = telegramPacing;
  readonly description: string;
  readonly channel: ChatChannel;
  #api: Api;
  #consoleUrl: string | undefined;
  #health = 'not contacted yet';
  #polling = false;

  constructor(options: TelegramChatOptions) {
    this.channel = { workspace: options.chatId, channel: options.chatId };
    this.#consoleUrl = options.consoleUrl;
    this.description = `Telegram chat ${options.chatId}${options.apiUrl.startsWith('https://api.telegram.org') ? '' : ` via ${new URL(options.apiUrl).origin}`}`;
    // Long enough for a long poll (25 s) and its answer.
    this.#api = new Api(options.botToken, { apiRoot: options.apiUrl.replace(/\/$/, ''), timeoutSeconds: options.timeoutSeconds ?? 40, sensitiveLogs: false });
  }

  /** How the last call went, for `/readyz` details. */
  health(): string {
    return this.#health;
  }

  /** Asks Telegram who the bot is (getMe) and sets the bot's command list, so that clients offer `/awoooi`. */
  async reach(): Promise<ChatResult<string>> {
    const me = await this.#call(() => this.#api.getMe());
    if (!me.ok) return me;
    const commands = await this.#call(() =>
      this.#api.setMyCommands([{ command: 'awoooi', description: 'diagnose <service> | status | oncall | approve <n> | reject <n> | help' }]),
    );
    return commands.ok ? { ok: true, value: `@${me.value.username}` } : commands;
  }

  /**
   * Long polling: the updates after `offset`, waiting up to `waitSeconds` for one. The webhook is dropped first
   * (once), since Telegram refuses getUpdates while one is set.
   */
  async fetchUpdates(offset: number, waitSeconds: number, abort: AbortSignal): Promise<ChatResult<unknown[]>> {
    // grammY types its signal as the abort-controller shim's; node-fetch takes the native one alike.
    const signal = abort as unknown as Parameters<Api['getUpdates']>[1];
    if (!this.#polling) {
      const dropped = await this.#call(() => this.#api.deleteWebhook({}, signal));
      if (!dropped.ok) return dropped;
      this.#polling = true;
    }
    return this.#call(() => this.#api.getUpdates({ offset, timeout: waitSeconds, allowed_updates: ['message', 'callback_query'] }, signal));
  }

  async postCard(channel: ChatChannel, card: IncidentCard): Promise<ChatResult<ChatMessageRef>> {
    const message = renderTelegramCard(card, this.#consoleUrl);
    const sent = await this.#call(() => this.#api.sendMessage(channel.channel, message.html, this.#options(message)));
    if (!sent.ok) return sent;
    // On Telegram the chat is the workspace too: clicks on this card must come from this chat.
    return { ok: true, value: { workspace: channel.channel, channel: channel.channel, messageId: String(sent.value.message_id), threadId: null } };
  }

  async updateCard(message: ChatMessageRef, card: IncidentCard): Promise<ChatResult<void>> {
    const rendered = renderTelegramCard(card, this.#consoleUrl);
    const edited = await this.#call(() => this.#api.editMessageText(message.channel, Number(message.messageId), rendered.html, this.#options(rendered)));
    if (!edited.ok && edited.error.message.includes('message is not modified')) return { ok: true, value: undefined };
    return edited.ok ? { ok: true, value: undefined } : edited;
  }

  async postThreadReply(message: ChatMessageRef, text: string): Promise<ChatResult<void>> {
    const sent = await this.#call(() =>
      this.#api.sendMessage(message.channel, renderTelegramText(text), {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        reply_parameters: { message_id: Number(message.messageId), allow_sending_without_reply: true },
      }),
    );
    return sent.ok ? { ok: true, value: undefined } : sent;
  }

  /**
   * A click is answered with an alert only the clicker sees (answerCallbackQuery, 200 characters). Telegram has no
   * private message in a group otherwise: a command is answered as a reply in the chat it came from.
   */
  async postReport(channel: ChatChannel, report: FinOpsCard): Promise<ChatResult<void>> {
    const sent = await this.#call(() =>
      this.#api.sendMessage(channel.channel, renderTelegramReport(report), { parse_mode: 'HTML', link_preview_options: { is_disabled: true } }),
    );
    return sent.ok ? { ok: true, value: undefined } : sent;
  }

  async answerPrivately(recipient: PrivateRecipient, text: string): Promise<ChatResult<void>> {
    if (recipient.interaction !== undefined) {
      const short = text.length > telegramLimits.callbackAnswer ? `${text.slice(0, telegramLimits.callbackAnswer - 1)}…` : text;
      const answered = await this.#call(() => this.#api.answerCallbackQuery(recipient.interaction!, { text: short, show_alert: true }));
      return answered.ok ? { ok: true, value: undefined } : answered;
    }
    const sent = await this.#call(() =>
      this.#api.sendMessage(recipient.channel, renderTelegramText(text), { parse_mode: 'HTML', link_preview_options: { is_disabled: true } }),
    );
    return sent.ok ? { ok: true, value: undefined } : sent;
  }

  #options(message: TelegramMessage) {
    return {
      parse_mode: 'HTML' as const,
      link_preview_options: { is_disabled: true },
      reply_markup: { inline_keyboard: message.keyboard },
    };
  }

  async #call<T>(send: () => Promise<T>): Promise<ChatResult<T>> {
    try {
      const value = await send();
      this.#health = 'ok';
      return { ok: true, value };
    } catch (error) {
      const failure = telegramError(error);
      if (failure.code === 'unavailable') this.#health = `unreachable: ${failure.message}`;
      else if (failure.code === 'refused') this.#health = `refused: ${failure.message}`;
      return { ok: false, error: failure };
    }
  }
}

/** Telegram's failures as values, from the error code and description only (never a URL, which holds the token). */
export function telegramError(error: unknown): ChatError {
  if (error instanceof GrammyError) {
    const description = error.description.slice(0, 200);
    if (error.error_code === 429) {
      return { code: 'rate_limited', message: description, retryable: true, retryAfterMilliseconds: Math.max(1, error.parameters.retry_after ?? 1) * 1000 };
    }
    if (error.error_code === 400 && /message to edit not found|message can't be edited/i.test(description))
      return { code: 'not_found', message: description, retryable: false };
    if (error.error_code === 400 && /message is not modified/i.test(description)) return { code: 'invalid', message: description, retryable: false };
    if (error.error_code >= 500) return { code: 'unavailable', message: description, retryable: true };
    if (error.error_code === 401 || error.error_code === 403 || /chat not found/i.test(description))
      return { code: 'refused', message: description, retryable: false };
    return { code: 'invalid', message: description, retryable: false };
  }
  if (error instanceof HttpError) return { code: 'unavailable', message: 'Telegram did not answer', retryable: true };
  return { code: 'unavailable', message: error instanceof Error ? error.name : 'unexpected error', retryable: true };
}
