import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Alert } from '../alerts/alert.ts';

/** An alert placed in an incident: what `SettledAlerts` remembers after a commit. */
export interface SettledPlacement {
  alert: Alert;
  incidentId: string;
  /** When its row last changed, as read or written (`LatestOccurrence.stamp`); without one, nothing is remembered. */
  stamp?: string;
}

/** How many fingerprints one process remembers, and for how long (ADR 0039). */
export interface SettledAlertsOptions {
  /** Default 100,000 (about 30 MB). */
  maxAlerts?: number;
  /** Default 30 minutes: past Alertmanager's group_interval, so a storm's re-sends hit. */
  ttlMilliseconds?: number;
  /** Milliseconds on a monotonic clock, for the time to live; default `performance.now`. */
  now?: () => number;
}

/**
 * What this process last stored of each fingerprint, as sent, the incident it went to and when its row last
 * changed (ADR 0039). A storm is mostly groups re-sent whole with nothing new; an alert sent exactly as it was
 * last stored (same start, status, severity, end and annotations) needs no read of its row. The database stays the
 * only truth: a hit is only a claim that the batch checks in the statement that records it (its row unchanged
 * since, by another replica or another batch of this one; the incident still open for a firing alert, not merged
 * for any), and a batch whose claim fails starts over without the cache.
 */
export class SettledAlerts {
  readonly #entries: LRUCache<string, { incidentId: string; signature: string; stamp: string }>;

  constructor(options: SettledAlertsOptions = {}) {
    this.#entries = new LRUCache({
      max: options.maxAlerts ?? 100_000,
      ttl: options.ttlMilliseconds ?? 30 * 60_000,
      // A clock of its own is read at each call (the default caches its reading for a millisecond).
      ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    });
  }

  /**
   * What this process remembers of the alert's fingerprint: the incident it was stored in, and whether it is sent
   * exactly as stored then (`unchanged`); undefined when it remembers nothing of it.
   */
  recall(alert: Alert): { incidentId: string; unchanged: boolean; stamp: string } | undefined {
    const entry = this.#entries.get(alert.fingerprint);
    return entry === undefined ? undefined : { incidentId: entry.incidentId, unchanged: entry.signature === signatureOf(alert), stamp: entry.stamp };
  }

  /** Remembers alerts as a committed batch left them. */
  remember(placements: readonly SettledPlacement[]): void {
    for (const { alert, incidentId, stamp } of placements) {
      // Unknown when its row was last written: forgotten rather than remembered wrong.
      if (stamp === undefined) this.#entries.delete(alert.fingerprint);
      else this.#entries.set(alert.fingerprint, { incidentId, signature: signatureOf(alert), stamp });
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

// Not canonical JSON: one sender sends one alert the same way each time, and a miss only costs a read. The
// start is part of it, so an alert firing again (a new start) is never taken for the occurrence stored before.
function signatureOf(alert: Alert): string {
  const text = `${alert.startsAt.getTime()}\u0000${alert.status}\u0000${alert.severity}\u0000${alert.endsAt?.getTime() ?? ''}\u0000${JSON.stringify(alert.annotations)}`;
  return hash('sha1', text, 'base64');
}
