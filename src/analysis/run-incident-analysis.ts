import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { AlertStatus, Severity } from '../alerts/alert.ts';
import type { AlertRow } from '../alerts/alert.table.ts';
import { sha256Hex } from '../domain/canonical-json.ts';
import { toIncidentView, type IncidentView } from '../incidents/incident-repository.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';
import { resolveQuietIncidents } from '../incidents/resolve-quiet-incidents.ts';
import { analysisTitle } from './analysis-title.ts';
import { analyzeIncident, type IncidentAnalysis } from './analyze-incident.ts';

export interface AnalysisDependencies {
  db: Kysely<DatabaseSchema>;
  graph: () => TopologyGraph;
  maxDepth: number;
  log: Logger;
  /** As the ingest's (`IngestDependencies`): how long an incident whose alerts all resolved waits to resolve. */
  resolveGraceMilliseconds?: number;
  resolutionDue?: (waiting: ReadonlyMap<string, number>) => Promise<void>;
}

/** The analysis as kept on the incident: which state of its alerts it covers, and when it was made. */
export interface StoredIncidentAnalysis extends IncidentAnalysis {
  /** The newest `incident_alert_groups.revision` the analysis read: the card is current while the incident has no newer one. */
  revision: number;
  alertsAnalysed: number;
  analysedAt: string;
  /** Digest of what the ranking was computed from (alert groups without their counts). */
  inputDigest: string;
  /**
   * The `inputDigest` whose remediation round (diagnosis, proposal) finished: set by `markRemediated` after it, so
   * that a process dying between the ranking and the proposal leaves the retry something to do.
   */
  remediatedDigest?: string;
}

/**
 * A new analysis, or `changed: false` when the alerts' services, names, statuses, severities and first starts
 * are what the stored analysis was computed from (a storm mostly adds pods to services already alerting): then
 * only its revision moves, and there is nothing new to rank or to propose.
 */
export type AnalysisOutcome = ({ changed: true } & AnalysedIncident) | { changed: false; revision: number; alertsAnalysed: number };

export interface AnalysedIncident {
  analysis: StoredIncidentAnalysis;
  /**
   * Open, but every alert has resolved: the incident waits out its grace period. Nothing to diagnose or propose
   * meanwhile (a rule finds nothing to act on in resolved alerts and would retire the live proposal that the
   * resolution is about to expire, "incident resolved").
   */
  awaitingResolution: boolean;
  /**
   * The incident with at most `maxSamples` stored alerts, one per (service, name, status, severity), firing
   * ones first and in root-cause order: what a brain needs, bounded whatever the incident's size.
   */
  incident: IncidentView;
}

/**
 * The `analyze-incident` job: recompute the analysis and keep it on the incident. Reads the incident's alert
 * counts by service, name, status and severity (incident_alert_groups, kept by the ingest), never its alert
 * rows, so an incident of 100k alerts costs a few dozen rows, like one of ten. The counts hold what the analysis
 * uses (which names fire on which service, the worst severity, the first start). Idempotent: a job retried
 * after a crash or enqueued twice does no harm.
 */
