import { sealAuditOutbox, type SealDependencies } from './seal-audit-outbox.ts';

/** Batches moved per tick at most: 20 × 500 entries a second is far beyond any storm's receipts. */
const maxBatchesPerTick = 20;

/**
 * Seals the audit outbox every `intervalMilliseconds` (on every replica; sealers are safe concurrently),
 * until it is drained or the tick's budget is spent. `stop` ends the timer and seals once more, so a graceful
 * shutdown leaves nothing waiting; a crash leaves the rows for the next sealer.
 */
export function startAuditSealer(deps: SealDependencies, intervalMilliseconds: number): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const drain = async () => {
    for (let batch = 0; batch < maxBatchesPerTick; batch++) if ((await sealAuditOutbox(deps)) === 0) return;
  };
  // A tick that finds the previous one still running skips: ticks never pile up behind a slow database.
  const tick = () => {
    running ??= drain()
      .catch((error: unknown) => deps.log.warn({ err: error }, 'audit outbox sealing failed; retried next tick'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(tick, intervalMilliseconds);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      await tick();
    },
  };
}
