import { z } from 'zod';
import type { IncidentCard } from '../../src/cards/incident-card.ts';
import type { ChatChannel, ChatError, ChatMessageRef, ChatPacing, ChatPort, ChatResult, PrivateRecipient } from '../../src/ports/chat-port.ts';
import { discordCommands } from './discord-commands.ts';
import { renderDiscordCard, renderDiscordText } from './render-discord-card.ts';

export interface DiscordChatOptions {
  botToken: string;
  applicationId: string;
  channelId: string;
  /** API base (DISCORD_API_URL), without the version. */
  apiUrl: string;
  consoleUrl?: string | undefined;
  timeoutMilliseconds?: number;
}

/**
 * Discord counts per route and channel: sending messages about 5 per 5 s per channel, edits alike. Paced at one
 * call every 1.2 s per channel, with a margin, so that the core never provokes a 429 while under the limits.
 */
export const discordPacing: ChatPacing = {
  post: { points: 1, perSeconds: 1.2, scope: 'channel' },
  update: { points: 1, perSeconds: 1.2, scope: 'channel' },
};

/** Message flags: EPHEMERAL (only the one who asked sees it), SUPPRESS_EMBEDS (no link previews of alert text). */
const flags = { ephemeral: 64, suppressEmbeds: 4 } as const;

// Deliberately partial: only what we read of Discord's answers.
const messageAnswer = z.object({ id: z.string().regex(/^\d{1,25}$/) });
const channelAnswer = z.object({ id: z.string(), guild_id: z.string().regex(/^\d{1,25}$/) });
const errorAnswer = z.object({ message: z.string(), code: z.number(), retry_after: z.number(), global: z.boolean() }).partial();
const globalBucket = 'global';

/** How a private answer is delivered: a follow-up to a click (deferred update), or the deferred reply of a command. */
export const discordAnswerTo = {
  followUp: (token: string) => `followup:${token}`,
  original: (token: string) => `original:${token}`,
};

/**
 * The ChatPort over Discord's HTTP API with plain fetch (ADR 0028): the card as an embed with a button row,
 * posted and edited in place, timeline lines as replies to the card (message_reference), private answers as
 * ephemeral interaction follow-ups. Every message goes with `allowed_mentions: {parse: []}`. Nothing retries here:
 * a 429 comes back as `rate_limited` with the body's `retry_after`, and a bucket the X-RateLimit headers said was
 * spent is not called again before its reset (answered `rate_limited` without a request), so the core's queue waits.
 */
export class DiscordChat implements ChatPort {
  readonly platform = 'discord' as const;
  readonly pacing = discordPacing;
  readonly description: string;
  #options: DiscordChatOptions;
  #base: string;
  #guild: string | undefined;
  #health = 'not contacted yet';
  /** Route buckets the headers said are spent, with when they reset (epoch ms). */
  #spent = new Map<string, number>();

  constructor(options: DiscordChatOptions) {
    this.#options = options;
    this.#base = `${options.apiUrl.replace(/\/$/, '')}/v10`;
    this.description = `Discord channel ${options.channelId}${options.apiUrl.startsWith('https://discord.com/') ? '' : ` via ${new URL(options.apiUrl).origin}`}`;
  }