export async function runIncidentAnalysis(deps: AnalysisDependencies, incidentId: string): Promise<AnalysisOutcome | null> {
  const started = performance.now();
  const analysedAt = new Date();
  // One statement, one snapshot: the revision is the one these counts belong to.
  const { rows: groups } = await sql<{
    revision: string;
    digest: string | null;
    top: string | null;
    incident_status: string;
    service: string;
    name: string;
    status: AlertStatus;
    severity: Severity;
    alerts: number;
    first_starts_at: Date;
    sample: string;
  }>`
    -- MATERIALIZED: the incident's fields once, not per group (each would detoast the whole analysis document,
    -- which made this read cost ~150 ms on a storm's incident of a few thousand groups).
    WITH incident AS MATERIALIZED (
      SELECT analysis->>'remediatedDigest' AS digest, analysis->'rootCauses'->0->>'service' AS top, status AS incident_status
      FROM incidents WHERE id = ${incidentId}::uuid
    ), revision AS MATERIALIZED (
      SELECT max(revision) AS revision FROM incident_alert_groups WHERE incident_id = ${incidentId}::uuid
    )
    SELECT revision.revision, incident.digest, incident.top, incident.incident_status, groups.service, groups.name, groups.status, groups.severity, groups.alerts,
      groups.first_starts_at, groups.sample_fingerprint AS sample
    FROM incident CROSS JOIN revision JOIN incident_alert_groups AS groups ON groups.incident_id = ${incidentId}::uuid
    WHERE groups.alerts > 0
    ORDER BY groups.first_starts_at, groups.name, groups.service, groups.status, groups.severity`.execute(deps.db);
  if (groups.length === 0) return null;
  // The ingest resolves an incident after the commit that resolved its last alert; a process that died in between
  // leaves that to this run.
  let status = groups[0]!.incident_status;
  if (!groups.some((group) => group.status === 'firing') && status === 'open') {
    const resolution = await resolveQuietIncidents(deps.db, new Map([[incidentId, null]]), { log: deps.log, graceMilliseconds: deps.resolveGraceMilliseconds });
    if (resolution.waiting.size > 0) await deps.resolutionDue?.(resolution.waiting);
    if (resolution.resolved.length > 0) status = 'resolved';
  }
  const revision = Number(groups[0]!.revision);
  const alertsAnalysed = groups.reduce((sum, group) => sum + group.alerts, 0);
  // The analysis shares the event loop with the ingest: a storm's incident of thousands of groups takes some
  // milliseconds at each step, and webhook requests are answered between them rather than after all of them.
  await yieldToEventLoop();
  const counted = groups.map((group) => [group.service, group.name, group.status, group.severity, group.first_starts_at.getTime()]);
  // A resolution after a grace period changes no count, yet must reach the proposals ("incident resolved").
  const inputDigest = sha256Hex(JSON.stringify(status === 'open' ? counted : [status, counted]));
  const log = (fields: { topRootCause: string | null; changed: boolean }) =>
    deps.log.info({ incidentId, alertsAnalysed, revision, ...fields, milliseconds: Math.round(performance.now() - started) }, 'incident analysed');
  const facts = groups.map((group) => ({
    name: group.name,
    service: group.service || null,
    severity: group.severity,
    status: group.status,
    startsAt: group.first_starts_at,
    count: group.alerts,
  }));
  if (inputDigest === groups[0]!.digest) {
    const progress = { revision, alertsAnalysed, analysedAt: analysedAt.toISOString(), failure: null };
    // Same ranking, but the title's count of alerts moves with them.
    const title = analysisTitle(facts, groups[0]!.top ?? undefined);
    await deps.db
      .updateTable('incidents')
      .set({ analysis: sql<string>`coalesce(analysis, '{}'::jsonb) || ${JSON.stringify(progress)}::jsonb`, ...(title === null ? {} : { title }) })
      .where('id', '=', incidentId)
      .execute();
    log({ topRootCause: groups[0]!.top, changed: false });
    return { changed: false, revision, alertsAnalysed };
  }
  await yieldToEventLoop();
  const computed = analyzeIncident(facts, deps.graph(), deps.maxDepth);
  await yieldToEventLoop();
  const title = analysisTitle(facts, computed.rootCauses[0]?.service);
  const analysis: StoredIncidentAnalysis = { ...computed, revision, alertsAnalysed, analysedAt: analysedAt.toISOString(), inputDigest };
  // Kept on the incident: the best candidates only. A storm over 300 services ranks 300 of them, half a megabyte
  // that every re-analysis and every card would rewrite and re-read; the brain still gets the whole ranking.
  // `failure: null`: a run that succeeds clears what an earlier one that gave up left on the card.
  const stored = {
    ...analysis,
    rootCauses: analysis.rootCauses.slice(0, maxStoredRootCauses),
    rootCausesRanked: analysis.rootCauses.length,
    failure: null,
  };
  const [row, samples] = await Promise.all([
    deps.db
      .updateTable('incidents')
      // Merged, so the diagnosis kept beside it survives a re-analysis.
      .set({ analysis: sql<string>`coalesce(analysis, '{}'::jsonb) || ${JSON.stringify(stored)}::jsonb`, ...(title === null ? {} : { title }) })
      .where('id', '=', incidentId)
      .returning(['id', 'number', 'title', 'severity', 'status', 'group_key', 'services', 'opened_at', 'last_alert_at', 'resolved_at'])
      .returning(['created_at', 'updated_at', 'flaps', 'last_flap_at', 'merged_into', 'merged_at', 'cluster', 'cluster_unknown'])
      .executeTakeFirst(),
    // One primary-key probe per sample (LATERAL … LIMIT 1 cannot be flattened into a join over the incident's alerts).
    sql<AlertRow>`
      SELECT sample.* FROM unnest(${sampleFingerprints(groups, analysis)}::text[]) AS wanted (fingerprint)
      CROSS JOIN LATERAL (SELECT * FROM alerts WHERE incident_id = ${incidentId}::uuid AND fingerprint = wanted.fingerprint LIMIT 1) AS sample
      ORDER BY sample.starts_at`
      .execute(deps.db)
      .then((result) => result.rows),
  ]);
  if (!row) return null;
  log({ topRootCause: analysis.rootCauses[0]?.service ?? null, changed: true });
  const awaitingResolution = status === 'open' && !groups.some((group) => group.status === 'firing');
  return { changed: true, analysis, awaitingResolution, incident: toIncidentView({ ...row, analysis: stored }, samples) };
}

/** Root-cause candidates kept on the incident; a card shows the best one and names a few others. */
const maxStoredRootCauses = 10;

/** Alerts handed to the brain at most; a rule brain acts on the best-ranked ones and a model reads no more. */
const maxSamples = 100;

function sampleFingerprints(groups: readonly { service: string; status: AlertStatus; sample: string }[], analysis: IncidentAnalysis): string[] {
  const rank = new Map(analysis.rootCauses.map((candidate, index) => [candidate.service, index]));
  const firing = groups.filter((group) => group.status === 'firing');
  // Stable sort: within a rank the earliest group first, as the query ordered them.
  return [...(firing.length > 0 ? firing : groups)]
    .sort((a, b) => (rank.get(a.service) ?? rank.size) - (rank.get(b.service) ?? rank.size))
    .slice(0, maxSamples)
    .map((group) => group.sample);
}
