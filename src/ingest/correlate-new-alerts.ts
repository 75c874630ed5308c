import { sql, type Transaction } from 'kysely';
import { correlateAlerts, type IncidentMerge, type OpenIncidentSummary, type ServiceAlert } from '../incidents/correlate-alerts.ts';
import { incidentTitle } from '../incidents/incident-title.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { IngestDependencies } from './ingest-alerts.ts';
import type { Placement } from './place-alerts.ts';

/**
 * Assigns alerts that have no open incident to one: an existing one, or (`mayOpen`) a new one. Open incidents an
 * alert connected are merged into the oldest (`merges`, for the caller to carry out under the incidents' keys);
 * that too needs `mayOpen`, the locks that exclude everything next to these alerts.
 */
export async function correlateNewAlerts(
  trx: Transaction<DatabaseSchema>,
  deps: IngestDependencies,
  alerts: ServiceAlert[],
  openNear: readonly OpenIncidentSummary[],
  mayOpen: boolean,
): Promise<{ placed: Placement[]; merges: IncidentMerge[]; opened: string[] } | 'needs-neighbourhood'> {
  const open = withinReach(alerts, openNear, deps.windowMilliseconds);
  const { assignments, newIncidents, merges } = correlateAlerts(alerts, open, {
    graph: deps.graph(),
    windowMilliseconds: deps.windowMilliseconds,
    maxDepth: deps.maxDepth,
  });
  if ((newIncidents.length > 0 || merges.length > 0) && !mayOpen) return 'needs-neighbourhood';
  const createdIds: string[] = [];
  for (const [index, draft] of newIncidents.entries()) {
    const members = alerts.filter((_, position) => {
      const reference = assignments[position]!;
      return reference.kind === 'new' && reference.index === index;
    });
    const row = await trx
      .insertInto('incidents')
      .values({
        title: incidentTitle(members),
        severity: members[0]!.severity,
        status: 'open',
        group_key: draft.groupKey,
        cluster: draft.cluster,
        cluster_unknown: draft.unknownCluster,
        // Sorted as the incident update sorts them (by the database's collation).
        services: sql<string[]>`(SELECT coalesce(array_agg(service ORDER BY service), '{}') FROM unnest(${draft.services}::text[]) AS service)`,
        opened_at: draft.openedAt,
        last_alert_at: draft.lastAlertAt,
        resolved_at: null,
        analysis: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    createdIds.push(row.id);
  }
  const placed = alerts.map((alert, position) => {
    const reference = assignments[position]!;
    return { alert, incidentId: reference.kind === 'existing' ? reference.id : createdIds[reference.index]!, unchanged: false };
  });
  return { placed, merges, opened: createdIds };
}

// Read by group key and by service (`readUnderLocks`); here the window: an incident of the alerts' own groups, or
// one whose latest alert is recent enough for the earliest of them.
function withinReach(alerts: readonly ServiceAlert[], open: readonly OpenIncidentSummary[], window: number): OpenIncidentSummary[] {
  const earliest = Math.min(...alerts.map((alert) => alert.startsAt.getTime()));
  const groupKeys = new Set(alerts.flatMap((alert) => (alert.groupKey ? [alert.groupKey] : [])));
  const since = earliest - window;
  return open.filter((incident) => (incident.groupKey !== null && groupKeys.has(incident.groupKey)) || incident.lastAlertAt.getTime() >= since);
}
