import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { validatePlannedAction } from '../actions/action-catalog.ts';
import { normalizeSeverity } from '../alerts/normalize-severity.ts';
import { findSimilarIncidents } from '../knowledge/find-similar-incidents.ts';
import type { KnowledgeEmbeddings } from '../knowledge/knowledge-embeddings.ts';
import { cardHistory } from './card-history.ts';
import { readStoredAnalysis, type StoredAnalysis } from '../analysis/stored-analysis.ts';
import type { Person } from '../domain/person.ts';
import type { Prices } from '../finops/pricing.ts';
import type { WasteLookup } from '../finops/waste-cache.ts';
import { findIncident, type IncidentView } from '../incidents/incident-repository.ts';
import type { ClusterDirectory, ClusterPort } from '../ports/cluster-port.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';
import { cardCost } from './card-cost.ts';
import { cardProposal } from './card-proposal.ts';
import { cardPaging } from '../paging/card-paging.ts';
import type { CardAnalysis, CardCluster, IncidentCard } from './incident-card.ts';

export interface CardDependencies {
  /** Configured people: names for signatures, current roles for what is still missing. */
  people: readonly Person[];
  /** The (default) cluster; with `clusters`, cost at stake is read from the incident's own cluster. */
  cluster: ClusterPort;
  /** Several clusters (ADR 0032): the card then names the incident's cluster. */
  clusters?: ClusterDirectory;
  prices: Prices;
  /** Namespaces of blast-radius services. Without it only namespaces that alert labels name are known. */
  topology?: TopologyGraph;
  /** Deadline of the cluster calls for cost at stake (`cluster.timeoutSeconds`); default 30 s. */
  clusterTimeoutMilliseconds?: number;
  /** The waste the affected workloads carry (the last FinOps scan); without it the cost line names none. */
  waste?: WasteLookup;
  /** An embedding model for the history line (ADR 0034); without it, full-text search alone. */
  embeddings?: KnowledgeEmbeddings;
}

/**
 * Everything one chat message shows about an incident, from the database (incident, alerts, analysis with
 * diagnosis, the live proposal or else the latest one, its signatures) and the cluster (cost at stake).
 * Null when there is no such incident.
 */
