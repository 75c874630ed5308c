import { SettledAlerts } from '../../src/ingest/settled-alerts.ts';
import { sql } from 'kysely';
import { demoTopologyPath } from '../../src/cli/load-topology.ts';
import { ingestAlerts, type IngestDependencies, type IngestResult } from '../../src/ingest/ingest-alerts.ts';
import { systemClock } from '../../src/ports/clock.ts';
import { readTopologyFile } from '../../src/topology/read-topology-file.ts';
import { TopologyGraph } from '../../src/topology/topology-graph.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/** One Alertmanager alert of a test payload; `service` becomes the `service` label (omit it for an unmapped alert). */
export interface TestAlert {
  fingerprint: string;
  name?: string;
  service?: string;
  status?: 'firing' | 'resolved';
  severity?: string;
  startsAt?: string;
  summary?: string;
  /** More labels, e.g. Alertmanager's external `cluster` label. */
  labels?: Record<string, string>;
}

/** An Alertmanager v4 webhook of one group. */
export function alertmanagerPayload(groupKey: string, alerts: readonly TestAlert[]) {
  return {
    version: '4',
    groupKey,
    status: 'firing',
    receiver: 'awoooi',
    alerts: alerts.map((alert) => ({
      status: alert.status ?? 'firing',
      labels: {
        alertname: alert.name ?? 'KubePodCrashLooping',
        ...(alert.service ? { service: alert.service } : {}),
        severity: alert.severity ?? 'warning',
        instance: alert.fingerprint,
        ...alert.labels,
      },
      annotations: { summary: alert.summary ?? 'test' },
      startsAt: alert.startsAt ?? '2026-03-01T10:00:00Z',
      endsAt: alert.status === 'resolved' ? '2026-03-01T10:30:00Z' : '0001-01-01T00:00:00Z',
      fingerprint: alert.fingerprint,
    })),
  };
}

export interface IngestHarness {
  database: TestDatabase;
  deps: IngestDependencies;
  /** The incidents whose analysis the ingest requested (not dispatched: no dispatcher runs here), in order. */
  requestedAnalyses(): Promise<string[]>;
  ingest(groupKey: string, alerts: readonly TestAlert[]): Promise<Extract<IngestResult, { ok: true }>>;
  close(): Promise<void>;
}

/** ingestAlerts on a throwaway database with the demo shop's topology; analysis requests stay where the ingest wrote them. */
export async function createIngestHarness(options: { poolSize?: number; deps?: Partial<IngestDependencies> } = {}): Promise<IngestHarness> {
  const topology = await readTopologyFile(demoTopologyPath);
  if (!topology.ok) throw new Error(topology.errors.join('\n'));
  const graph = TopologyGraph.build(topology.services);
  const database = await createTestDatabase({ poolSize: options.poolSize ?? 10 });
  const deps: IngestDependencies = {
    db: database.handle.db,
    clock: systemClock,
    graph: () => graph,
    serviceLabels: ['service'],
    // Hours: the tests' alerts start at fixed times in the past.
    windowMilliseconds: 24 * 3_600_000,
    maxDepth: 3,
    // As the bot runs: what this process stored is remembered (ADR 0039).
    settled: new SettledAlerts(),
    ...options.deps,
  };
  return {
    database,
    deps,
    requestedAnalyses: async () =>
      (await database.handle.db.selectFrom('analysis_requests').select('incident_id').orderBy('id').execute()).map((row) => row.incident_id),
    ingest: async (groupKey, alerts) => {
      const result = await ingestAlerts(deps, 'alertmanager', alertmanagerPayload(groupKey, alerts));
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      return result;
    },
    close: () => database.drop(),
  };
}

/**
 * What the incidents table and the alert counts say, beside what the alert rows say: they must agree.
 * `firing_count` and `alerts_revision` are read off the counts (the firing alerts, the newest revision).
 */
export async function incidentBookkeeping(database: TestDatabase, incidentId: string) {
  const db = database.handle.db;
  const { rows: incidents } = await sql<{
    status: string;
    severity: string;
    services: string[];
    resolved_at: Date | null;
    firing_count: number;
    alerts_revision: string;
  }>`
    SELECT status, severity, services, resolved_at,
      (SELECT coalesce(sum(alerts), 0)::int FROM incident_alert_groups WHERE incident_id = incidents.id AND status = 'firing') AS firing_count,
      (SELECT max(revision) FROM incident_alert_groups WHERE incident_id = incidents.id) AS alerts_revision
    FROM incidents WHERE id = ${incidentId}::uuid`.execute(db);
  const incident = incidents[0]!;
  const { rows } = await sql<{ firing: number; total: number }>`
    SELECT count(*) FILTER (WHERE status = 'firing')::int AS firing, count(*)::int AS total FROM alerts WHERE incident_id = ${incidentId}::uuid`.execute(db);
  const groups = await sql<{ key: string; alerts: number }>`
    SELECT service || '|' || name || '|' || status || '|' || severity AS key, alerts FROM incident_alert_groups
    WHERE incident_id = ${incidentId}::uuid AND alerts > 0 ORDER BY 1`.execute(db);
  const counted = await sql<{ key: string; alerts: number }>`
    SELECT coalesce(service, '') || '|' || name || '|' || status || '|' || severity AS key, count(*)::int AS alerts FROM alerts
    WHERE incident_id = ${incidentId}::uuid GROUP BY 1 ORDER BY 1`.execute(db);
  return { incident, firingRows: rows[0]!.firing, totalRows: rows[0]!.total, groups: groups.rows, countedGroups: counted.rows };
}
