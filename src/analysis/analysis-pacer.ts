import { setTimeout as sleep } from 'node:timers/promises';

export interface PacerTime {
  now(): number;
  sleep(milliseconds: number): Promise<unknown>;
}

const realTime: PacerTime = { now: () => Date.now(), sleep };

/**
 * Spaces the analyses of one incident at least `intervalMilliseconds` apart in this process (ADR 0009). The
 * stately queue already keeps one run in flight and one waiting; during a storm the waiting one would start the
 * moment the last ends, re-ranking a 300-service incident back to back. Waiting out the interval inside the
 * job lets the alerts of that time coalesce into the one waiting job, at a cost to a card's freshness of at
 * most the interval. Other incidents are not held up: each job of a batch waits on its own.
 */
export function analysisPacer(intervalMilliseconds: number, time: PacerTime = realTime): (incidentId: string) => Promise<void> {
  const started = new Map<string, number>();
  return async (incidentId) => {
    const wait = (started.get(incidentId) ?? Number.NEGATIVE_INFINITY) + intervalMilliseconds - time.now();
    if (wait > 0) await time.sleep(wait);
    const now = time.now();
    started.set(incidentId, now);
    // Only incidents analysed within the interval matter; forget the rest so the map stays small.
    if (started.size > 1000) for (const [id, at] of started) if (at + intervalMilliseconds <= now) started.delete(id);
  };
}