export async function buildIncidentCard(db: Kysely<DatabaseSchema>, incidentId: string, deps: CardDependencies): Promise<IncidentCard | null> {
  if (!z.uuid().safeParse(incidentId).success) return null;
  const [incident, stamp, proposal] = await Promise.all([
    findIncident(db, incidentId),
    db.selectFrom('incidents').select('updated_at').where('id', '=', incidentId).executeTakeFirst(),
    db
      .selectFrom('proposals')
      .selectAll()
      .where('incident_id', '=', incidentId)
      // The live proposal when there is one (at most one, by a unique index), else the latest.
      .orderBy(sql`state IN ('PENDING', 'APPROVED', 'EXECUTING')`, 'desc')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  if (incident === null || stamp === undefined) return null;
  const [signatures, history, merges, paging] = await Promise.all([
    proposal === undefined ? [] : db.selectFrom('signatures').selectAll().where('proposal_id', '=', proposal.id).orderBy('signed_at').execute(),
    similarTo(db, incident, deps.embeddings),
    db
      .selectFrom('incidents')
      .select(['id', 'number', 'merged_into'])
      .where((eb) => eb.or([eb('merged_into', '=', incident.id), ...(incident.mergedInto === null ? [] : [eb('id', '=', incident.mergedInto)])]))
      .orderBy('merged_at')
      .execute(),
    cardPaging(db, incident.id, deps.people),
  ]);
  const survivor = merges.find((row) => row.id === incident.mergedInto);

  const analysis = readStoredAnalysis(incident.analysis);
  const planned = proposal === undefined ? null : validatePlannedAction({ action: proposal.action, target: proposal.target, params: proposal.params });
  const cluster = deps.clusters === undefined ? deps.cluster : deps.clusters.get(incident.cluster);
  const cost =
    cluster === undefined
      ? null
      : await cardCost(
          {
            services: [...incident.services, ...analysis.blastRadius.map((entry) => entry.service)],
            namespaceOf: namespaceResolver(incident, deps.topology),
            proposal: planned?.ok ? planned.action : null,
          },
          cluster,
          deps.prices,
          deps.clusterTimeoutMilliseconds,
          // The FinOps scan reads the default cluster: its waste says nothing of a same-named workload elsewhere.
          cluster === deps.cluster ? deps.waste : undefined,
        );

  const times = [stamp.updated_at, proposal?.updated_at, ...signatures.map((signature) => signature.signed_at)];
  const updatedAt = new Date(Math.max(...times.flatMap((time) => (time === undefined ? [] : [time.getTime()]))));
  return {
    incidentId: incident.id,
    number: incident.number,
    title: incident.title,
    severity: normalizeSeverity(incident.severity),
    status: incident.status,
    mergedInto: survivor === undefined ? null : { incidentId: survivor.id, number: Number(survivor.number) },
    absorbed: merges.filter((row) => row.merged_into === incident.id).map((row) => Number(row.number)),
    cluster: cardCluster(incident, deps.clusters),
    services: incident.services,
    openedAt: incident.openedAt,
    analysis: cardAnalysis(incident.analysis, analysis),
    rootCauses: analysis.rootCauses.map(({ service, kind, score, alerting, evidence }) => ({ service, kind, score, alerting, evidence })),
    blastRadius: analysis.blastRadius,
    cost,
    diagnosis: analysis.diagnosis,
    proposal: proposal === undefined ? null : cardProposal(proposal, signatures, deps.people),
    flapped: incident.flapped,
    history: cardHistory(history, new Date()),
    runbooks: runbookLinks(incident),
    paging,
    updatedAt: updatedAt.toISOString(),
  };
}

/** Named when there are several clusters, or when an alert named one that is not configured (the default took it). */
function cardCluster(incident: IncidentView, clusters: ClusterDirectory | undefined): CardCluster | null {
  const note =
    incident.unknownClusterLabel === null
      ? null
      : `its alert named cluster "${incident.unknownClusterLabel}", which is not configured: the default cluster ${incident.cluster} took it`;
  if (clusters === undefined && note === null) return null;
  return { name: incident.cluster, note };
}

function cardAnalysis(raw: unknown, stored: StoredAnalysis): CardAnalysis {
  if (!hasRun(raw)) return { state: stored.failure === null ? 'pending' : 'failed', unmappedAlerts: [], failure: stored.failure?.message ?? null };
  // A later failure (a re-analysis that gave up) is news too, shown beside the last good analysis.
  return { state: stored.failure === null ? 'done' : 'failed', unmappedAlerts: stored.unmappedAlerts, failure: stored.failure?.message ?? null };
}

/** Whether the deterministic analysis has been stored (a diagnosis or a failure alone does not count). */
function hasRun(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && 'rootCauses' in raw;
}

/** The topology's namespace of a service, else the `namespace` label of its alerts. */
function namespaceResolver(incident: IncidentView, topology: TopologyGraph | undefined): (service: string) => string | undefined {
  return (service) => {
    const node = topology?.indexOf(service) ?? -1;
    const declared = topology !== undefined && node >= 0 ? topology.namespaceOf(node) : undefined;
    return declared ?? incident.alerts.find((alert) => alert.service === service && alert.labels['namespace'])?.labels['namespace'];
  };
}

/** `runbook_url` annotations that are http(s) links; anything else (javascript:, file:) is dropped. */
function runbookLinks(incident: IncidentView): string[] {
  const links = new Set<string>();
  for (const alert of incident.alerts) {
    const raw = alert.annotations['runbook_url']?.trim();
    if (!raw || !URL.canParse(raw)) continue;
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') links.add(url.href);
  }
  return [...links];
}

/** The knowledge base's incidents like this one, asked with what the analysis knows so far. */
function similarTo(db: Kysely<DatabaseSchema>, incident: IncidentView, embeddings: KnowledgeEmbeddings | undefined) {
  const known = readStoredAnalysis(incident.analysis);
  const query = {
    id: incident.id,
    services: incident.services,
    alertNames: incident.alerts.map((alert) => alert.name),
    rootCause: known.rootCauses[0]?.service ?? null,
    diagnosis: known.diagnosis?.text ?? null,
  };
  return findSimilarIncidents(db, query, embeddings);
}
