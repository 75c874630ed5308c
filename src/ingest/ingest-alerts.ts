import type { Kysely, Transaction } from 'kysely';
import type { Alert, AlertSource } from '../alerts/alert.ts';
import { parseAlertmanager } from '../alerts/parse-alertmanager.ts';
import { parseGenericAlerts } from '../alerts/parse-generic-alerts.ts';
import type { AlertRepair } from '../alerts/storable-alert.ts';
import type { AuditEntry } from '../audit/append-audit.ts';
import { queueAuditEntry } from '../audit/queue-audit-entry.ts';
import { canonicalJson } from '../domain/canonical-json.ts';
import { correlationNeighborhood } from '../incidents/correlation-neighborhood.ts';
import type { ServiceAlert } from '../incidents/correlate-alerts.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { isConnectionError } from '../storage/is-connection-error.ts';
import { serviceOfAlert } from '../topology/service-of-alert.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';
import { applyIncidentChanges } from './apply-incident-changes.ts';
import { correlateNewAlerts } from './correlate-new-alerts.ts';
import { lockCorrelationKeys } from './correlation-locks.ts';
import { latestOccurrences, type LatestOccurrence } from './latest-occurrences.ts';
import { writeAlerts, type PlacedAlert } from './write-alerts.ts';

export interface IngestDependencies {
  db: Kysely<DatabaseSchema>;
  /** `notify`, when given, wakes this process's analysis worker right after the commit. */
  jobs: Pick<JobQueue, 'enqueue'> & Partial<Pick<JobQueue, 'notify'>>;
  clock: Clock;
  graph: () => TopologyGraph;
  serviceLabels: readonly string[];
  windowMilliseconds: number;
  maxDepth: number;
  log?: Logger;
}

export type IngestResult =
  | { ok: true; stored: number; ignored: number; incidents: string[]; repaired?: AlertRepair[] }
  | { ok: false; error: { code: 'invalid_payload'; issues: string[] } | { code: 'storage_unavailable'; message: string } };

type Stored = Extract<IngestResult, { ok: true }> & { analysed: string[] };

/**
 * The door in for alerts: validate, then in ONE transaction store them idempotently (the payload is a snapshot
 * of its group), correlate the new ones into incidents and enqueue the follow-up work. All or nothing.
 */
export async function ingestAlerts(deps: IngestDependencies, source: AlertSource, body: unknown): Promise<IngestResult> {
  const parsed = source === 'generic' ? parseGenericAlerts(body, deps.clock.now()) : parseAlertmanager(body, source);
  if (!parsed.ok) return { ok: false, error: { code: 'invalid_payload', issues: parsed.issues } };
  const alerts = dedupeByFingerprint(parsed.alerts).map((alert) => ({ ...alert, service: serviceOfAlert(alert.labels, deps.serviceLabels) }));
  let stored: Stored | 'needs-neighbourhood';
  try {
    // Read first without any lock: a storm is mostly re-sends, and what is stored as sent needs nothing more.
    const read = place(
      alerts,
      await latestOccurrences(
        deps.db,
        alerts.map((alert) => alert.fingerprint),
      ),
    );
    const settled = read.placed.filter((entry) => entry.unchanged);
    const pending = [...read.placed.filter((entry) => !entry.unchanged).map((entry) => entry.alert), ...read.unplaced];
    const batch = { settled, pending, ignored: read.ignored };
    if (pending.length === 0) stored = await receiveUnchanged(deps, batch);
    else {
      stored = await deps.db.transaction().execute((trx) => storeAlerts(trx, deps, batch, 'services'));
      // It wrote nothing and released its locks: again, with the locks that may open an incident.
      if (stored === 'needs-neighbourhood') stored = await deps.db.transaction().execute((trx) => storeAlerts(trx, deps, batch, 'neighbourhood'));
    }
    if (stored === 'needs-neighbourhood') throw new Error('correlation asked for the neighbourhood it held');
  } catch (error) {
    if (isConnectionError(error)) return { ok: false, error: { code: 'storage_unavailable', message: 'database unreachable' } };
    throw error;
  }
  if (stored.analysed.length > 0) await afterCommit(deps, stored.analysed);
  const result = { ok: true as const, stored: stored.stored, ignored: stored.ignored, incidents: stored.incidents };
  return parsed.repairs.length > 0 ? { ...result, repaired: parsed.repairs } : result;
}

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

