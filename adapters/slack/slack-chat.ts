import {
  type Logger as SlackLogger,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import { z } from 'zod';
import type { IncidentCard } from '../../src/cards/incident-card.ts';
import type { ChatChannel, ChatError, ChatMessageRef, ChatPacing, ChatPort, ChatResult, PrivateRecipient } from '../../src/ports/chat-port.ts';
import { renderBlockKit, renderThreadReply } from './render-block-kit.ts';
import { renderReportBlockKit } from './render-report-block-kit.ts';
import type { FinOpsCard } from '../../src/finops/render-finops-report.ts';

export interface SlackChatOptions {
  botToken: string;
  channel: string;
  /** Web API base (SLACK_API_URL). */
  apiUrl: string;
  /** The web console's origin, for "full card" links. */
  consoleUrl?: string | undefined;
  /** Deadline of each API call. */
  timeoutMilliseconds?: number;
}

/**
 * Slack's published limits: chat.postMessage about one message per second per channel (thread replies
 * included); chat.update is Tier 3, about 50 a minute, counted per app and workspace. Both are paced evenly,
 * with a margin: a request delayed on the way must not land inside the previous one's second (measured with
 * bench/chat-storm-bench.ts against a fake Slack enforcing the limits), and an even pace never bunches 50
 * edits at the end of one minute and 50 at the start of the next.
 */
export const slackPacing: ChatPacing = {
  post: { points: 1, perSeconds: 1.2, scope: 'channel' },
  update: { points: 1, perSeconds: 1.25, scope: 'workspace' },
};

// Deliberately partial: only what we read of Slack's answers.
const postAnswer = z.object({ ts: z.string().min(1), channel: z.string().min(1) });
const authAnswer = z.object({ team_id: z.string().min(1) });

// Outcomes Slack reports that no retry will change; anything else unexpected counts as a platform hiccup.
const refusals = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'not_authed',
  'restricted_action',
  'cant_update_message',
  'edit_window_closed',
  'user_not_in_channel',
]);
const invalid = new Set(['invalid_blocks', 'invalid_blocks_format', 'msg_too_long', 'no_text', 'too_many_attachments', 'invalid_arguments']);

/** The web client says nothing by itself: what matters is logged by the core, and never a token. */
const quietLogger: SlackLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/**
 * The ChatPort over Slack's Web API (@slack/web-api, ADR 0014): Block Kit cards by chat.postMessage, edited in
 * place by chat.update, timeline lines by thread_ts, private answers by chat.postEphemeral. The client never
 * retries by itself: a 429 comes back as `rate_limited` with Slack's Retry-After, so the core's buckets wait
 * as told and keep the update queued.
 */
export class SlackChat implements ChatPort {
  readonly platform = 'slack' as const;
  readonly pacing = slackPacing;
  readonly description: string;
  #client: WebClient;
  #channel: string;
  #consoleUrl: string | undefined;
  #team: string | undefined;
  #health = 'not contacted yet';

