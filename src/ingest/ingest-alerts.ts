import type { Kysely } from 'kysely';
import type { Alert, AlertSource } from '../alerts/alert.ts';
import { parseAlertmanager } from '../alerts/parse-alertmanager.ts';
import { parseGenericAlerts } from '../alerts/parse-generic-alerts.ts';
import type { AlertRepair } from '../alerts/storable-alert.ts';
import { type ClusterNames, clusterOfAlert, singleCluster } from '../incidents/cluster-of-alert.ts';
import type { ServiceAlert } from '../incidents/correlate-alerts.ts';
import { resolveQuietIncidents } from '../incidents/resolve-quiet-incidents.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { isConnectionError } from '../storage/is-connection-error.ts';
import { serviceOfAlert } from '../topology/service-of-alert.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';
import { alertReceipt } from './alert-receipt.ts';
import { claimsOf } from './incident-claims.ts';
import { latestOccurrences } from './latest-occurrences.ts';
import { type Placement, placeAlerts } from './place-alerts.ts';
import { queueReceipt } from './queue-receipt.ts';
import { flapRule } from './reopen-flapping-incidents.ts';
import type { SettledAlerts } from './settled-alerts.ts';
import { type ReadBatch, type StoredBatch, storeChangedAlerts } from './store-changed-alerts.ts';

export interface IngestDependencies {
  db: Kysely<DatabaseSchema>;
  /** An alert firing again this soon after its incident resolved reopens it (flapping); 0 or absent: never. */
  flapQuietMilliseconds?: number;
  /** An incident whose alerts have all resolved resolves once none changed for this long; 0 or absent: at once. */
  resolveGraceMilliseconds?: number;
  /** Incidents quiet but inside the grace period, with the milliseconds left: look again then (a durable timer). */
  resolutionDue?: (waiting: ReadonlyMap<string, number>) => Promise<void>;
  /** Called after the commit that opened these incidents: their cards may go out before the analysis is done. */
  incidentsOpened?: (incidentIds: readonly string[]) => void;
  /** Called after a commit that requested analyses (the dispatcher's wake-up); they wait for its next tick otherwise. */
  analysisRequested?: () => void;
  clock: Clock;
  graph: () => TopologyGraph;
  serviceLabels: readonly string[];
  /** The configured clusters: an alert's cluster label picks its incident's cluster (ADR 0032); default: one cluster. */
  clusters?: ClusterNames;
  windowMilliseconds: number;
  maxDepth: number;
  log?: Logger;
  /** What this process stored last of each fingerprint (ADR 0039); absent: every batch reads all its alerts. */
  settled?: SettledAlerts;
}

export type IngestResult =
  | { ok: true; stored: number; ignored: number; incidents: string[]; repaired?: AlertRepair[] }
  | { ok: false; error: { code: 'invalid_payload'; issues: string[] } | { code: 'storage_unavailable'; message: string } };

/**
 * How often a batch starts over before giving up (a 500, which the sender retries): three times because an
 * incident it was adding to resolved or merged meanwhile, after a first attempt whose remembered claims may fail.
 */
const maxAttempts = 4;

/**
 * The door in for alerts: validate, then in ONE transaction store them idempotently (the payload is a snapshot
 * of its group), correlate the new ones into incidents and enqueue the follow-up work. All or nothing.
 */
export async function ingestAlerts(deps: IngestDependencies, source: AlertSource, body: unknown): Promise<IngestResult> {
  const parsed = source === 'generic' ? parseGenericAlerts(body, deps.clock.now()) : parseAlertmanager(body, source);
  if (!parsed.ok) return { ok: false, error: { code: 'invalid_payload', issues: parsed.issues } };
  const alerts = dedupeByFingerprint(parsed.alerts).map((alert) => withServiceAndCluster(deps, alert));
  logUnknownClusters(deps, alerts);
  let stored: StoredBatch | undefined;
  try {
    for (let attempt = 1; stored === undefined; attempt++) {
      // Starting over, the batch reads every alert: what it remembered may be what failed.
      const outcome = await storeBatch(deps, alerts, attempt === 1);
      if (outcome !== 'restart') stored = outcome;
      else if (attempt === maxAttempts) throw new Error(`incidents kept resolving under the batch (${maxAttempts} attempts)`);
    }
    // What it took from memory is there already.
    deps.settled?.remember(stored.placements.filter((entry) => !entry.remembered));
    for (const merge of stored.merged) {
      deps.log?.info(
        { incidentId: merge.into, number: merge.intoNumber, merged: merge.number, mergedId: merge.id },
        'incident merged: an alert connected it to an older one',
      );
    }
    if (stored.resolving.size > 0) {
      const resolution = await resolveQuietIncidents(deps.db, stored.resolving, { log: deps.log, graceMilliseconds: deps.resolveGraceMilliseconds });
      if (resolution.waiting.size > 0) await deps.resolutionDue?.(resolution.waiting);
    }
  } catch (error) {
    if (isConnectionError(error)) return { ok: false, error: { code: 'storage_unavailable', message: 'database unreachable' } };
    throw error;
  }
  // The requests are committed: the dispatcher turns them into jobs now rather than at its next tick.
  if (stored.analysed.length > 0) deps.analysisRequested?.();
  if (stored.opened.length > 0) deps.incidentsOpened?.(stored.opened);
  const result = { ok: true as const, stored: stored.stored, ignored: stored.ignored, incidents: stored.incidents };
  return parsed.repairs.length > 0 ? { ...result, repaired: parsed.repairs } : result;
}