  /** The guild is learnt from Discord (GET /channels/{id}) on first use; until then the bucket key says "pending". */
  get channel(): ChatChannel {
    return { workspace: this.#guild ?? 'pending', channel: this.#options.channelId };
  }

  /** How the last call went, for `/readyz` details. */
  health(): string {
    return this.#health;
  }

  /** Asks Discord which guild the channel is in (and so that the token works), once. */
  async reach(): Promise<ChatResult<string>> {
    if (this.#guild !== undefined) return { ok: true, value: `guild ${this.#guild}` };
    const answered = await this.#call('GET', `/channels/${this.#options.channelId}`, undefined, 'channel');
    if (!answered.ok) return answered;
    const parsed = channelAnswer.safeParse(answered.value);
    if (!parsed.success) return { ok: false, error: { code: 'refused', message: 'the channel is not in a guild', retryable: false } };
    this.#guild = parsed.data.guild_id;
    this.#health = `ok (guild ${this.#guild})`;
    return { ok: true, value: `guild ${this.#guild}` };
  }

  /** Bulk-overwrites the application's global commands with `/awoooi` (PUT /applications/{id}/commands). */
  async registerCommands(): Promise<ChatResult<number>> {
    const answered = await this.#call('PUT', `/applications/${this.#options.applicationId}/commands`, discordCommands, 'commands');
    if (!answered.ok) return answered;
    return { ok: true, value: Array.isArray(answered.value) ? answered.value.length : 0 };
  }

  async postCard(channel: ChatChannel, card: IncidentCard): Promise<ChatResult<ChatMessageRef>> {
    const guild = await this.reach();
    if (!guild.ok) return guild;
    const body = renderDiscordCard(card, this.#options.consoleUrl);
    const posted = await this.#call('POST', `/channels/${channel.channel}/messages`, body, `post:${channel.channel}`);
    if (!posted.ok) return posted;
    const parsed = messageAnswer.safeParse(posted.value);
    if (!parsed.success) return { ok: false, error: { code: 'unavailable', message: 'Discord answered without a message id', retryable: true } };
    return { ok: true, value: { workspace: this.#guild!, channel: channel.channel, messageId: parsed.data.id, threadId: null } };
  }

  async updateCard(message: ChatMessageRef, card: IncidentCard): Promise<ChatResult<void>> {
    const body = renderDiscordCard(card, this.#options.consoleUrl);
    const edited = await this.#call('PATCH', `/channels/${message.channel}/messages/${message.messageId}`, body, `edit:${message.channel}`);
    return edited.ok ? { ok: true, value: undefined } : edited;
  }

  async postThreadReply(message: ChatMessageRef, text: string): Promise<ChatResult<void>> {
    const body = {
      content: renderDiscordText(text),
      allowed_mentions: { parse: [] },
      flags: flags.suppressEmbeds,
      message_reference: { message_id: message.messageId, fail_if_not_exists: false },
    };
    const posted = await this.#call('POST', `/channels/${message.channel}/messages`, body, `post:${message.channel}`);
    return posted.ok ? { ok: true, value: undefined } : posted;
  }

  /**
   * Only the clicker sees it: an ephemeral (flags 64) follow-up to the click's interaction, or the edit of a
   * command's deferred ephemeral reply. Discord has no private message outside an interaction.
   */
  async answerPrivately(recipient: PrivateRecipient, text: string): Promise<ChatResult<void>> {
    const [kind, token] = (recipient.interaction ?? '').split(/:(.*)/s);
    if (token === undefined || token === '') return { ok: false, error: { code: 'invalid', message: 'no interaction to answer', retryable: false } };
    const body = { content: renderDiscordText(text), flags: flags.ephemeral | flags.suppressEmbeds, allowed_mentions: { parse: [] } };
    const path = `/webhooks/${this.#options.applicationId}/${encodeURIComponent(token)}`;
    const sent =
      kind === 'original' ? await this.#call('PATCH', `${path}/messages/@original`, body, 'interaction') : await this.#call('POST', path, body, 'interaction');
    return sent.ok ? { ok: true, value: undefined } : sent;
  }

  async #call(method: string, path: string, body: unknown, bucket: string): Promise<ChatResult<unknown>> {
    // A global 429 holds every route of the bot, not just the one that met it.
    const resetAt = Math.max(this.#spent.get(bucket) ?? 0, this.#spent.get(globalBucket) ?? 0);
    if (resetAt > Date.now()) {
      return {
        ok: false,
        error: { code: 'rate_limited', message: 'bucket spent (X-RateLimit-Remaining: 0)', retryable: true, retryAfterMilliseconds: resetAt - Date.now() },
      };
    }
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, {
        method,
        headers: {
          authorization: `Bot ${this.#options.botToken}`,
          'user-agent': 'DiscordBot (https://github.com/awoooi, 0.1)',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#options.timeoutMilliseconds ?? 10_000),
      });
    } catch (error) {
      this.#health = 'unreachable: Discord did not answer';
      return {
        ok: false,
        error: { code: 'unavailable', message: `Discord did not answer (${error instanceof Error ? error.name : 'error'})`, retryable: true },
      };
    }
    // A 429's wait reaches the core's buckets as `retryAfterMilliseconds`; the headers matter on a success.
    if (response.ok) this.#noteHeaders(bucket, response.headers);
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (response.ok) {
      this.#health = this.#guild === undefined ? 'ok' : `ok (guild ${this.#guild})`;
      return { ok: true, value: json };
    }
    const failure = discordError(response.status, json, response.headers);
    if (failure.code === 'rate_limited' && errorAnswer.safeParse(json).data?.global === true) {
      this.#spent.set(globalBucket, Date.now() + (failure.retryAfterMilliseconds ?? 1000));
    }
    if (failure.code === 'unavailable') this.#health = `unreachable: ${failure.message}`;
    else if (failure.code === 'refused') this.#health = `refused: ${failure.message}`;
    else if (failure.code === 'rate_limited') this.#health = 'ok (rate limited, waiting as told)';
    return { ok: false, error: failure };
  }

  /** X-RateLimit-Remaining 0 means the next call on this route would meet a 429: remember when it resets. */
  #noteHeaders(bucket: string, headers: Headers): void {
    const remaining = headers.get('x-ratelimit-remaining');
    const resetAfter = Number(headers.get('x-ratelimit-reset-after'));
    if (remaining === '0' && Number.isFinite(resetAfter) && resetAfter > 0) this.#spent.set(bucket, Date.now() + Math.ceil(resetAfter * 1000));
    else this.#spent.delete(bucket);
  }
}

/** Discord's failures as values: 429 with the body's retry_after (seconds, a float), 404 not found, 4xx final, 5xx retryable. */
export function discordError(status: number, body: unknown, headers: Headers): ChatError {
  const parsed = errorAnswer.safeParse(body);
  const detail = parsed.success ? parsed.data : {};
  const message = `Discord answered ${status}${detail.message ? `: ${detail.message.slice(0, 200)}` : ''}`;
  if (status === 429) {
    const seconds = detail.retry_after ?? Number(headers.get('retry-after') ?? headers.get('x-ratelimit-reset-after') ?? 1);
    return { code: 'rate_limited', message, retryable: true, retryAfterMilliseconds: Math.max(1, Math.ceil((Number.isFinite(seconds) ? seconds : 1) * 1000)) };
  }
  if (status === 404) return { code: 'not_found', message, retryable: false };
  if (status >= 500) return { code: 'unavailable', message, retryable: true };
  if (status === 401 || status === 403) return { code: 'refused', message, retryable: false };
  return { code: 'invalid', message, retryable: false };
}
