import type { Kysely, Transaction } from 'kysely';
import type { Alert, AlertSource } from '../alerts/alert.ts';
import { parseAlertmanager } from '../alerts/parse-alertmanager.ts';
import { parseGenericAlerts } from '../alerts/parse-generic-alerts.ts';
import type { AlertRepair } from '../alerts/storable-alert.ts';
import type { AuditEntry } from '../audit/append-audit.ts';
import { canonicalJson } from '../domain/canonical-json.ts';
import { type ClusterNames, clusterOfAlert, singleCluster } from '../incidents/cluster-of-alert.ts';
import { lockCorrelationKeys } from '../incidents/correlation-locks.ts';
import { correlationNeighborhood } from '../incidents/correlation-neighborhood.ts';
import type { IncidentMerge, ServiceAlert } from '../incidents/correlate-alerts.ts';
import { type MergedIncident, mergeIncidents } from '../incidents/merge-incidents.ts';
import { resolveQuietIncidents } from '../incidents/resolve-quiet-incidents.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { isConnectionError } from '../storage/is-connection-error.ts';
import { serviceOfAlert } from '../topology/service-of-alert.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';
import { applyIncidentChanges } from './apply-incident-changes.ts';
import { claimsOf, joinClaims } from './incident-claims.ts';
import { queueReceipt } from './queue-receipt.ts';
import type { SettledAlerts } from './settled-alerts.ts';
import { correlateNewAlerts } from './correlate-new-alerts.ts';
import { type FlapRule, flapRule, reopenFlappingIncidents } from './reopen-flapping-incidents.ts';
import { latestOccurrences, type LatestOccurrence } from './latest-occurrences.ts';
import { type ChangedAlert, writeAlerts, type PlacedAlert } from './write-alerts.ts';

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
 * What a stored batch leaves to do after its commit: analyses to request, incidents that may have resolved (with
 * the latest end seen), merges to log, incidents it opened (their cards go out before any analysis), and where
 * its alerts went (to remember, ADR 0039).
 */
type Stored = Extract<IngestResult, { ok: true }> & {
  analysed: string[];
  resolving: Map<string, Date | null>;
  merged: MergedIncident[];
  opened: string[];
  placements: readonly Placement[];
};

/** How often a batch starts over because an incident it was adding to resolved meanwhile, before giving up. */
const maxAttempts = 3;

/**
 * The door in for alerts: validate, then in ONE transaction store them idempotently (the payload is a snapshot
 * of its group), correlate the new ones into incidents and enqueue the follow-up work. All or nothing.
 */
