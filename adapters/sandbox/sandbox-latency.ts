import { setTimeout as sleep } from 'node:timers/promises';

/** The sandbox's calls, each of which can be given a simulated latency. */
export type SandboxCall = 'dryRun' | 'execute' | 'reconcile' | 'workloadResources';

/** Milliseconds each call waits before the simulated API server sees it. */
export type SandboxLatency = Partial<Record<SandboxCall, number>>;

/**
 * Waits like a slow API server would, and honours the caller's signal as a real client does: an aborted call
 * rejects with the signal's reason and never reaches the world (so a timed-out execute did not take effect).
 */
export async function simulateLatency(milliseconds: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  if (milliseconds === undefined || milliseconds <= 0) return;
  try {
    await sleep(milliseconds, undefined, signal === undefined ? {} : { signal });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}
