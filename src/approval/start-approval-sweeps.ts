import { approvalTimings, type ApprovalDependencies } from './approval-dependencies.ts';
import { expireProposals } from './expire-proposals.ts';
import { sweepExecutions } from './sweep-executions.ts';

export interface ApprovalSweeps {
  /** Stops the timers and waits for a sweep in progress (so the database is not closed under it). */
  stop(): Promise<void>;
}

export interface SweepIntervals {
  /** Execution sweep: interrupted executions are settled within a lease plus this (default 5 s). */
  executionMilliseconds?: number;
  /** Expiry sweep (default 15 s): a click or a claim on an overdue proposal expires it at once anyway. */
  expiryMilliseconds?: number;
}

/**
 * The periodic work of the approval engine on this replica: the execution sweep (first run at once, so a restart
 * settles what a crash left) and the expiry sweep. Each skips a tick while its previous run is still going; both
 * are safe on every replica at once.
 */
export function startApprovalSweeps(deps: ApprovalDependencies, intervals: SweepIntervals = {}): ApprovalSweeps {
  const running = new Set<Promise<unknown>>();
  const every = (milliseconds: number, what: string, sweep: () => Promise<unknown>) => {
    let current: Promise<unknown> | null = null;
    const tick = () => {
      if (current !== null) return;
      current = sweep()
        .catch((error: unknown) => deps.log.warn({ err: error }, `${what} failed`))
        .finally(() => {
          if (current !== null) running.delete(current);
          current = null;
        });
      running.add(current);
    };
    const timer = setInterval(tick, milliseconds);
    timer.unref();
    return { timer, tick };
  };
  const executions = every(intervals.executionMilliseconds ?? approvalTimings.sweepMilliseconds, 'execution sweep', () => sweepExecutions(deps));
  const expiry = every(intervals.expiryMilliseconds ?? 15_000, 'expiry sweep', () => expireProposals(deps));
  executions.tick();
  return {
    stop: async () => {
      clearInterval(executions.timer);
      clearInterval(expiry.timer);
      await Promise.all([...running]);
    },
  };
}
