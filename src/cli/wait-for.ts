import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` until it gives a value, or gives up after `timeoutMilliseconds` (then undefined). */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMilliseconds = 20_000, intervalMilliseconds = 100): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(intervalMilliseconds);
  }
  return undefined;
}
