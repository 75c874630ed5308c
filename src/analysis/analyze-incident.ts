import type { Severity } from '../alerts/alert.ts';
import { compareSeverity } from '../alerts/normalize-severity.ts';
import { blastRadius, type BlastRadiusEntry } from '../topology/blast-radius.ts';
import { rankRootCauses, type AlertingService, type RootCauseCandidate } from '../topology/rank-root-causes.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';

/** The alert facts analysis needs; stored alerts and freshly parsed ones both fit. */
export interface AnalysisAlert {
  name: string;
  service: string | null;
  severity: Severity;
  status: 'firing' | 'resolved';
  startsAt: Date;
}

/** The deterministic part of a card: computed from the alerts and the topology, never waits for a model. */
export interface IncidentAnalysis {
  rootCauses: RootCauseCandidate[];
  blastRadius: BlastRadiusEntry[];
  /** Alerts whose labels name no service; they take part in nothing topological. */
  unmappedAlerts: string[];
}

/** Root causes (best first) and blast radius of one incident. */
export function analyzeIncident(alerts: readonly AnalysisAlert[], graph: TopologyGraph, maxDepth: number): IncidentAnalysis {
  // A resolved incident is still explained by what fired; a live one only by what is firing now.
  const firing = alerts.filter((alert) => alert.status === 'firing');
  const considered = firing.length > 0 ? firing : alerts;
  const byService = new Map<string, AlertingService>();
  for (const alert of considered) {
    if (!alert.service) continue;
    const entry = byService.get(alert.service);
    if (!entry) {
      byService.set(alert.service, { service: alert.service, alertNames: [alert.name], severity: alert.severity, firstStartsAt: alert.startsAt });
      continue;
    }
    if (!entry.alertNames.includes(alert.name)) entry.alertNames.push(alert.name);
    if (compareSeverity(alert.severity, entry.severity) < 0) entry.severity = alert.severity;
    if (alert.startsAt < entry.firstStartsAt) entry.firstStartsAt = alert.startsAt;
  }
  const rootCauses = rankRootCauses(graph, [...byService.values()], { maxDepth });
  const unhealthy = [...byService.keys(), ...rootCauses.filter((candidate) => !candidate.alerting).map((candidate) => candidate.service)];
  return {
    rootCauses,
    blastRadius: blastRadius(graph, unhealthy, maxDepth),
    unmappedAlerts: [...new Set(considered.filter((alert) => !alert.service).map((alert) => alert.name))],
  };
}
