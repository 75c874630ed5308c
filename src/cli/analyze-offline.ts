import { baseRiskOf, validatePlannedAction } from '../actions/action-catalog.ts';
import { compareSeverity } from '../alerts/normalize-severity.ts';
import { parseAlertmanager } from '../alerts/parse-alertmanager.ts';
import { analysisTitle } from '../analysis/analysis-title.ts';
import { analyzeIncident } from '../analysis/analyze-incident.ts';
import { diagnosisInput } from '../analysis/diagnosis-input.ts';
import { requiredSignatures } from '../approval/quorum.ts';
import type { Risk } from '../domain/risk.ts';
import { RuleBrain } from '../brain/rule-brain.ts';
import { type ClusterNames, clusterOfAlert, singleCluster } from '../incidents/cluster-of-alert.ts';
import { correlateAlerts, type ServiceAlert } from '../incidents/correlate-alerts.ts';
import { incidentTitle } from '../incidents/incident-title.ts';
import type { BrainPort } from '../ports/brain-port.ts';
import { deadline } from '../ports/call-options.ts';
import type { ActionName, ActionTarget } from '../ports/cluster-port.ts';
import type { RootCauseCandidate } from '../topology/rank-root-causes.ts';
import { serviceOfAlert } from '../topology/service-of-alert.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';

/** A remediation as `awoooi analyze` prints it: catalog risk, no trust (there is no history offline). */
export interface OfflineProposal {
  action: ActionName;
  target: ActionTarget;
  params: Record<string, unknown>;
  risk: Risk;
  requiredSignatures: number;
  reason: string;
}

/** One incident as `awoooi analyze --json` prints it (the contract of the issue). */
export interface OfflineIncident {
  id: string;
  title: string;
  severity: string;
  services: string[];
  rootCauses: Pick<RootCauseCandidate, 'service' | 'kind' | 'score' | 'alerting' | 'evidence'>[];
  blastRadius: { service: string; depth: number }[];
  /** The brain's summary in plain words. */
  diagnosis: string;
  /** Which brain spoke: `rules`, a model, or rules after a model failed (and why). */
  diagnosedBy: string;
  /** Catalog-valid proposals of the brain, best first; the live path would propose the first. */
  proposals: OfflineProposal[];
}

/** Topology and the same correlation settings as the live path. */
export interface OfflineOptions {
  graph: TopologyGraph;
  serviceLabels: readonly string[];
  /** Alerts of different clusters never share an incident; default: one cluster. */
  clusters?: ClusterNames;
  windowMilliseconds: number;
  maxDepth: number;
  /** Default: the rule brain, as on embedded defaults. */
  brain?: BrainPort;
  /** Deadline of each diagnosis; default 60 s. */
  brainTimeoutMilliseconds?: number;
}

export type OfflineResult = { ok: true; incidents: OfflineIncident[]; alerts: ServiceAlert[][] } | { ok: false; errors: string[] };

/**
 * What the bot would open for these Alertmanager payloads, computed with the same correlation, analysis and
 * diagnosis code as the live path, without a database.
 */
export async function analyzeOffline(payloads: readonly unknown[], options: OfflineOptions): Promise<OfflineResult> {
  const alerts: ServiceAlert[] = [];
  const errors: string[] = [];
  const clusters = options.clusters ?? singleCluster;
  payloads.forEach((payload, index) => {
    const parsed = parseAlertmanager(payload);
    if (!parsed.ok) errors.push(...parsed.issues.map((issue) => (payloads.length > 1 ? `payload[${index}].${issue}` : issue)));
    else
      for (const alert of parsed.alerts)
        alerts.push({ ...alert, service: serviceOfAlert(alert.labels, options.serviceLabels), cluster: clusterOfAlert(alert.labels, clusters).cluster });
  });
  if (errors.length > 0) return { ok: false, errors };
  const firing = [...new Map(alerts.filter((alert) => alert.status === 'firing').map((alert) => [alert.fingerprint, alert])).values()];
  firing.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const { assignments, newIncidents } = correlateAlerts(firing, [], options);
  const members = newIncidents.map((_, index) => firing.filter((_, position) => (assignments[position] as { index: number }).index === index));
  const brain = options.brain ?? new RuleBrain();
  const incidents: OfflineIncident[] = [];
  for (const [index, group] of members.entries()) {
    const analysis = analyzeIncident(group, options.graph, options.maxDepth);
    const facts = {
      // As the live path titles it once analysed: after the top root cause.
      title: analysisTitle(group, analysis.rootCauses[0]?.service) ?? incidentTitle(group),
      severity: group.map((alert) => alert.severity).sort(compareSeverity)[0]!,
      services: [...new Set(group.flatMap((alert) => (alert.service ? [alert.service] : [])))].sort(),
    };
    const signal = deadline(options.brainTimeoutMilliseconds ?? 60_000);
    const answer = await brain.diagnose(diagnosisInput({ ...facts, alerts: group }, analysis, options.graph), { signal });
    incidents.push({
      id: `inc-${index + 1}`,
      ...facts,
      rootCauses: analysis.rootCauses.map(({ service, kind, score, alerting, evidence }) => ({ service, kind, score, alerting, evidence })),
      blastRadius: analysis.blastRadius,
      diagnosis: answer.ok ? answer.diagnosis.summary : `no diagnosis: ${answer.error.message}`,
      diagnosedBy: answer.ok ? (answer.diagnosis.by ?? answer.diagnosis.source) : 'none',
      proposals: answer.ok ? offlineProposals(answer.diagnosis.proposals) : [],
    });
  }
  return { ok: true, incidents, alerts: members };
}

function offlineProposals(proposals: readonly { planned: unknown; reason: string }[]): OfflineProposal[] {
  return proposals.flatMap(({ planned, reason }) => {
    const validated = validatePlannedAction(planned);
    if (!validated.ok) return [];
    const { action, target, params } = validated.action;
    const risk = baseRiskOf(validated.action);
    return [{ action, target, params, risk, requiredSignatures: requiredSignatures(risk).count, reason }];
  });
}
