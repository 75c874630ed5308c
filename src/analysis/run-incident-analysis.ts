import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { AlertRow } from '../alerts/alert.table.ts';
import { sha256Hex } from '../domain/canonical-json.ts';
import { toIncidentView, type IncidentView } from '../incidents/incident-repository.ts';
import type { Logger } from '../ports/logger.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';
import { resolveQuietIncidents } from '../incidents/resolve-quiet-incidents.ts';
import { analysisTitle } from './analysis-title.ts';
import { analyzeIncident, type IncidentAnalysis } from './analyze-incident.ts';
import { readIncidentServices, type ServiceSummary } from './read-incident-services.ts';

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
 * counts (incident_alert_groups, kept by the ingest) summed up per service in SQL, never its alert rows, so an
 * incident of 100k alerts over 300 services costs 300 rows (ADR 0042). They hold what the analysis uses (which
 * names fire on which service, the worst severity, the first start). Idempotent: a job retried after a crash or
 * enqueued twice does no harm.
 */
export async function runIncidentAnalysis(deps: AnalysisDependencies, incidentId: string): Promise<AnalysisOutcome | null> {
  const started = performance.now();
  const analysedAt = new Date();
  // One statement, one snapshot: the revision is the one these counts belong to.
  const read = await readIncidentServices(deps.db, incidentId);
  if (read.services.length === 0) return null;
  // The ingest resolves an incident after the commit that resolved its last alert; a process that died in between
  // leaves that to this run.
  let status = read.incidentStatus;
  if (!read.firing && status === 'open') {
    const resolution = await resolveQuietIncidents(deps.db, new Map([[incidentId, null]]), { log: deps.log, graceMilliseconds: deps.resolveGraceMilliseconds });
    if (resolution.waiting.size > 0) await deps.resolutionDue?.(resolution.waiting);
    if (resolution.resolved.length > 0) status = 'resolved';
  }
  const { revision, alertsAnalysed } = read;
  // What the ranking is computed from: per service, the names it considers, the worst severity, the first start.
  const ranked = read.services.map((entry) => [entry.service, entry.names, entry.severity, entry.firstStartsAt.getTime()]);
  // A resolution after a grace period changes no count, yet must reach the proposals ("incident resolved").
  const inputDigest = sha256Hex(JSON.stringify([read.firing, status === 'open' ? ranked : [status, ranked]]));
  const log = (fields: { topRootCause: string | null; changed: boolean }) =>
    deps.log.info({ incidentId, alertsAnalysed, revision, ...fields, milliseconds: Math.round(performance.now() - started) }, 'incident analysed');
  // One entry per (service, name); the service's count on its first, so the title counts every alert once.
  const facts = read.services.flatMap((entry) =>
    entry.names.map((name, index) => ({
      name,
      service: entry.service || null,
      severity: entry.severity,
      status: read.firing ? ('firing' as const) : ('resolved' as const),
      startsAt: entry.firstStartsAt,
      count: index === 0 ? entry.alerts : 0,
    })),
  );
  if (inputDigest === read.remediatedDigest) {
    const progress = { revision, alertsAnalysed, analysedAt: analysedAt.toISOString(), failure: null };
    // Same ranking, but the title's count of alerts moves with them.
    const title = analysisTitle(facts, read.topRootCause ?? undefined);
    await deps.db
      .updateTable('incidents')
      .set({ analysis: sql<string>`coalesce(analysis, '{}'::jsonb) || ${JSON.stringify(progress)}::jsonb`, ...(title === null ? {} : { title }) })
      .where('id', '=', incidentId)
      .execute();
    log({ topRootCause: read.topRootCause, changed: false });
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
      SELECT sample.* FROM unnest(${sampleFingerprints(read.services, analysis)}::text[]) AS wanted (fingerprint)
      CROSS JOIN LATERAL (SELECT * FROM alerts WHERE incident_id = ${incidentId}::uuid AND fingerprint = wanted.fingerprint LIMIT 1) AS sample
      ORDER BY sample.starts_at`
      .execute(deps.db)
      .then((result) => result.rows),
  ]);
  if (!row) return null;
  log({ topRootCause: analysis.rootCauses[0]?.service ?? null, changed: true });
  const awaitingResolution = status === 'open' && !read.firing;
  return { changed: true, analysis, awaitingResolution, incident: toIncidentView({ ...row, analysis: stored }, samples) };
}

/** Root-cause candidates kept on the incident; a card shows the best one and names a few others. */
const maxStoredRootCauses = 10;

/** Alerts handed to the brain at most; a rule brain acts on the best-ranked ones and a model reads no more. */
const maxSamples = 100;

function sampleFingerprints(services: readonly ServiceSummary[], analysis: IncidentAnalysis): string[] {
  const rank = new Map(analysis.rootCauses.map((candidate, index) => [candidate.service, index]));
  // Stable sort: within a rank (alerts naming no service) the earliest first, as read.
  return [...services]
    .sort((a, b) => (rank.get(a.service) ?? rank.size) - (rank.get(b.service) ?? rank.size))
    .flatMap((entry) => entry.samples)
    .slice(0, maxSamples);
}
