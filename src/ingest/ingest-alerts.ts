import { sql, type Kysely, type Transaction } from 'kysely';
import type { Alert, AlertSource } from '../alerts/alert.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { parseAlertmanager } from '../alerts/parse-alertmanager.ts';
import { parseGenericAlerts } from '../alerts/parse-generic-alerts.ts';
import type { AlertRepair } from '../alerts/storable-alert.ts';
import { correlationNeighborhood } from '../incidents/correlation-neighborhood.ts';
import { correlateAlerts, type ServiceAlert } from '../incidents/correlate-alerts.ts';
import { incidentTitle } from '../incidents/incident-title.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Clock } from '../ports/clock.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import { isConnectionError } from '../storage/is-connection-error.ts';
import { serviceOfAlert } from '../topology/service-of-alert.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';

export interface IngestDependencies {
  db: Kysely<DatabaseSchema>;
  jobs: Pick<JobQueue, 'enqueue'>;
  clock: Clock;
  graph: () => TopologyGraph;
  serviceLabels: readonly string[];
  windowMilliseconds: number;
  maxDepth: number;
}

export type IngestResult =
  | { ok: true; stored: number; ignored: number; incidents: string[]; repaired?: AlertRepair[] }
  | { ok: false; error: { code: 'invalid_payload'; issues: string[] } | { code: 'storage_unavailable'; message: string } };

// Advisory locks in a namespace of our own (the two-key form), so they never meet pg-boss's.
const lockNamespace = 0x4157_4f4f;

/**
 * The door in for alerts: validate, then in ONE transaction store them idempotently (the payload is a snapshot
 * of its group), correlate them into incidents and enqueue the follow-up work. All or nothing.
 */
export async function ingestAlerts(deps: IngestDependencies, source: AlertSource, body: unknown): Promise<IngestResult> {
  const parsed = source === 'generic' ? parseGenericAlerts(body, deps.clock.now()) : parseAlertmanager(body, source);
  if (!parsed.ok) return { ok: false, error: { code: 'invalid_payload', issues: parsed.issues } };
  const alerts = dedupeByFingerprint(parsed.alerts).map((alert) => ({ ...alert, service: serviceOfAlert(alert.labels, deps.serviceLabels) }));
  try {
    const result = await deps.db.transaction().execute((trx) => storeAlerts(trx, deps, alerts));
    return result.ok && parsed.repairs.length > 0 ? { ...result, repaired: parsed.repairs } : result;
  } catch (error) {
    if (isConnectionError(error)) return { ok: false, error: { code: 'storage_unavailable', message: 'database unreachable' } };
    throw error;
  }
}

