import type { Kysely } from 'kysely';
import type { Person } from '../domain/person.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Clock } from '../ports/clock.ts';
import type { ClusterPort } from '../ports/cluster-port.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { Risk } from '../domain/risk.ts';

/**
 * What the approval engine needs from the outside. `people` is the CURRENT configuration: roles are read
 * from it at every click and again at execution, never from what a signer held when signing.
 */
export interface ApprovalDependencies {
  db: Kysely<DatabaseSchema>;
  cluster: ClusterPort;
  clock: Clock;
  /** Enqueues through the caller's transaction (the job exists iff the approval committed). */
  jobs: Pick<JobQueue, 'enqueue'>;
  events: EventBus;
  people: readonly Person[];
  /** How long a proposal waits for its signatures (DESIGN.md §2: default 30). */
  expiryMinutes: number;
  /** Per action name; sets the action's base risk, never lowers CRITICAL. */
  riskOverrides?: Record<string, Risk>;
}
