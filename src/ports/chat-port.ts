import type { IncidentCard } from '../cards/incident-card.ts';
import type { Platform } from '../domain/person.ts';
import type { FinOpsCard } from '../finops/render-finops-report.ts';

/** Where a card is posted: a channel of a workspace (Slack team, Discord guild, Telegram chat). */
export interface ChatChannel {
  /** Slack team id, Discord guild id, Telegram chat id; what clicks must come from. */
  workspace: string;
  channel: string;
}

/** A posted card message: enough to update it and to reply in its thread. */
export interface ChatMessageRef extends ChatChannel {
  /** Slack ts, Discord message id, Telegram message id. */
  messageId: string;
  /** Where timeline replies go (Slack thread_ts); null when replies answer the message itself. */
  threadId: string | null;
}

/** Someone to answer privately (an ephemeral message, an alert on the click). */
export interface PrivateRecipient extends ChatChannel {
  /** The platform's user id (not the person id). */
  user: string;
  /** A platform handle that answers this one interaction (Telegram callback query id), when there is one. */
  interaction?: string;
}

/**
 * Why a call failed. `retryable` says whether the same call may succeed later (rate limit, network, 5xx);
 * `retryAfterMilliseconds` is how long the platform asked to wait (429 Retry-After), when it said.
 */
export interface ChatError {
  code: 'rate_limited' | 'unavailable' | 'not_found' | 'refused' | 'invalid';
  message: string;
  retryable: boolean;
  retryAfterMilliseconds?: number;
}

/** Expected outcomes are values: a rate limit or a deleted message is not an exception. */
export type ChatResult<T> = { ok: true; value: T } | { ok: false; error: ChatError };

/**
 * A platform's own limits, so that the core paces its calls and never provokes a 429: `post` covers new
 * messages and thread replies, `update` edits. `scope` says what one bucket covers: per channel (one busy
 * channel never slows another) or per workspace (a limit the platform counts per app and workspace).
 */
export interface ChatPacing {
  post: { points: number; perSeconds: number; scope: 'channel' | 'workspace' };
  update: { points: number; perSeconds: number; scope: 'channel' | 'workspace' };
}

/**
 * A chat surface the incident card is posted to (Slack, Discord, Telegram). The adapter renders the
 * platform-neutral card in its own medium, escaping everything that came from an alert or a model, and knows
 * its limits (truncating visibly with a link to the web console card). It never throws for an outcome the
 * platform reports: every failure is a `ChatError` that says whether a retry may help.
 */
export interface ChatPort {
  readonly platform: Exclude<Platform, 'web'>;
  /** For the start-up log, e.g. "Slack channel C123". Never a token. */
  readonly description: string;
  /** Where new cards go unless a route (config `routes`) names another channel. */
  readonly channel: ChatChannel;
  readonly pacing: ChatPacing;
  /** Posts a new card message with its buttons. */
  postCard(channel: ChatChannel, card: IncidentCard): Promise<ChatResult<ChatMessageRef>>;
  /** Replaces the card message in place (same message, new content). */
  updateCard(message: ChatMessageRef, card: IncidentCard): Promise<ChatResult<void>>;
  /** One timeline line ("Alice signed", "restart ran: succeeded") in the card's thread. `text` is raw: escape it. */
  postThreadReply(message: ChatMessageRef, text: string): Promise<ChatResult<void>>;
  /** An answer only `recipient` sees (refused clicks, command results). `text` is raw: escape it. */
  answerPrivately(recipient: PrivateRecipient, text: string): Promise<ChatResult<void>>;
  /** A report without buttons (the weekly FinOps report) as a new message in `channel`; absent: the platform posts none. */
  postReport?(channel: ChatChannel, report: FinOpsCard): Promise<ChatResult<void>>;
}
