import { setTimeout as sleep } from 'node:timers/promises';

export interface PacerTime {
  now(): number;
  sleep(milliseconds: number): Promise<unknown>;
}

const realTime: PacerTime = { now: () => Date.now(), sleep };

/** Call when the analysis the pacer let start has finished: its duration spaces the next one. */
export type AnalysisFinished = () => void;

/**
 * Spaces the analyses of one incident at least `intervalMilliseconds` apart in this process (ADR 0009), and
 * further apart when they are slow: their own duration divided by `share`, so re-analysing one incident takes no
 * more than that share of the time, up to `maxSpacingMilliseconds` (ADR 0040). The stately queue already keeps one run in flight and one
 * waiting; during a storm the waiting one would start the moment the last ends, re-ranking a 300-service incident
 * of tens of thousands of alerts back to back. Waiting inside the job lets the alerts of that time coalesce into
 * the one waiting job, at a cost to a card's freshness of at most the spacing. Other incidents are not held up:
 * each job of a batch waits on its own.
 */
export function analysisPacer(
  intervalMilliseconds: number,
  options: { time?: PacerTime; share?: number; maxSpacingMilliseconds?: number } = {},
): (incidentId: string) => Promise<AnalysisFinished> {
  const time = options.time ?? realTime;
  const share = options.share ?? 0.05;
  // A card follows its alerts within about a second (issue 6), however slow its incident's analysis.
  const maxSpacing = Math.max(intervalMilliseconds, options.maxSpacingMilliseconds ?? 500);
  const started = new Map<string, { at: number; spacing: number }>();
  return async (incidentId) => {
    const last = started.get(incidentId);
    const wait = last === undefined ? 0 : last.at + last.spacing - time.now();
    if (wait > 0) await time.sleep(wait);
    const now = time.now();
    const entry = { at: now, spacing: intervalMilliseconds };
    started.set(incidentId, entry);
    // Only incidents analysed within their spacing matter; forget the rest so the map stays small.
    if (started.size > 1000) for (const [id, run] of started) if (run.at + run.spacing <= now) started.delete(id);
    return () => {
      entry.spacing = Math.min(maxSpacing, Math.max(intervalMilliseconds, (time.now() - now) / share));
    };
  };
}
