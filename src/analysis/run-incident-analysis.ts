import { sql, type Kysely } from 'kysely';
import type { AlertStatus, Severity } from '../alerts/alert.ts';
import { toIncidentView, type IncidentView } from '../incidents/incident-repository.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';
import { analyzeIncident, type IncidentAnalysis } from './analyze-incident.ts';

export interface AnalysisDependencies {
  db: Kysely<DatabaseSchema>;
  graph: () => TopologyGraph;
  maxDepth: number;
  log: Logger;
}

/** The analysis as kept on the incident: which state of its alerts it covers, and when it was made. */
export interface StoredIncidentAnalysis extends IncidentAnalysis {
  /** `incidents.alerts_revision` the analysis read: the card is current while the incident has no newer one. */
  revision: number;
  alertsAnalysed: number;
  analysedAt: string;
}

export interface AnalysedIncident {
  analysis: StoredIncidentAnalysis;
  /** The incident with ONE stored alert per (service, name, status, severity), the earliest: bounded whatever its size. */
  incident: IncidentView;
}

/**
 * The `analyze-incident` job: recompute the analysis and keep it on the incident. Reads per-service aggregates
 * (one row per service, alert name, status and severity), never every alert row, so an incident of 100k alerts
 * costs one grouped scan in PostgreSQL and a handful of rows here. The aggregates hold everything the analysis
 * uses (which names fire on which service, the worst severity, the first start), so the result is the same as
 * from every row. Idempotent: a job retried after a crash or enqueued twice does no harm.
 */
export async function runIncidentAnalysis(deps: AnalysisDependencies, incidentId: string): Promise<AnalysedIncident | null> {
  const started = performance.now();
  const analysedAt = new Date();
  // One statement, one snapshot: the revision is the one these aggregates belong to.
  const { rows: groups } = await sql<{
    revision: string;
    service: string | null;
    name: string;
    status: AlertStatus;
    severity: Severity;
    alerts: number;
    first_starts_at: Date;
    sample: string;
  }>`
    SELECT incidents.alerts_revision AS revision, grouped.*
    FROM incidents CROSS JOIN LATERAL (
      SELECT service, name, status, severity, count(*)::int AS alerts, min(starts_at) AS first_starts_at,
        (array_agg(fingerprint ORDER BY starts_at, fingerprint))[1] AS sample
      FROM alerts WHERE alerts.incident_id = incidents.id
      GROUP BY service, name, status, severity
    ) AS grouped
    WHERE incidents.id = ${incidentId}::uuid
    ORDER BY grouped.first_starts_at, grouped.name, grouped.service`.execute(deps.db);
  if (groups.length === 0) return null;
  const computed = analyzeIncident(
    groups.map((group) => ({ name: group.name, service: group.service, severity: group.severity, status: group.status, startsAt: group.first_starts_at })),
    deps.graph(),
    deps.maxDepth,
  );
  const analysis: StoredIncidentAnalysis = {
    ...computed,
    revision: Number(groups[0]!.revision),
    alertsAnalysed: groups.reduce((sum, group) => sum + group.alerts, 0),
    analysedAt: analysedAt.toISOString(),
  };
  const [incident, samples] = await Promise.all([
    deps.db
      .updateTable('incidents')
      // Merged, so the diagnosis kept beside it survives a re-analysis.
      .set({ analysis: sql<string>`coalesce(analysis, '{}'::jsonb) || ${JSON.stringify(analysis)}::jsonb` })
      .where('id', '=', incidentId)
      .returningAll()
      .executeTakeFirst(),
    deps.db
      .selectFrom('alerts')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .where(
        'fingerprint',
        'in',
        groups.map((group) => group.sample),
      )
      .orderBy('starts_at')
      .execute(),
  ]);
  if (!incident) return null;
  deps.log.info(
    {
      incidentId,
      alertsAnalysed: analysis.alertsAnalysed,
      revision: analysis.revision,
      topRootCause: analysis.rootCauses[0]?.service ?? null,
      milliseconds: Math.round(performance.now() - started),
    },
    'incident analysed',
  );
  return { analysis, incident: toIncidentView(incident, samples) };
}