  constructor(options: SlackChatOptions) {
    this.#channel = options.channel;
    this.#consoleUrl = options.consoleUrl;
    this.description = `Slack channel ${options.channel}${options.apiUrl.startsWith('https://slack.com/') ? '' : ` via ${new URL(options.apiUrl).origin}`}`;
    this.#client = new WebClient(options.botToken, {
      slackApiUrl: options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: options.timeoutMilliseconds ?? 10_000,
      allowAbsoluteUrls: false,
      logger: quietLogger,
    });
  }

  /** The workspace is learnt from Slack (auth.test) on first use; until then the bucket key says "pending". */
  get channel(): ChatChannel {
    return { workspace: this.#team ?? 'pending', channel: this.#channel };
  }

  /** Asks Slack which workspace the token belongs to (auth.test), once. */
  async workspace(): Promise<ChatResult<string>> {
    if (this.#team !== undefined) return { ok: true, value: this.#team };
    const answered = await this.#call(() => this.#client.auth.test());
    if (!answered.ok) return answered;
    const parsed = authAnswer.safeParse(answered.value);
    if (!parsed.success) return { ok: false, error: { code: 'unavailable', message: 'auth.test answered without team_id', retryable: true } };
    this.#team = parsed.data.team_id;
    return { ok: true, value: this.#team };
  }

  async postCard(channel: ChatChannel, card: IncidentCard): Promise<ChatResult<ChatMessageRef>> {
    const team = await this.workspace();
    if (!team.ok) return team;
    const message = renderBlockKit(card, this.#consoleUrl);
    const posted = await this.#call(() =>
      this.#client.chat.postMessage({ channel: channel.channel, ...message, unfurl_links: false, unfurl_media: false, link_names: false }),
    );
    if (!posted.ok) return posted;
    const parsed = postAnswer.safeParse(posted.value);
    if (!parsed.success) return { ok: false, error: { code: 'unavailable', message: 'chat.postMessage answered without ts', retryable: true } };
    return { ok: true, value: { workspace: team.value, channel: parsed.data.channel, messageId: parsed.data.ts, threadId: parsed.data.ts } };
  }

  async updateCard(message: ChatMessageRef, card: IncidentCard): Promise<ChatResult<void>> {
    const rendered = renderBlockKit(card, this.#consoleUrl);
    const updated = await this.#call(() => this.#client.chat.update({ channel: message.channel, ts: message.messageId, ...rendered, link_names: false }));
    return updated.ok ? { ok: true, value: undefined } : updated;
  }

  async postThreadReply(message: ChatMessageRef, text: string): Promise<ChatResult<void>> {
    const posted = await this.#call(() =>
      this.#client.chat.postMessage({
        channel: message.channel,
        thread_ts: message.threadId ?? message.messageId,
        text: renderThreadReply(text),
        unfurl_links: false,
        unfurl_media: false,
        link_names: false,
      }),
    );
    return posted.ok ? { ok: true, value: undefined } : posted;
  }

  async postReport(channel: ChatChannel, report: FinOpsCard): Promise<ChatResult<void>> {
    const message = renderReportBlockKit(report);
    const posted = await this.#call(() =>
      this.#client.chat.postMessage({ channel: channel.channel, ...message, unfurl_links: false, unfurl_media: false, link_names: false }),
    );
    return posted.ok ? { ok: true, value: undefined } : posted;
  }

  async answerPrivately(recipient: PrivateRecipient, text: string): Promise<ChatResult<void>> {
    const posted = await this.#call(() => this.#client.chat.postEphemeral({ channel: recipient.channel, user: recipient.user, text: renderThreadReply(text) }));
    return posted.ok ? { ok: true, value: undefined } : posted;
  }

  /** How the last call went, for `/readyz` details: "ok (workspace T…)", "unreachable: …", "refused: …". */
  health(): string {
    return this.#health;
  }

  async #call<T>(send: () => Promise<T>): Promise<ChatResult<T>> {
    try {
      const value = await send();
      this.#health = `ok (workspace ${this.#team ?? 'unknown yet'})`;
      return { ok: true, value };
    } catch (error) {
      const failure = chatError(error);
      if (failure.code === 'unavailable') this.#health = `unreachable: ${failure.message}`;
      else if (failure.code === 'refused') this.#health = `refused: ${failure.message}`;
      else if (failure.code === 'rate_limited') this.#health = 'ok (rate limited, waiting as told)';
      return { ok: false, error: failure };
    }
  }
}

/** Slack's failures as values: rate limits with Slack's wait, refusals as final, the rest retryable. */
export function chatError(error: unknown): ChatError {
  if (error instanceof WebAPIRateLimitedError) {
    return { code: 'rate_limited', message: 'Slack answered 429', retryable: true, retryAfterMilliseconds: Math.max(1, error.retryAfter) * 1000 };
  }
  if (error instanceof WebAPIPlatformError) {
    const code = String(error.data.error);
    if (code === 'ratelimited') return { code: 'rate_limited', message: code, retryable: true, retryAfterMilliseconds: 1000 };
    if (code === 'message_not_found') return { code: 'not_found', message: code, retryable: false };
    if (refusals.has(code)) return { code: 'refused', message: code, retryable: false };
    if (invalid.has(code)) return { code: 'invalid', message: code, retryable: false };
    return { code: 'unavailable', message: code, retryable: true };
  }
  if (error instanceof WebAPIHTTPError) {
    return error.statusCode >= 500
      ? { code: 'unavailable', message: `Slack answered ${error.statusCode}`, retryable: true }
      : { code: 'refused', message: `Slack answered ${error.statusCode}`, retryable: false };
  }
  if (error instanceof WebAPIRequestError) return { code: 'unavailable', message: 'Slack did not answer', retryable: true };
  return { code: 'unavailable', message: error instanceof Error ? error.name : 'unexpected error', retryable: true };
}