async function storeAlerts(trx: Transaction<DatabaseSchema>, deps: IngestDependencies, alerts: ServiceAlert[]): Promise<IngestResult> {
  const services = [...new Set(alerts.flatMap((alert) => (alert.service ? [alert.service] : [])))];
  const neighborhood = correlationNeighborhood(deps.graph(), services, deps.maxDepth);
  await lockCorrelationScope(trx, alerts, neighborhood);

  const latest = await latestOccurrences(
    trx,
    alerts.map((alert) => alert.fingerprint),
  );
  const placed: { alert: ServiceAlert; incidentId: string }[] = [];
  const unplaced: ServiceAlert[] = [];
  let ignored = 0;
  for (const alert of alerts) {
    const previous = latest.get(alert.fingerprint);
    if (previous?.incidentStatus === 'open' || (previous && alert.status === 'resolved')) placed.push({ alert, incidentId: previous.incidentId });
    else if (alert.status === 'resolved')
      ignored += 1; // never seen firing: nothing to resolve
    else if (previous && previous.startsAt.getTime() === alert.startsAt.getTime())
      ignored += 1; // late replay: never reopen
    else unplaced.push(alert); // new, or firing again after its incident resolved: a new occurrence
  }

  if (unplaced.length > 0) {
    const open = await openIncidentsNear(trx, unplaced, neighborhood, deps.windowMilliseconds);
    const { assignments, newIncidents } = correlateAlerts(unplaced, open, {
      graph: deps.graph(),
      windowMilliseconds: deps.windowMilliseconds,
      maxDepth: deps.maxDepth,
    });
    const createdIds: string[] = [];
    for (const [index, draft] of newIncidents.entries()) {
      const members = unplaced.filter((_, position) => {
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
          services: draft.services,
          opened_at: draft.openedAt,
          last_alert_at: draft.lastAlertAt,
          resolved_at: null,
          analysis: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      createdIds.push(row.id);
    }
    unplaced.forEach((alert, position) => {
      const reference = assignments[position]!;
      placed.push({ alert, incidentId: reference.kind === 'existing' ? reference.id : createdIds[reference.index]! });
    });
  }

  if (placed.length === 0) return { ok: true, stored: 0, ignored, incidents: [] };
  await upsertAlerts(trx, placed);
  const touched = [...new Set(placed.map((entry) => entry.incidentId))];
  await refreshIncidents(trx, touched);
  for (const incidentId of touched) await deps.jobs.enqueue(trx, 'analyze-incident', { incidentId });
  // Last, so the audit chain's lock is held only for the commit.
  await appendAudit(trx, {
    kind: 'alert_received',
    at: deps.clock.now(),
    incidentId: touched.length === 1 ? touched[0]! : null,
    details: {
      source: placed[0]!.alert.source,
      alerts: placed.length,
      firing: placed.filter((entry) => entry.alert.status === 'firing').length,
      incidents: touched,
    },
  });
  return { ok: true, stored: placed.length, ignored, incidents: touched };
}

/**
 * Serialises exactly the ingestions that could race for the same incident: same group (two Alertmanager
 * replicas), or services connected in the topology (a cascade arriving through two groups at once). Locks
 * are taken in one statement, in one global order, so two ingestions never deadlock; unrelated alert groups
 * run in parallel.
 */
async function lockCorrelationScope(trx: Transaction<DatabaseSchema>, alerts: ServiceAlert[], neighborhood: string[]) {
  const keys = new Set<string>();
  for (const alert of alerts) keys.add(alert.groupKey ? `group:${alert.groupKey}` : `fingerprint:${alert.fingerprint}`);
  for (const service of neighborhood) keys.add(`service:${service}`);
  await sql`
    SELECT pg_advisory_xact_lock(${lockNamespace}, key)
    FROM (SELECT DISTINCT hashtext(name) AS key FROM unnest(${[...keys]}::text[]) AS name ORDER BY key) AS ordered`.execute(trx);
}

// One index probe per fingerprint (LATERAL … LIMIT 1 cannot be flattened into a join), whatever the planner
// estimates: a hash join or a parallel scan would read every alert ever stored on each call.
async function latestOccurrences(trx: Transaction<DatabaseSchema>, fingerprints: string[]) {
  const { rows } = await sql<{ fingerprint: string; incident_id: string; starts_at: Date; status: 'open' | 'resolved' }>`
    SELECT wanted.fingerprint, latest.incident_id, latest.starts_at, latest.status
    FROM unnest(${fingerprints}::text[]) AS wanted (fingerprint)
    CROSS JOIN LATERAL (
      SELECT alerts.incident_id, alerts.starts_at, (SELECT status FROM incidents WHERE incidents.id = alerts.incident_id) AS status
      FROM alerts WHERE alerts.fingerprint = wanted.fingerprint ORDER BY alerts.received_at DESC LIMIT 1
    ) AS latest`.execute(trx);
  return new Map(rows.map((row) => [row.fingerprint, { incidentId: row.incident_id, incidentStatus: row.status, startsAt: row.starts_at }]));
}

// `neighborhood` may be wider than these alerts need (it covers the whole payload): correlation filters.
async function openIncidentsNear(trx: Transaction<DatabaseSchema>, alerts: ServiceAlert[], neighborhood: string[], window: number) {
  const earliest = Math.min(...alerts.map((alert) => alert.startsAt.getTime()));
  const groupKeys = [...new Set(alerts.flatMap((alert) => (alert.groupKey ? [alert.groupKey] : [])))];
  const rows = await trx
    .selectFrom('incidents')
    .select(['id', 'group_key', 'services', 'opened_at', 'last_alert_at'])
    .where('status', '=', 'open')
    // Only the group key and the services go to SQL, so both indexes serve the query; however many incidents
    // are open, this reads just the ones that could absorb these alerts. The window is checked here.
    .where((eb) => eb.or([eb('group_key', '=', sql<string>`ANY(${groupKeys}::text[])`), sql<boolean>`services && ${neighborhood}::text[]`]))
    .orderBy('opened_at')
    .execute();
  const since = earliest - window;
  return rows
    .filter((row) => (row.group_key !== null && groupKeys.includes(row.group_key)) || row.last_alert_at.getTime() >= since)
    .map((row) => ({
      id: row.id,
      groupKey: row.group_key,
      services: row.services,
      openedAt: row.opened_at,
      lastAlertAt: row.last_alert_at,
    }));
}

// One statement with 13 array parameters instead of 13 per alert: far less to bind and plan for big groups.
async function upsertAlerts(trx: Transaction<DatabaseSchema>, placed: { alert: ServiceAlert; incidentId: string }[]) {
  const column = <T>(pick: (entry: { alert: ServiceAlert; incidentId: string }) => T) => placed.map(pick);
  await sql`
    INSERT INTO alerts (incident_id, fingerprint, name, status, severity, service, labels, annotations, starts_at, ends_at, source, group_key, generator_url)
    SELECT * FROM unnest(
      ${column((entry) => entry.incidentId)}::uuid[], ${column((entry) => entry.alert.fingerprint)}::text[],
      ${column((entry) => entry.alert.name)}::text[], ${column((entry) => entry.alert.status)}::text[],
      ${column((entry) => entry.alert.severity)}::text[], ${column((entry) => entry.alert.service)}::text[],
      ${column((entry) => JSON.stringify(entry.alert.labels))}::jsonb[], ${column((entry) => JSON.stringify(entry.alert.annotations))}::jsonb[],
      ${column((entry) => entry.alert.startsAt.toISOString())}::timestamptz[], ${column((entry) => entry.alert.endsAt?.toISOString() ?? null)}::timestamptz[],
      ${column((entry) => entry.alert.source)}::text[], ${column((entry) => entry.alert.groupKey)}::text[],
      ${column((entry) => entry.alert.generatorUrl)}::text[])
    ON CONFLICT (incident_id, fingerprint) DO UPDATE SET
      status = excluded.status, severity = excluded.severity, annotations = excluded.annotations, ends_at = excluded.ends_at, updated_at = now()
    -- Identical re-sends (every group_interval, HA pairs) change nothing and write nothing.
    WHERE (alerts.status, alerts.severity, alerts.annotations, alerts.ends_at)
      IS DISTINCT FROM (excluded.status, excluded.severity, excluded.annotations, excluded.ends_at)`.execute(trx);
}

async function refreshIncidents(trx: Transaction<DatabaseSchema>, incidentIds: string[]) {
  await sql`
    UPDATE incidents AS i SET
      severity = agg.severity,
      services = agg.services,
      last_alert_at = agg.last_alert_at,
      status = CASE WHEN agg.firing > 0 THEN 'open' ELSE 'resolved' END,
      resolved_at = CASE WHEN agg.firing > 0 THEN NULL ELSE coalesce(i.resolved_at, agg.last_end, now()) END,
      updated_at = now()
    FROM (
      SELECT incident_id,
        count(*) FILTER (WHERE status = 'firing') AS firing,
        coalesce(array_agg(DISTINCT service ORDER BY service) FILTER (WHERE service IS NOT NULL), '{}') AS services,
        max(starts_at) AS last_alert_at,
        max(ends_at) AS last_end,
        (array_agg(severity ORDER BY array_position(ARRAY['critical','high','warning','info'], severity)))[1] AS severity
      FROM alerts WHERE incident_id = ANY(${incidentIds}::uuid[]) GROUP BY incident_id
    ) AS agg
    WHERE i.id = agg.incident_id
      AND (i.severity, i.services, i.last_alert_at, i.status) IS DISTINCT FROM
          (agg.severity, agg.services, agg.last_alert_at, CASE WHEN agg.firing > 0 THEN 'open' ELSE 'resolved' END)`.execute(trx);
}

function dedupeByFingerprint(alerts: Alert[]): Alert[] {
  return [...new Map(alerts.map((alert) => [alert.fingerprint, alert])).values()];
}
