import type { Kysely } from 'kysely';
import type { Person } from '../domain/person.ts';
import type { Risk } from '../domain/risk.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Clock } from '../ports/clock.ts';
import type { ClusterDirectory, ClusterPort } from '../ports/cluster-port.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/**
 * What the approval engine needs from the outside. `people` is the CURRENT configuration: roles are read
 * from it at every click and again at execution, never from what a signer held when signing.
 */
export interface ApprovalDependencies {
  db: Kysely<DatabaseSchema>;
  /** The (default) cluster; with `clusters`, each incident's proposals go to the incident's own cluster instead. */
  cluster: ClusterPort;
  /** Several clusters by name (ADR 0032); absent: one cluster. */
  clusters?: ClusterDirectory;
  clock: Clock;
  /** Enqueues through the caller's transaction (the job exists iff the approval committed). */
  jobs: Pick<JobQueue, 'enqueue'>;
  events: EventBus;
  /** One line per proposal created, click, execution start and end, VOIDED, expiry, supersede, reconcile. */
  log: Logger;
  people: readonly Person[];
  /** How long a proposal waits for its signatures and its execution (DESIGN.md §2: default 30). */
  expiryMinutes: number;
  /** Per action name; sets the action's base risk, never lowers CRITICAL. */
  riskOverrides?: Record<string, Risk>;
  /** Deadline of each cluster call (`cluster.timeoutSeconds`); default 30 s. */
  clusterTimeoutMilliseconds?: number;
  /** How long an execution's lease lasts without a heartbeat (renewed every third of it); default 15 s. */
  leaseMilliseconds?: number;
}

/** Defaults of the optional timings above (production values; tests pass shorter ones). */
export const approvalTimings = { clusterTimeoutMilliseconds: 30_000, leaseMilliseconds: 15_000, sweepMilliseconds: 5_000 } as const;

/** The cluster deadline and lease length in force for `deps`. */
export function timingsOf(deps: ApprovalDependencies): { clusterTimeoutMilliseconds: number; leaseMilliseconds: number } {
  return {
    clusterTimeoutMilliseconds: deps.clusterTimeoutMilliseconds ?? approvalTimings.clusterTimeoutMilliseconds,
    leaseMilliseconds: deps.leaseMilliseconds ?? approvalTimings.leaseMilliseconds,
  };
}
