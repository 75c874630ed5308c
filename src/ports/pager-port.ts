import type { CallOptions } from './call-options.ts';
import type { ChatError } from './chat-port.ts';

/**
 * The ways a person can be paged. The chat ones are direct messages to the person (not the channel card);
 * `discord` is defined so a Discord adapter can plug in, none ships yet.
 */
export const pagingChannels = ['slack', 'discord', 'telegram', 'sms', 'voice', 'pagerduty', 'opsgenie', 'ntfy'] as const;
export type PagingChannel = (typeof pagingChannels)[number];

/** One page: everything an adapter needs, already decided by the core. Text is raw: each adapter escapes it. */
export interface PageRequest {
  /** The page's id (for logs); unique per step, person and channel. */
  pageId: string;
  /** Opaque id an "Acknowledge" button or reply carries back; looked up server-side. */
  escalationId: string;
  /** The same for every page of one escalation: PagerDuty dedup_key, Opsgenie alias. */
  dedupKey: string;
  incidentId: string;
  incidentNumber: number;
  title: string;
  severity: string;
  /** "#42 checkout: 5xx rate high (critical), step 2 of the default policy". */
  summary: string;
  /** The person's contact for this channel: a phone number, chat id, topic, routing key. Never logged. */
  address: string;
  personName: string;
  /** The reply that acknowledges by SMS ("ACK 42"), for the text of an SMS or a call. */
  ackHint: string;
  /** The card in the web console, when a public URL is configured. */
  link?: string;
}

/** A follow-up on the provider's own incident that a page opened (PagerDuty, Opsgenie). */
export interface PageFollowUp {
  dedupKey: string;
  address: string;
  /** Who acknowledged or why it ended, for the provider's note. */
  note: string;
}

/** What the provider answered for a page: its own id (Twilio SID, Opsgenie request id), when it gave one. */
export interface PageReceipt {
  externalId: string | null;
}

/**
 * Why a call failed. `retryable`: the same call may succeed later (429, 5xx, network); a 4xx other than 429 is
 * not. `retryAfterMilliseconds` is how long the provider asked to wait, when it said.
 */
export interface PagerError {
  code: 'rate_limited' | 'unavailable' | 'refused' | 'invalid';
  message: string;
  retryable: boolean;
  retryAfterMilliseconds?: number;
}

/** Expected outcomes are values: a refused number or a provider outage is not an exception. */
export type PagerResult<T> = { ok: true; value: T } | { ok: false; error: PagerError };

/**
 * One way of paging a person (an adapter under adapters/: twilio, pagerduty, opsgenie, ntfy, or a chat platform's
 * direct message). It makes one attempt per call and never retries by itself: the core retries what is retryable
 * with backoff and records every attempt. It never throws for an outcome the provider reports.
 */
export interface PagerPort {
  readonly channel: PagingChannel;
  /** For the start-up log, e.g. "Twilio SMS from +1555…". Never a secret. */
  readonly description: string;
  /** Sends the page. */
  page(request: PageRequest, options: CallOptions): Promise<PagerResult<PageReceipt>>;
  /** Acknowledges the provider's incident (PagerDuty acknowledge, Opsgenie acknowledge); absent when it has none. */
  acknowledge?(followUp: PageFollowUp, options: CallOptions): Promise<PagerResult<void>>;
  /** Resolves the provider's incident (PagerDuty resolve, Opsgenie close); absent when it has none. */
  resolve?(followUp: PageFollowUp, options: CallOptions): Promise<PagerResult<void>>;
}

/** A chat platform's failure as the pager port's, for the direct-message pagers (a missing chat is a refusal). */
export function pagerErrorOfChat(error: ChatError): PagerError {
  const { code, ...rest } = error;
  return { ...rest, code: code === 'not_found' ? 'refused' : code };
}
