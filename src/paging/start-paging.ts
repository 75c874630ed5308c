import type { JobQueue } from '../jobs/job-queue.ts';
import type { EventBus } from '../ports/event-bus.ts';
import { deliverPage } from './deliver-page.ts';
import { endResolvedEscalations } from './end-resolved-escalations.ts';
import { fireDueSteps } from './fire-due-steps.ts';
import { followUpPage } from './follow-up-page.ts';
import type { PagingDependencies } from './paging-dependencies.ts';
import { startEscalations } from './start-escalations.ts';

export interface Paging {
  /** One pass: start escalations of new incidents, fire due steps, end those of resolved incidents. */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * On-call paging (ADR 0026): pages are delivered by durable jobs; escalations start, step and end in a sweep
 * that runs every `sweepSeconds` and at once after any incident change. All state is in PostgreSQL, so the sweep
 * may run in every replica at the same time and after any restart: it never loses or doubles a step.
 */
export async function startPaging(
  deps: PagingDependencies & { jobs: Pick<JobQueue, 'enqueue' | 'notify' | 'work'>; events: Pick<EventBus, 'publish' | 'subscribe'> },
): Promise<Paging> {
  await deps.jobs.work('deliver-page', async ({ pageId }) => void (await deliverPage(deps, pageId)), { batchSize: 8 });
  await deps.jobs.work('page-follow-up', ({ pageId, action }) => followUpPage(deps, pageId, action), { batchSize: 4 });
  let running: Promise<void> | undefined;
  let again = false;
  const pass = async () => {
    await startEscalations(deps);
    await fireDueSteps(deps);
    await endResolvedEscalations(deps);
  };
  // One pass at a time per process; a wake-up during a pass runs one more after it.
  const sweep = (): Promise<void> => {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = pass()
      .catch((error: unknown) => deps.log.warn({ err: error }, 'paging sweep failed; the next one tries again'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          void sweep();
        }
      });
    return running;
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
      await running;
    },
  };
}