/** The steady state of a storm: a group re-sent with nothing new. No lock, no transaction: only the receipt. */
async function receiveUnchanged(deps: IngestDependencies, batch: ReadBatch): Promise<Stored> {
  const touched = [...new Set(batch.settled.map((entry) => entry.incidentId))];
  if (batch.settled.length > 0) await queueAuditEntry(deps.db, receiptOf(deps, batch.settled, touched));
  return { ok: true, stored: batch.settled.length, ignored: batch.ignored, incidents: touched, analysed: [] };
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
 * A job that already waited for an incident added nothing in the transaction, and may have started before the
 * commit, missing this change: enqueue once more (a no-op while one still waits, which then starts after the
 * commit). Then wake this process's worker, so the card does not wait for the next poll.
 */
async function afterCommit(deps: IngestDependencies, incidentIds: readonly string[]): Promise<void> {
  try {
    for (const incidentId of incidentIds) await deps.jobs.enqueue(deps.db, 'analyze-incident', { incidentId });
  } catch (error) {
    // The alerts are stored and the job of the transaction covers all but this race; never a 5xx for it.
    deps.log?.warn({ err: error, incidents: incidentIds.length }, 'analysis not re-enqueued after commit');
  }
  deps.jobs.notify?.('analyze-incident');
}

/**
 * Two phases (ADR 0008), for the alerts that the first read found new or changed (the others are settled: each
 * alert is its own register, so they need no lock). Phase 1 locks the group (two replicas deliver the same one)
 * and reads those alerts again. Phase 2, only for alerts without an open incident, locks their services
 * (`scope` 'services') or, when an incident may have to be opened, every service connected to them (`scope`
 * 'neighbourhood'), reads again (another group may have placed the same fingerprint meanwhile), then
 * correlates. Joining an open incident needs only the alerts' own services; opening one must exclude everything
 * next to it. With `scope` 'services', a correlation that would open an incident returns 'needs-neighbourhood'
 * before writing anything, and the caller starts over.
 */
async function storeAlerts(
  trx: Transaction<DatabaseSchema>,
  deps: IngestDependencies,
  batch: ReadBatch,
  scope: 'services' | 'neighbourhood',
): Promise<Stored | 'needs-neighbourhood'> {
  await lockCorrelationKeys(
    trx,
    'placement',
    batch.pending.map((alert) => (alert.groupKey ? `group:${alert.groupKey}` : `fingerprint:${alert.fingerprint}`)),
  );
  const first = place(
    batch.pending,
    await latestOccurrences(
      trx,
      batch.pending.map((alert) => alert.fingerprint),
    ),
  );
  const placed = [...batch.settled, ...first.placed];
  let ignored = batch.ignored + first.ignored;

  if (first.unplaced.length > 0) {
    const services = [...new Set(first.unplaced.flatMap((alert) => (alert.service ? [alert.service] : [])))];
    const neighborhood = correlationNeighborhood(deps.graph(), services, deps.maxDepth);
    await lockCorrelationKeys(trx, 'neighbourhood', [
      ...(scope === 'services' ? services : neighborhood).map((service) => `service:${service}`),
      // Same fingerprint, same labels, same name: two groups racing with a new unmapped alert meet here.
      ...first.unplaced.flatMap((alert) => (alert.service ? [] : [`unmapped:${alert.name}`])),
    ]);
    const second = place(
      first.unplaced,
      await latestOccurrences(
        trx,
        first.unplaced.map((alert) => alert.fingerprint),
      ),
    );
    placed.push(...second.placed);
    ignored += second.ignored;
    if (second.unplaced.length > 0) {
      const correlated = await correlateNewAlerts(trx, deps, second.unplaced, neighborhood, scope === 'neighbourhood');
      if (correlated === 'needs-neighbourhood') return correlated;
      placed.push(...correlated);
    }
  }

  if (placed.length === 0) return { ok: true, stored: 0, ignored, incidents: [], analysed: [] };
  const touched = [...new Set(placed.map((entry) => entry.incidentId))];
  const changedAlerts = await writeAlerts(
    trx,
    placed.filter((entry) => !entry.unchanged),
    receiptOf(deps, placed, touched),
  );
  // Only a change needs a new analysis; the stately queue keeps at most one waiting per incident (ADR 0009).
  const changedIncidents = [...new Set(changedAlerts.map((row) => row.incidentId))].sort();
  for (const incidentId of changedIncidents) await deps.jobs.enqueue(trx, 'analyze-incident', { incidentId });
  // Last: a storm's busiest incident row is locked from here to the commit only (ADR 0008).
  await applyIncidentChanges(trx, changedAlerts);
  return { ok: true, stored: placed.length, ignored, incidents: touched, analysed: changedIncidents };
}

/** An alert, its incident, and whether it is stored exactly as sent (nothing to write). */
export type Placement = PlacedAlert & { unchanged: boolean };

/** Where each alert goes, from the newest stored occurrence of its fingerprint. */
function place(alerts: ServiceAlert[], latest: Map<string, LatestOccurrence>) {
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
    else unplaced.push(alert); // new, or firing again after its incident resolved: a new occurrence
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

function dedupeByFingerprint(alerts: Alert[]): Alert[] {
  return [...new Map(alerts.map((alert) => [alert.fingerprint, alert])).values()];
}
