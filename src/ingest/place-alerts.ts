import { canonicalJson } from '../domain/canonical-json.ts';
import type { ServiceAlert } from '../incidents/correlate-alerts.ts';
import type { LatestOccurrence } from './latest-occurrences.ts';
import type { FlapRule } from './reopen-flapping-incidents.ts';
import type { PlacedAlert } from './write-alerts.ts';

/**
 * An alert, its incident, whether it is stored exactly as sent (nothing to write), whether it reopens it,
 * whether that was remembered rather than read (a claim to check, ADR 0039), and when its stored row last changed
 * as read or written (`stamp`, what a later batch checks a remembered alert by).
 */
export type Placement = PlacedAlert & { unchanged: boolean; reopens?: boolean; remembered?: boolean; stamp?: string };

/** Where alerts go: `placed` in an incident, `unplaced` (to correlate), and how many to ignore. */
export interface AlertPlacements {
  placed: Placement[];
  unplaced: ServiceAlert[];
  ignored: number;
}

/** Where each alert goes, from the newest stored occurrence of its fingerprint. */
export function placeAlerts(alerts: readonly ServiceAlert[], latest: Map<string, LatestOccurrence>, flapping: FlapRule): AlertPlacements {
  const placed: Placement[] = [];
  const unplaced: ServiceAlert[] = [];
  let ignored = 0;
  for (const alert of alerts) {
    const previous = latest.get(alert.fingerprint);
    if (previous?.incidentStatus === 'open' || (previous && alert.status === 'resolved'))
      placed.push({ alert, incidentId: previous.incidentId, unchanged: unchanged(previous, alert), stamp: previous.stamp });
    else if (alert.status === 'resolved')
      ignored += 1; // never seen firing: nothing to resolve
    else if (previous && previous.startsAt.getTime() === alert.startsAt.getTime())
      ignored += 1; // late replay: never reopen
    else if (previous?.incidentResolvedAt && previous.incidentResolvedAt >= flapping.since)
      placed.push({ alert, incidentId: previous.incidentId, unchanged: false, reopens: true }); // flapping: its incident again
    else unplaced.push(alert); // new, or firing again long after its incident resolved: a new occurrence
  }
  return { placed, unplaced, ignored };
}

// Re-sends of a long-lived group are most of a storm: they skip the upsert entirely (no row lock, no write).
function unchanged(stored: LatestOccurrence, alert: ServiceAlert): boolean {
  return (
    stored.status === alert.status &&
    stored.severity === alert.severity &&
    (stored.endsAt?.getTime() ?? null) === (alert.endsAt?.getTime() ?? null) &&
    canonicalJson(stored.annotations) === canonicalJson(alert.annotations)
  );
}
