import type { Transaction } from 'kysely';
import type { ServiceAlert } from '../incidents/correlate-alerts.ts';
import { lockCorrelationKeys } from '../incidents/correlation-locks.ts';
import { correlationNeighborhood } from '../incidents/correlation-neighborhood.ts';
import { type MergedIncident, mergeIncidents } from '../incidents/merge-incidents.ts';
import type { IncidentMerge } from '../incidents/correlate-alerts.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { alertReceipt } from './alert-receipt.ts';
import { applyIncidentChanges } from './apply-incident-changes.ts';
import { correlateNewAlerts } from './correlate-new-alerts.ts';
import { claimsOf, joinClaims } from './incident-claims.ts';
import type { IngestDependencies, IngestResult } from './ingest-alerts.ts';
import { type Placement, placeAlerts } from './place-alerts.ts';
import { readUnderLocks } from './read-under-locks.ts';
import { flapRule, reopenFlappingIncidents } from './reopen-flapping-incidents.ts';
import { type ChangedAlert, writeAlerts } from './write-alerts.ts';

/**
 * A batch as first read, without a lock: alerts stored exactly as sent (`settled`: nothing to write, as if the
 * batch had arrived at the moment of that read, or remembered so, ADR 0039), the rest (`pending`: to be placed or
 * written under the locks), which of those had no open incident (`unplaced`: to correlate), and how many were
 * ignored (resolved but never seen firing, or a late replay).
 */
export interface ReadBatch {
  settled: Placement[];
  pending: ServiceAlert[];
  unplaced: ServiceAlert[];
  ignored: number;
  /** The incidents its alerts were last seen in: most likely those it will write to. */
  expectedIncidents: readonly string[];
}

/**
 * What a stored batch leaves to do after its commit: analyses to request, incidents that may have resolved (with
 * the latest end seen), merges to log, incidents it opened (their cards go out before any analysis), and where
 * its alerts went (to remember, ADR 0039).
 */
export type StoredBatch = Extract<IngestResult, { ok: true }> & {
  analysed: string[];
  resolving: Map<string, Date | null>;
  merged: MergedIncident[];
  opened: string[];
  placements: readonly Placement[];
};

/**
 * The locked part of a batch (ADR 0008), for the alerts that the first read found new or changed (the others are
 * settled: each alert is its own register, so they need no lock). One statement takes the keys of phases 1 and 2:
 * the group (two replicas deliver the same one) and, for the alerts without an open incident, their services
 * (`scope` 'services') or, when an incident may have to be opened, every service connected to them (`scope`
 * 'neighbourhood'), and their fingerprints. Then one read of those alerts (another group may have placed the same
 * fingerprint meanwhile), and correlation. Joining an open incident needs only the alerts' own services; opening
 * one must exclude everything next to it. With `scope` 'services', a correlation that would open an incident
 * returns 'needs-neighbourhood' before writing anything, and the caller starts over. Phase 3 holds the incidents
 * that receive firing alerts shared, so none resolves meanwhile, and returns 'restart' when one already has (ADR
 * 0013), as it does when an alert the first read placed has lost its open incident (its keys are not held).
 *
 * `holding`: incidents whose keys the first statement takes too, shared (the last key space, so still one
 * statement in the global order). When they are all phase 3 needs, as in a storm where new alerts join the
 * incidents their group is already in, phase 3 takes nothing: a round trip saved. When phase 3 needs another key,
 * or one exclusive (a merge, a reopening), taking it now could wait in the wrong order: 'relock', and the caller
 * starts over holding none.
 */