export async function ingestAlerts(deps: IngestDependencies, source: AlertSource, body: unknown): Promise<IngestResult> {
  const parsed = source === 'generic' ? parseGenericAlerts(body, deps.clock.now()) : parseAlertmanager(body, source);
  if (!parsed.ok) return { ok: false, error: { code: 'invalid_payload', issues: parsed.issues } };
  const alerts = dedupeByFingerprint(parsed.alerts).map((alert) => withServiceAndCluster(deps, alert));
  logUnknownClusters(deps, alerts);
  let stored: Stored | undefined;
  try {
    for (let attempt = 1; stored === undefined; attempt++) {
      // Starting over, the batch reads every alert: what it remembered may be what failed.
      const outcome = await storeBatch(deps, alerts, attempt === 1);
      if (outcome !== 'restart') stored = outcome;
      else if (attempt === maxAttempts) throw new Error(`incidents kept resolving under the batch (${maxAttempts} attempts)`);
    }
    deps.settled?.remember(stored.placements);
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
 * One attempt at storing the batch: read first without any lock (a storm is mostly re-sends, and what is stored
 * as sent needs nothing more; what this process remembers storing as sent is not even read), then the
 * transactions of `storeAlerts` for the rest. 'restart': an incident the batch was adding firing alerts to
 * resolved meanwhile, or one it remembered is no longer as claimed; nothing was written, read again.
 */
async function storeBatch(deps: IngestDependencies, alerts: ServiceAlert[], remembering: boolean): Promise<Stored | 'restart'> {
  const remembered: Placement[] = [];
  const unknown: ServiceAlert[] = [];
  for (const alert of alerts) {
    const incidentId = remembering ? deps.settled?.incidentOf(alert) : undefined;
    if (incidentId === undefined) unknown.push(alert);
    else remembered.push({ alert, incidentId, unchanged: true, remembered: true });
  }
  const read = place(
    unknown,
    await latestOccurrences(
      deps.db,
      unknown.map((alert) => alert.fingerprint),
    ),
    flapRule(deps),
  );
  const settled = [...remembered, ...read.placed.filter((entry) => entry.unchanged)];
  const pending = [...read.placed.filter((entry) => !entry.unchanged).map((entry) => entry.alert), ...read.unplaced];
  const batch = { settled, pending, ignored: read.ignored };
  if (pending.length === 0) return receiveUnchanged(deps, batch);
  const attempt = (scope: 'services' | 'neighbourhood') =>
    deps.db
      .transaction()
      .execute(async (trx) => {
        const outcome = await storeAlerts(trx, deps, batch, scope);
        // Rolled back: it may have opened an incident already.
        if (outcome === 'restart') throw restart;
        return outcome;
      })
      .catch((error: unknown) => {
        if (error === restart) return 'restart' as const;
        throw error;
      });
  const stored = await attempt('services');
  if (stored !== 'needs-neighbourhood') return stored;
  // It wrote nothing and released its locks: again, with the locks that may open an incident.
  const again = await attempt('neighbourhood');
  if (again === 'needs-neighbourhood') throw new Error('correlation asked for the neighbourhood it held');
  return again;
}

const restart = new Error('an incident of the batch resolved meanwhile');

/**
 * A batch as first read, without a lock: alerts stored exactly as sent (`settled`: nothing to write, as if the
 * batch had arrived at the moment of that read), the rest (`pending`: to be placed or written under the locks),
 * and how many were ignored (resolved but never seen firing, or a late replay).
 */
interface ReadBatch {
  settled: Placement[];
  pending: ServiceAlert[];
  ignored: number;
}

/**
 * The steady state of a storm: a group re-sent with nothing new. No lock, no transaction: only the receipt, in a
 * statement that checks what the batch remembered of its incidents.
 */
async function receiveUnchanged(deps: IngestDependencies, batch: ReadBatch): Promise<Stored | 'restart'> {
  const touched = [...new Set(batch.settled.map((entry) => entry.incidentId))];
  const claims = claimsOf(batch.settled.filter((entry) => entry.remembered));
  if (batch.settled.length > 0 && !(await queueReceipt(deps.db, receiptOf(deps, batch.settled, touched), claims))) return 'restart';
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

/** The audit receipt of a stored batch (through the outbox, ADR 0009). */
function receiptOf(deps: IngestDependencies, placed: readonly PlacedAlert[], touched: readonly string[]): AuditEntry {
  return {
    kind: 'alert_received',
    at: deps.clock.now(),
    incidentId: touched.length === 1 ? touched[0]! : null,
    details: {
      source: placed[0]!.alert.source,
      alerts: placed.length,
      firing: placed.filter((entry) => entry.alert.status === 'firing').length,
      incidents: touched,
    },
  };
}

/**
 * Two phases (ADR 0008), for the alerts that the first read found new or changed (the others are settled: each
 * alert is its own register, so they need no lock). Phase 1 locks the group (two replicas deliver the same one)
 * and reads those alerts again. Phase 2, only for alerts without an open incident, locks their services
 * (`scope` 'services') or, when an incident may have to be opened, every service connected to them (`scope`
 * 'neighbourhood'), reads again (another group may have placed the same fingerprint meanwhile), then
 * correlates. Joining an open incident needs only the alerts' own services; opening one must exclude everything
 * next to it. With `scope` 'services', a correlation that would open an incident returns 'needs-neighbourhood'
 * before writing anything, and the caller starts over. Phase 3 holds the incidents that receive firing alerts
 * shared, so none resolves meanwhile, and returns 'restart' when one already has (ADR 0013).
 */
async function storeAlerts(
  trx: Transaction<DatabaseSchema>,
  deps: IngestDependencies,
  batch: ReadBatch,
  scope: 'services' | 'neighbourhood',
): Promise<Stored | 'needs-neighbourhood' | 'restart'> {
  await lockCorrelationKeys(
    trx,
    batch.pending.map((alert) => ({ space: 'placement', name: alert.groupKey ? `group:${alert.groupKey}` : `fingerprint:${alert.fingerprint}` })),
  );
  const flapping = flapRule(deps);
  const first = place(
    batch.pending,
    await latestOccurrences(
      trx,
      batch.pending.map((alert) => alert.fingerprint),
    ),
    flapping,
  );
  const placed = [...batch.settled, ...first.placed];
  const merges: IncidentMerge[] = [];
  const opened: string[] = [];
  let ignored = batch.ignored + first.ignored;

  if (first.unplaced.length > 0) {
    const services = [...new Set(first.unplaced.flatMap((alert) => (alert.service ? [alert.service] : [])))];
    const neighborhood = correlationNeighborhood(deps.graph(), services, deps.maxDepth);
    await lockCorrelationKeys(trx, [
      // Joiners hold their services shared: they exclude an opener next to them, not each other.
      ...(scope === 'services' ? services : neighborhood).map((service) => ({
        space: 'neighbourhood' as const,
        name: `service:${service}`,
        shared: scope === 'services',
      })),
      // Two groups racing with the same new alert meet here; one naming no service, by its name.
      ...first.unplaced.map((alert) => ({
        space: 'newAlert' as const,
        name: alert.service ? `fingerprint:${alert.fingerprint}` : `unmapped:${alert.name}`,
      })),
    ]);
    const second = place(
      first.unplaced,
      await latestOccurrences(
        trx,
        first.unplaced.map((alert) => alert.fingerprint),
      ),
      flapping,
    );
    placed.push(...second.placed);
    ignored += second.ignored;
    if (second.unplaced.length > 0) {
      const correlated = await correlateNewAlerts(trx, deps, second.unplaced, neighborhood, scope === 'neighbourhood');
      if (correlated === 'needs-neighbourhood') return correlated;
      placed.push(...correlated.placed);
      merges.push(...correlated.merges);
      opened.push(...correlated.opened);
    }
  }

  if (placed.length === 0) return { ok: true, stored: 0, ignored, incidents: [], analysed: [], resolving: new Map(), merged: [], opened: [], placements: [] };
  // Alerts this batch placed in an incident it is merging go to the survivor with the rest.
  const survivorOf = new Map(merges.map((merge) => [merge.from, merge.into]));
  placed.forEach((entry, index) => {
    const survivor = survivorOf.get(entry.incidentId);
    if (survivor !== undefined) placed[index] = { ...entry, incidentId: survivor };
  });
  const touched = [...new Set(placed.map((entry) => entry.incidentId))];
  const changedInto = [...new Set(placed.flatMap((entry) => (entry.unchanged ? [] : [entry.incidentId])))];
  const firingInto = [...new Set(placed.flatMap((entry) => (!entry.unchanged && entry.alert.status === 'firing' ? [entry.incidentId] : [])))];
  // Reopening and merging flip a status like resolving: exclusive, so no resolver, adder or merger is midway.
  const flipping = new Set([...placed.flatMap((entry) => (entry.reopens ? [entry.incidentId] : [])), ...merges.flatMap((merge) => [merge.from, merge.into])]);
  const reopening = [...new Set(placed.flatMap((entry) => (entry.reopens ? [entry.incidentId] : [])))];
  await lockCorrelationKeys(
    trx,
    [...new Set([...changedInto, ...flipping])].map((incidentId) => ({ space: 'incident', name: incidentId, shared: !flipping.has(incidentId) })),
  );
  if (reopening.length > 0) await reopenFlappingIncidents(trx, reopening, flapping, deps.log);
  const merged = await mergeIncidents(trx, merges, {
    at: deps.clock.now(),
    log: deps.log,
    bridging: placed
      .flatMap((entry) => (merges.some((merge) => merge.into === entry.incidentId) && !entry.unchanged ? [entry.alert.fingerprint] : []))
      .slice(0, 20),
  });
  if (merged === 'restart') return 'restart';
  // Its statement looks at those incidents again after the lock: one resolved just before cannot take a firing
  // alert, and one merged meanwhile takes nothing (the batch reads again and finds its alerts in the survivor).
  // What the batch remembered of incidents it only receives alerts in is checked with what it writes (ADR 0039).
  const claims = joinClaims({ open: firingInto, notMerged: changedInto }, claimsOf(placed.filter((entry) => entry.remembered)));
  const written = await writeAlerts(
    trx,
    placed.filter((entry) => !entry.unchanged),
    receiptOf(deps, placed, touched),
    claims,
  );
  if (written.blocked) return 'restart';
  const changedAlerts = written.changed;
  // Only a change needs a new analysis (requested in the write); at most one waits per incident (ADR 0009, 0013).
  const changedIncidents = [...new Set(changedAlerts.map((row) => row.incidentId))].sort();
  // Last: a storm's busiest incident row is locked from here to the commit only (ADR 0008).
  await applyIncidentChanges(trx, changedAlerts, deps.windowMilliseconds / 10);
  await noteUnknownClusters(trx, placed);
  return {
    ok: true,
    stored: placed.length,
    ignored,
    incidents: touched,
    analysed: [...new Set([...changedIncidents, ...merged.flatMap((merge) => [merge.id, merge.into])])],
    resolving: resolvingIn(changedAlerts),
    merged,
    opened,
    placements: placed,
  };
}

/**
 * An incident that an alert naming an unknown cluster joined says so on its card too. After the incident changes:
 * their rows are this batch's already (never a row lock before the incident keys, ADR 0013), and written only
 * while they carry no note — a misconfiguration, rare.
 */
async function noteUnknownClusters(trx: Transaction<DatabaseSchema>, placed: readonly Placement[]): Promise<void> {
  const notes = new Map<string, string>();
  for (const { alert, incidentId, unchanged } of placed) {
    if (!unchanged && alert.unknownCluster && !notes.has(incidentId)) notes.set(incidentId, alert.unknownCluster);
  }
  // In id order, as the incident changes before it: two batches never wait for each other's rows the other way round.
  for (const [incidentId, label] of [...notes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    await trx.updateTable('incidents').set({ cluster_unknown: label }).where('id', '=', incidentId).where('cluster_unknown', 'is', null).execute();
  }
}

/** The incidents where this batch resolved a firing alert, each with the latest end among the batch's alerts. */
function resolvingIn(changed: readonly ChangedAlert[]): Map<string, Date | null> {
  const resolving = new Map<string, Date | null>();
  for (const row of changed) {
    if (row.previousStatus !== 'firing' || row.status !== 'resolved') continue;
    const latest = resolving.get(row.incidentId) ?? null;
    resolving.set(row.incidentId, row.endsAt !== null && (latest === null || row.endsAt > latest) ? row.endsAt : latest);
  }
  return resolving;
}

/**
 * An alert, its incident, whether it is stored exactly as sent (nothing to write), whether it reopens it, and
 * whether that was remembered rather than read (a claim to check, ADR 0039).
 */
export type Placement = PlacedAlert & { unchanged: boolean; reopens?: boolean; remembered?: boolean };

/** Where each alert goes, from the newest stored occurrence of its fingerprint. */
function place(alerts: ServiceAlert[], latest: Map<string, LatestOccurrence>, flapping: FlapRule) {
  const placed: Placement[] = [];
  const unplaced: ServiceAlert[] = [];
  let ignored = 0;
  for (const alert of alerts) {
    const previous = latest.get(alert.fingerprint);
    if (previous?.incidentStatus === 'open' || (previous && alert.status === 'resolved'))
      placed.push({ alert, incidentId: previous.incidentId, unchanged: unchanged(previous, alert) });
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
