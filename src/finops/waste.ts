/** Headroom kept above actual use before anything counts as waste (DESIGN.md §2 FinOps). */
export const safetyBuffer = 1.2;

/** Below this share of its request, a day of CPU use counts as idle (a zombie's day). */
export const idleShare = 0.01;

/**
 * `wasted = requested − actual × 1.2`, never below zero: what could be released while keeping a 20% buffer
 * above the use seen. Unknown or negative inputs waste nothing: a figure we cannot back is not claimed.
 */
export function wasted(requested: number, actual: number, buffer = safetyBuffer): number {
  if (!Number.isFinite(requested) || !Number.isFinite(actual) || requested <= 0 || actual < 0) return 0;
  return Math.max(0, requested - actual * buffer);
}

/** What to request instead: actual use with the buffer, never above the current request. */
export function rightSized(requested: number, actual: number, buffer = safetyBuffer): number {
  return Math.min(requested, actual * buffer);
}

/**
 * How many whole days, counted back from the newest, a workload's CPU stayed under `idleShare` of its request.
 * A day without samples or without a request ends the run: an idle streak is only claimed on evidence.
 */
export function idleDays(days: readonly { usedCores: number | null; requestedCores: number | null }[]): number {
  let count = 0;
  for (let index = days.length - 1; index >= 0; index--) {
    const day = days[index]!;
    if (day.usedCores === null || day.requestedCores === null || day.requestedCores <= 0) break;
    if (day.usedCores >= day.requestedCores * idleShare) break;
    count++;
  }
  return count;
}
