import { sql, type Kysely } from 'kysely';
import type { Severity } from '../alerts/alert.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';
import { analysisTitle } from './analysis-title.ts';
import { analyzeIncident, type IncidentAnalysis } from './analyze-incident.ts';

export interface AnalysisDependencies {
  db: Kysely<DatabaseSchema>;
  graph: () => TopologyGraph;
  maxDepth: number;
}

/**
 * The `analyze-incident` job: recompute the analysis from the stored alerts and keep it on the incident, with a
 * title that follows the current top root cause. Idempotent, so a job retried after a crash or enqueued twice
 * does no harm.
 */
export async function runIncidentAnalysis(deps: AnalysisDependencies, incidentId: string): Promise<IncidentAnalysis | null> {
  const alerts = await deps.db
    .selectFrom('alerts')
    .select(['name', 'service', 'severity', 'status', 'starts_at'])
    .where('incident_id', '=', incidentId)
    .execute();
  if (alerts.length === 0) return null;
  const facts = alerts.map((alert) => ({
    name: alert.name,
    service: alert.service,
    severity: alert.severity as Severity,
    status: alert.status,
    startsAt: alert.starts_at,
  }));
  const analysis = analyzeIncident(facts, deps.graph(), deps.maxDepth);
  const title = analysisTitle(facts, analysis);
  await deps.db
    .updateTable('incidents')
    // Merged, so the diagnosis kept beside it survives a re-analysis.
    .set({ analysis: sql<string>`coalesce(analysis, '{}'::jsonb) || ${JSON.stringify(analysis)}::jsonb`, ...(title === null ? {} : { title }) })
    .where('id', '=', incidentId)
    .execute();
  return analysis;
}
