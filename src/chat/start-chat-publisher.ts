import type { Kysely } from 'kysely';
import type { IncidentCard } from '../cards/incident-card.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { ChatPort } from '../ports/chat-port.ts';
import type { Clock } from '../ports/clock.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { ChannelPacer } from './channel-pacer.ts';
import { publishChatCard } from './publish-chat-card.ts';
import type { CardPlace, ChatRoute } from './route-card.ts';

export interface ChatPublisherDependencies {
  db: Kysely<DatabaseSchema>;
  jobs: Pick<JobQueue, 'enqueue' | 'work' | 'notify'>;
  events: Pick<EventBus, 'subscribe'>;
  clock: Clock;
  log: Logger;
  buildCard: (incidentId: string) => Promise<IncidentCard | null>;
  /** The chat surfaces cards go to, each with its own buckets. */
  chats: readonly ChatPort[];
  /** Per platform: channels by severity or service (config `slack.routes`, `telegram.routes`). */
  routes?: Partial<Record<string, readonly ChatRoute[]>>;
  /** The incident's namespaces and owning teams, for routes by namespace or team. */
  placeOf?: (card: IncidentCard) => CardPlace;
  /** Shared buckets (Redis) for several replicas; in-process buckets without it. */
  limiterOf?: ConstructorParameters<typeof ChannelPacer>[2];
  /** Waits up to this long for a channel's bucket inside a run; longer waits defer the run. */
  maxInlineWaitMilliseconds?: number;
}

export interface ChatPublisher {
  /** Asks for the incident's cards to be brought up to date (what every `incident-updated` event does). */
  request(incidentId: string): Promise<void>;
  stop(): void;
}

// Cards of several incidents (and channels) are brought up to date side by side; a busy channel defers its
// run instead of holding a worker (ADR 0015).
const batchSize = 8;
const catchUpLimit = 100;

/**
 * One chat card per incident on each chat surface: every `incident-updated` event enqueues a durable job
 * keyed by platform and incident (pg-boss `stately`: one run at a time, at most one waiting), so a burst of
 * changes costs one run that reads the card as it is then. A run deferred by a busy channel or a 429 is
 * enqueued again to start when the channel frees: queued in PostgreSQL, never dropped, kept across restarts.
 */
export async function startChatPublisher(deps: ChatPublisherDependencies): Promise<ChatPublisher> {
  const surfaces = new Map(
    deps.chats.map((chat) => [
      chat.platform as string,
      { chat, pacer: new ChannelPacer(chat.platform, chat.pacing, deps.limiterOf), routes: deps.routes?.[chat.platform] ?? [] },
    ]),
  );
  const enqueue = async (incidentId: string, platform: string, startAfterSeconds?: number) => {
    await deps.jobs.enqueue(deps.db, 'publish-chat-card', { incidentId, platform }, startAfterSeconds === undefined ? {} : { startAfterSeconds });
  };
  const request = async (incidentId: string) => {
    for (const platform of surfaces.keys()) await enqueue(incidentId, platform);
    deps.jobs.notify('publish-chat-card');
  };
  await deps.jobs.work(
    'publish-chat-card',
    async ({ incidentId, platform }) => {
      const surface = surfaces.get(platform);
      // A platform switched off since the job was queued: nothing to do.
      if (surface === undefined) return;
      const log = deps.log;
      const outcome = await publishChatCard({ ...deps, ...surface, log }, incidentId);
      if (outcome.kind === 'deferred') {
        await enqueue(incidentId, platform, Math.max(1, Math.ceil(outcome.afterMilliseconds / 1000)));
        log.info({ incidentId, platform, afterMilliseconds: outcome.afterMilliseconds }, 'chat card deferred: channel busy');
      }
    },
    { batchSize },
  );
  // Cards of open incidents catch up with what changed while the bot (or the platform) was away.
  const open = await deps.db.selectFrom('incidents').select('id').where('status', '=', 'open').orderBy('opened_at', 'desc').limit(catchUpLimit).execute();
  for (const incident of open) await request(incident.id);
  const unsubscribe = deps.events.subscribe((event) => {
    if (event.type !== 'incident-updated') return;
    request(event.incidentId).catch((error: unknown) =>
      deps.log.warn({ incidentId: event.incidentId, err: error }, 'chat card update not queued; the next change queues it'),
    );
  });
  return { request, stop: unsubscribe };
}
