import { normalizeSeverity } from '../alerts/normalize-severity.ts';
import type { DiagnosisInput } from '../ports/brain-port.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';
import type { IncidentAnalysis } from './analyze-incident.ts';

/** What the live path (IncidentView) and `awoooi analyze` (parsed alerts) both know about an incident. */
export interface IncidentFacts {
  /** The stored incident's id (keys its pseudonym vault); absent offline. */
  id?: string;
  title: string;
  severity: string;
  services: readonly string[];
  alerts: readonly {
    name: string;
    status: 'firing' | 'resolved';
    severity: string;
    service: string | null;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: Date | string;
  }[];
}

/** The brain's view of an incident: its facts, the deterministic analysis and the topology of the services involved. */
export function diagnosisInput(
  facts: IncidentFacts,
  analysis: Pick<IncidentAnalysis, 'rootCauses' | 'blastRadius'>,
  graph: TopologyGraph | null,
): DiagnosisInput {
  const named = new Set<string>([
    ...facts.services,
    ...facts.alerts.flatMap((alert) => (alert.service === null ? [] : [alert.service])),
    ...analysis.rootCauses.map((candidate) => candidate.service),
    ...analysis.blastRadius.map((entry) => entry.service),
  ]);
  const topology: DiagnosisInput['topology'] = [];
  for (const service of named) {
    const node = graph?.indexOf(service) ?? -1;
    if (graph === null || node < 0) continue;
    const namespace = graph.namespaceOf(node);
    topology.push(namespace === undefined ? { service, kind: graph.kindOf(node) } : { service, kind: graph.kindOf(node), namespace });
  }
  return {
    ...(facts.id === undefined ? {} : { incidentId: facts.id }),
    title: facts.title,
    severity: normalizeSeverity(facts.severity),
    services: [...facts.services],
    alerts: facts.alerts.map((alert) => ({
      name: alert.name,
      status: alert.status,
      severity: normalizeSeverity(alert.severity),
      service: alert.service,
      labels: { ...alert.labels },
      annotations: { ...alert.annotations },
      startsAt: typeof alert.startsAt === 'string' ? alert.startsAt : alert.startsAt.toISOString(),
    })),
    analysis: { rootCauses: analysis.rootCauses, blastRadius: analysis.blastRadius },
    topology,
  };
}
