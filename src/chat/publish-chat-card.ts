import type { Kysely } from 'kysely';
import type { IncidentCard } from '../cards/incident-card.ts';
import { canonicalJson, sha256Hex } from '../domain/canonical-json.ts';
import type { ChatChannel, ChatError, ChatPort, ChatResult } from '../ports/chat-port.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { cardTimeline } from './card-timeline.ts';
import type { ChannelPacer, PacedCall } from './channel-pacer.ts';
import { findChatMessageOfIncident, saveChatDigest, saveChatMessage, saveChatReply, type StoredChatMessage } from './chat-message-repository.ts';
import { type CardPlace, routeCard, type ChatRoute } from './route-card.ts';

export interface PublishDependencies {
  db: Kysely<DatabaseSchema>;
  chat: ChatPort;
  pacer: ChannelPacer;
  clock: Clock;
  log: Logger;
  buildCard: (incidentId: string) => Promise<IncidentCard | null>;
  /** Channels by severity or service; without a match (or routes) cards go to the platform's default channel. */
  routes?: readonly ChatRoute[];
  /** The incident's namespaces and owning teams, for routes by namespace or team; from the card alone without it. */
  placeOf?: (card: IncidentCard) => CardPlace;
  /** Waits up to this long for a free slot in the channel's bucket; longer waits end the run `deferred`. */
  maxInlineWaitMilliseconds?: number;
  sleep?: (milliseconds: number) => Promise<void>;
}

/**
 * `deferred`: the channel is busy (its bucket empty, or the platform said 429); run again after `afterMilliseconds`.
 * `gave_up`: the platform refused for good (channel gone, bot removed); logged, nothing retried.
 */
export type PublishOutcome =
  | { kind: 'posted' | 'updated' | 'unchanged' | 'no_incident' | 'gave_up'; replies: number }
  | { kind: 'deferred'; afterMilliseconds: number; replies: number };

/** A failure worth trying again later (network, 5xx): the job fails and the queue retries it with backoff. */
export class RetryableChatError extends Error {}

// A new card or reply waits inside the run for one even-paced slot (Slack: 1.2 s); an edit waits only briefly and
// is otherwise deferred, so that a busy incident's edits never hold up the batch in which new cards are posted
// (bench/chat-storm-bench.ts under the limits: incident-to-card p50 0.91 s when edits slept too, 0.45 s so; deferring
// posts as well made p99 5.8 s).
const defaultInlineWait = { post: 1_300, update: 300 } as const;
const realSleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** The digest a card message is compared by: an update whose card did not change costs no API call. */
export function cardDigest(card: IncidentCard): string {
  return sha256Hex(canonicalJson(card));
}

type Step<T> = { ok: true; value: T } | { ok: false; deferred: number } | { ok: false; gaveUp: ChatError };

/**
 * Brings the incident's one chat message up to date: posts it the first time (and stores which message it
 * is, so a restart keeps updating the same one), edits it in place when the card changed, then posts the
 * timeline lines not yet in its thread. Every call waits for its channel's bucket; a 429 closes the bucket
 * for as long as the platform asked and ends the run `deferred` (the caller runs it again later: queued,
 * never dropped). Coalescing is the caller's: one run reads the card as it is now, however many changes led here.
 */