/**
 * One attempt at storing the batch. What this process remembers storing as sent is not read at all (ADR 0039).
 * A batch that is mostly unknown to it (another replica's re-send, or the first after a start) is read first
 * without any lock: a storm is mostly re-sends, and what is stored as sent needs nothing more. The rest goes to
 * the transaction of `storeChangedAlerts`, which reads it again under its locks: the alerts this process
 * remembers in another state, and those it does not know (taken for new ones: most of a storm's are). 'restart':
 * an incident the batch was adding firing alerts to resolved meanwhile, or one it remembered is no longer as
 * claimed; nothing was written, read again.
 */
async function storeBatch(deps: IngestDependencies, alerts: ServiceAlert[], remembering: boolean): Promise<StoredBatch | 'restart'> {
  const remembered: Placement[] = [];
  const changed: ServiceAlert[] = [];
  const unknown: ServiceAlert[] = [];
  const expected = new Set<string>();
  for (const alert of alerts) {
    const known = remembering ? deps.settled?.recall(alert) : undefined;
    if (known !== undefined) expected.add(known.incidentId);
    if (known === undefined) unknown.push(alert);
    else if (known.unchanged) remembered.push({ alert, incidentId: known.incidentId, unchanged: true, remembered: true, stamp: known.stamp });
    else changed.push(alert);
  }
  // Unknown firing alerts may need an incident: the transaction takes the keys for that (resolved ones never do).
  const maybeNew = unknown.filter((alert) => alert.status === 'firing');
  let batch: ReadBatch = { settled: remembered, pending: [...changed, ...unknown], unplaced: maybeNew, ignored: 0, expectedIncidents: [...expected] };
  if (unknown.length > alerts.length / 4 || !remembering) {
    const read = placeAlerts(
      batch.pending,
      await latestOccurrences(
        deps.db,
        batch.pending.map((alert) => alert.fingerprint),
      ),
      flapRule(deps),
    );
    batch = {
      settled: [...remembered, ...read.placed.filter((entry) => entry.unchanged)],
      pending: [...read.placed.filter((entry) => !entry.unchanged).map((entry) => entry.alert), ...read.unplaced],
      unplaced: read.unplaced,
      ignored: read.ignored,
      expectedIncidents: [...new Set([...expected, ...read.placed.map((entry) => entry.incidentId)])],
    };
  }
  if (batch.pending.length === 0) return receiveUnchanged(deps, batch);
  const once = (scope: 'services' | 'neighbourhood', holding: readonly string[]) =>
    deps.db
      .transaction()
      .execute(async (trx) => {
        const outcome = await storeChangedAlerts(trx, deps, batch, scope, holding);
        // Rolled back: it may have opened an incident already.
        if (outcome === 'restart') throw restart;
        return outcome;
      })
      .catch((error: unknown) => {
        if (error === restart) return 'restart' as const;
        throw error;
      });
  // Holding the incidents it expects from the start; without, when it needed others.
  const attempt = async (scope: 'services' | 'neighbourhood') => {
    const outcome = await once(scope, batch.expectedIncidents);
    if (outcome !== 'relock') return outcome;
    const again = await once(scope, []);
    if (again === 'relock') throw new Error('asked to lock again while holding no incident');
    return again;
  };
  const stored = await attempt('services');
  if (stored !== 'needs-neighbourhood') return stored;
  // It wrote nothing and released its locks: again, with the locks that may open an incident.
  const again = await attempt('neighbourhood');
  if (again === 'needs-neighbourhood') throw new Error('correlation asked for the neighbourhood it held');
  return again;
}

const restart = new Error('an incident of the batch resolved meanwhile');

/**
 * The steady state of a storm: a group re-sent with nothing new. No lock, no transaction: only the receipt, in a
 * statement that checks what the batch remembered of its incidents.
 */
async function receiveUnchanged(deps: IngestDependencies, batch: ReadBatch): Promise<StoredBatch | 'restart'> {
  const touched = [...new Set(batch.settled.map((entry) => entry.incidentId))];
  const claims = claimsOf(batch.settled.filter((entry) => entry.remembered));
  if (batch.settled.length > 0 && !(await queueReceipt(deps.db, alertReceipt(deps.clock, batch.settled, touched), claims))) return 'restart';
  return {
    ok: true,
    stored: batch.settled.length,
    ignored: batch.ignored,
    incidents: touched,
    analysed: [],
    resolving: new Map(),
    merged: [],
    opened: [],
    placements: batch.settled,
  };
}

/** The alert's service and cluster (ADR 0032). */
function withServiceAndCluster(deps: IngestDependencies, alert: Alert): ServiceAlert {
  const placed = clusterOfAlert(alert.labels, deps.clusters ?? singleCluster);
  return { ...alert, service: serviceOfAlert(alert.labels, deps.serviceLabels), cluster: placed.cluster, unknownCluster: placed.unknownLabel };
}

/** One line per batch whose alerts name clusters nobody configured (a misconfiguration re-sent every group interval). */
function logUnknownClusters(deps: IngestDependencies, alerts: readonly ServiceAlert[]): void {
  const unknown = alerts.filter((alert) => alert.unknownCluster);
  if (unknown.length === 0) return;
  deps.log?.warn(
    {
      label: deps.clusters?.label,
      sent: [...new Set(unknown.map((alert) => alert.unknownCluster))].slice(0, 5),
      alerts: unknown.length,
      fingerprints: unknown.slice(0, 5).map((alert) => alert.fingerprint),
      cluster: unknown[0]!.cluster,
    },
    'alerts name a cluster that is not configured: the default cluster takes them',
  );
}

function dedupeByFingerprint(alerts: Alert[]): Alert[] {
  return [...new Map(alerts.map((alert) => [alert.fingerprint, alert])).values()];
}