export async function storeChangedAlerts(
  trx: Transaction<DatabaseSchema>,
  deps: IngestDependencies,
  batch: ReadBatch,
  scope: 'services' | 'neighbourhood',
  holding: readonly string[],
): Promise<StoredBatch | 'needs-neighbourhood' | 'restart' | 'relock'> {
  const flapping = flapRule(deps);
  const services = [...new Set(batch.unplaced.flatMap((alert) => (alert.service ? [alert.service] : [])))];
  const neighborhood = batch.unplaced.length > 0 ? correlationNeighborhood(deps.graph(), services, deps.maxDepth) : [];
  // Keys in one statement, in the global order of ADR 0008 (placement, then neighbourhood, then new alerts).
  await lockCorrelationKeys(trx, [
    ...batch.pending.map((alert) => ({ space: 'placement' as const, name: alert.groupKey ? `group:${alert.groupKey}` : `fingerprint:${alert.fingerprint}` })),
    // Joiners hold their services shared: they exclude an opener next to them, not each other.
    ...(scope === 'services' ? services : neighborhood).map((service) => ({
      space: 'neighbourhood' as const,
      name: `service:${service}`,
      shared: scope === 'services',
    })),
    // Two groups racing with the same new alert meet here; one naming no service, by its name.
    ...batch.unplaced.map((alert) => ({
      space: 'newAlert' as const,
      name: alert.service ? `fingerprint:${alert.fingerprint}` : `unmapped:${alert.name}`,
    })),
    ...holding.map((incidentId) => ({ space: 'incident' as const, name: incidentId, shared: true })),
  ]);
  const near =
    batch.unplaced.length > 0
      ? { groupKeys: [...new Set(batch.unplaced.flatMap((alert) => (alert.groupKey ? [alert.groupKey] : [])))], services: neighborhood }
      : undefined;
  const current = await readUnderLocks(
    trx,
    batch.pending.map((alert) => alert.fingerprint),
    near,
  );
  const read = placeAlerts(batch.pending, current.occurrences, flapping);
  const expected = new Set(batch.unplaced.map((alert) => alert.fingerprint));
  if (read.unplaced.some((alert) => !expected.has(alert.fingerprint))) return 'restart';
  const placed = [...batch.settled, ...read.placed];
  const merges: IncidentMerge[] = [];
  const opened: string[] = [];
  const ignored = batch.ignored + read.ignored;
  if (read.unplaced.length > 0) {
    const correlated = await correlateNewAlerts(trx, deps, read.unplaced, current.openIncidents, scope === 'neighbourhood');
    if (correlated === 'needs-neighbourhood') return correlated;
    placed.push(...correlated.placed);
    merges.push(...correlated.merges);
    opened.push(...correlated.opened);
  }

  if (placed.length === 0) return { ok: true, stored: 0, ignored, incidents: [], analysed: [], resolving: new Map(), merged: [], opened: [], placements: [] };
  // Reopening and merging flip a status like resolving: exclusive, so no resolver, adder or merger is midway.
  const reopening = [...new Set(placed.flatMap((entry) => (entry.reopens ? [entry.incidentId] : [])))];
  const flipping = new Set([...reopening, ...merges.flatMap((merge) => [merge.from, merge.into])]);
  const writingInto = new Set(placed.flatMap((entry) => (entry.unchanged ? [] : [entry.incidentId])));
  // An incident this transaction opened is seen by no other until the commit: it needs no key.
  const held = new Set([...holding, ...opened]);
  const needed = [...new Set([...writingInto, ...flipping])];
  if (holding.length > 0 && !needed.every((incidentId) => held.has(incidentId) && !flipping.has(incidentId))) return 'relock';
  if (holding.length === 0)
    await lockCorrelationKeys(
      trx,
      needed.map((incidentId) => ({ space: 'incident', name: incidentId, shared: !flipping.has(incidentId) })),
    );
  if (reopening.length > 0) await reopenFlappingIncidents(trx, reopening, flapping, deps.log);
  const merging = new Set(merges.flatMap((merge) => [merge.from, merge.into]));
  const merged = await mergeIncidents(trx, merges, {
    at: deps.clock.now(),
    log: deps.log,
    bridging: placed.flatMap((entry) => (merging.has(entry.incidentId) && !entry.unchanged ? [entry.alert.fingerprint] : [])).slice(0, 20),
  });
  if (merged === 'restart') return 'restart';
  // Alerts this batch placed in an incident it merged go to the survivor with the rest; a merge refused (ADR 0038)
  // leaves them where correlation put them.
  const survivorOf = new Map(merged.map((merge) => [merge.id, merge.into]));
  placed.forEach((entry, index) => {
    const survivor = survivorOf.get(entry.incidentId);
    if (survivor !== undefined) placed[index] = { ...entry, incidentId: survivor };
  });
  const touched = [...new Set(placed.map((entry) => entry.incidentId))];
  const changedInto = [...new Set(placed.flatMap((entry) => (entry.unchanged ? [] : [entry.incidentId])))];
  const firingInto = [...new Set(placed.flatMap((entry) => (!entry.unchanged && entry.alert.status === 'firing' ? [entry.incidentId] : [])))];
  // Its statement looks at those incidents again after the lock: one resolved just before cannot take a firing
  // alert, and one merged meanwhile takes nothing (the batch reads again and finds its alerts in the survivor).
  // What the batch remembered of incidents it only receives alerts in is checked with what it writes (ADR 0039).
  const claims = joinClaims({ open: firingInto, notMerged: changedInto }, claimsOf(placed.filter((entry) => entry.remembered)));
  const written = await writeAlerts(
    trx,
    placed.filter((entry) => !entry.unchanged),
    alertReceipt(deps.clock, placed, touched),
    claims,
  );
  if (written.blocked) return 'restart';
  const changedAlerts = written.changed;
  // Rows this write changed carry its stamp now; the others keep the one read under the locks.
  const stampOf = new Map(changedAlerts.map((row) => [`${row.incidentId}\u0000${row.fingerprint}`, row.stamp]));
  placed.forEach((entry, index) => {
    const stamp = stampOf.get(`${entry.incidentId}\u0000${entry.alert.fingerprint}`);
    if (stamp !== undefined) placed[index] = { ...entry, stamp };
  });
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