export async function publishChatCard(deps: PublishDependencies, incidentId: string): Promise<PublishOutcome> {
  const card = await deps.buildCard(incidentId);
  if (card === null) return { kind: 'no_incident', replies: 0 };
  const { chat } = deps;
  const digest = cardDigest(card);
  let stored = await findChatMessageOfIncident(deps.db, incidentId, chat.platform);
  // A card stays in the channel it was first posted to, even if the incident's severity or services change.
  const channel = stored?.ref ?? routeCard(card, deps.routes ?? [], chat.channel, deps.placeOf?.(card));
  let kind: 'posted' | 'updated' | 'unchanged' = 'unchanged';

  if (stored === undefined || stored.digest !== digest) {
    const existing = stored;
    const sent =
      existing === undefined
        ? await paced(deps, 'post', channel, () => chat.postCard(channel, card))
        : await paced(deps, 'update', channel, async () => {
            const updated = await chat.updateCard(existing.ref, card);
            return updated.ok ? { ok: true, value: existing.ref } : updated;
          });
    if (!sent.ok && 'gaveUp' in sent && existing !== undefined && sent.gaveUp.code === 'not_found') {
      // Someone deleted the message: post a new one and follow that from now on.
      deps.log.warn({ incidentId, platform: chat.platform, messageId: existing.ref.messageId }, 'chat card was deleted; posting it again');
      const reposted = await paced(deps, 'post', channel, () => chat.postCard({ workspace: chat.channel.workspace, channel: channel.channel }, card));
      if (!reposted.ok) return stopped(deps, incidentId, reposted, 0);
      await saveChatMessage(deps.db, incidentId, chat.platform, reposted.value, digest, deps.clock.now());
      kind = 'posted';
    } else if (!sent.ok) return stopped(deps, incidentId, sent, 0);
    else if (existing === undefined) {
      await saveChatMessage(deps.db, incidentId, chat.platform, sent.value, digest, deps.clock.now());
      kind = 'posted';
    } else {
      await saveChatDigest(deps.db, existing, digest, deps.clock.now());
      kind = 'updated';
    }
    deps.log.info({ incidentId, platform: chat.platform, channel: channel.channel, result: kind }, `chat card ${kind}`);
    stored = await findChatMessageOfIncident(deps.db, incidentId, chat.platform);
  }
  if (stored === undefined) return { kind, replies: 0 };
  return postTimeline(deps, stored, card, kind);
}

async function postTimeline(
  deps: PublishDependencies,
  stored: StoredChatMessage,
  card: IncidentCard,
  kind: 'posted' | 'updated' | 'unchanged',
): Promise<PublishOutcome> {
  const done = new Set(stored.replied);
  let replies = 0;
  for (const line of cardTimeline(card)) {
    if (done.has(line.key)) continue;
    const sent = await paced(deps, 'post', stored.ref, () => deps.chat.postThreadReply(stored.ref, line.text));
    if (!sent.ok) return stopped(deps, stored.incidentId, sent, replies);
    await saveChatReply(deps.db, stored, line.key);
    replies += 1;
  }
  return { kind, replies };
}

/** One API call after its bucket has a slot; a 429 closes the bucket and defers the run. */
async function paced<T>(deps: PublishDependencies, call: PacedCall, channel: ChatChannel, send: () => Promise<ChatResult<T>>): Promise<Step<T>> {
  const maxWait = deps.maxInlineWaitMilliseconds ?? defaultInlineWait[call];
  const sleep = deps.sleep ?? realSleep;
  for (;;) {
    const wait = await deps.pacer.take(call, channel);
    if (wait > maxWait) return { ok: false, deferred: wait };
    if (wait > 0) {
      await sleep(wait);
      continue;
    }
    const result = await send();
    if (result.ok) return result;
    const { error } = result;
    if (error.code === 'rate_limited') {
      const after = error.retryAfterMilliseconds ?? 1_000;
      await deps.pacer.pause(call, channel, after);
      deps.log.warn({ platform: deps.chat.platform, channel: channel.channel, call, retryAfterMilliseconds: after }, 'chat rate limited; waiting as told');
      return { ok: false, deferred: after };
    }
    if (error.retryable) throw new RetryableChatError(`${deps.chat.platform} ${call}: ${error.message}`);
    return { ok: false, gaveUp: error };
  }
}

function stopped(
  deps: PublishDependencies,
  incidentId: string,
  step: { ok: false; deferred: number } | { ok: false; gaveUp: ChatError },
  replies: number,
): PublishOutcome {
  if ('deferred' in step) return { kind: 'deferred', afterMilliseconds: step.deferred, replies };
  deps.log.error(
    { incidentId, platform: deps.chat.platform, code: step.gaveUp.code, reason: step.gaveUp.message },
    'chat card not delivered; the platform refused',
  );
  return { kind: 'gave_up', replies };
}
