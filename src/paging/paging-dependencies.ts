import type { Kysely } from 'kysely';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { ScheduleConfig } from '../oncall/oncall-settings.ts';
import type { Clock } from '../ports/clock.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { Logger } from '../ports/logger.ts';
import type { PagerPort, PagingChannel } from '../ports/pager-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { Contacts, PagingSettings } from './paging-settings.ts';

/** A person as paging needs them: a name to show, contacts to reach, chat accounts to recognise an ack by. */
export interface PageablePerson {
  id: string;
  name: string;
  contacts?: Contacts | undefined;
  accounts: Partial<Record<string, string>>;
}

/** What the paging use cases need; built once by the composition root. */
export interface PagingDependencies {
  db: Kysely<DatabaseSchema>;
  jobs: Pick<JobQueue, 'enqueue' | 'notify'>;
  clock: Clock;
  log: Logger;
  events: Pick<EventBus, 'publish'>;
  settings: PagingSettings;
  schedules: readonly ScheduleConfig[];
  people: readonly PageablePerson[];
  /** The providers switched on, by channel; a contact whose channel has none is skipped (and said so). */
  pagers: ReadonlyMap<PagingChannel, PagerPort>;
  /** The web console's public origin, for links in pages. */
  publicUrl?: string | undefined;
  /** Deadline of one provider call. */
  callTimeoutMilliseconds?: number;
}
