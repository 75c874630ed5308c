import type { JobQueue } from '../jobs/job-queue.ts';
import type { EventBus } from '../ports/event-bus.ts';
import { activatePaging } from './activate-paging.ts';
import { deliverPage } from './deliver-page.ts';
import { endResolvedEscalations } from './end-resolved-escalations.ts';
import { fireDueSteps } from './fire-due-steps.ts';
import { followUpPage } from './follow-up-page.ts';
import type { PagingDependencies } from './paging-dependencies.ts';
import { reselectPolicies } from './reselect-policies.ts';
import { startEscalations } from './start-escalations.ts';

export interface Paging {
  /** One pass: start escalations of new incidents, choose again where severity rose, fire due steps, end those of resolved incidents. */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * On-call paging (ADR 0026): pages are delivered by durable jobs; escalations start, step and end in a sweep
 * that runs every `sweepSeconds` and at once after any incident change. All state is in PostgreSQL, so the sweep
 * may run in every replica at the same time and after any restart: it never loses or doubles a step. Before the
 * first pass, paging is recorded as active (ADR 0037): incidents open before it was switched on are not paged.
 */
export async function startPaging(
  deps: PagingDependencies & { jobs: Pick<JobQueue, 'enqueue' | 'notify' | 'work'>; events: Pick<EventBus, 'publish' | 'subscribe'> },
): Promise<Paging> {
  await deps.jobs.work('deliver-page', async ({ pageId }) => void (await deliverPage(deps, pageId)), { batchSize: 8 });
  await deps.jobs.work('page-follow-up', ({ pageId, action }) => followUpPage(deps, pageId, action), { batchSize: 4 });
  // Before any sweep: an incident open before paging was switched on must not be started by one.
  await activatePaging(deps);
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const pass = async () => {
    try {
      await startEscalations(deps);
      await reselectPolicies(deps);
      await fireDueSteps(deps);
      await endResolvedEscalations(deps);
    } catch (error) {
      deps.log.warn({ err: error }, 'paging sweep failed; the next one tries again');
    }
  };
  // One pass at a time per process. A call during a pass gets the next pass (one, however many ask), so what
  // the caller changed before calling is always seen.
  const sweep = (): Promise<void> => {
    if (running === undefined) {
      running = pass().finally(() => {
        running = undefined;
      });
      return running;
    }
    queued ??= running.then(() => {
      queued = undefined;
      return sweep();
    });
    return queued;
  };
  const timer = setInterval(() => void sweep(), deps.settings.sweepSeconds * 1000);
  timer.unref();
  const unsubscribe = deps.events.subscribe((event) => {
    if (event.type === 'incident-updated') void sweep();
  });
  void sweep();
  return {
    sweep,
    stop: async () => {
      clearInterval(timer);
      unsubscribe();
      await queued;
      await running;
    },
  };
}
