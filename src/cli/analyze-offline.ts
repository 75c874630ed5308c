import { compareSeverity } from '../alerts/normalize-severity.ts';
import { parseAlertmanager } from '../alerts/parse-alertmanager.ts';
import { analyzeIncident } from '../analysis/analyze-incident.ts';
import { correlateAlerts, type ServiceAlert } from '../incidents/correlate-alerts.ts';
import { incidentTitle } from '../incidents/incident-title.ts';
import type { RootCauseCandidate } from '../topology/rank-root-causes.ts';
import { serviceOfAlert } from '../topology/service-of-alert.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';

/** One incident as `awoooi analyze --json` prints it (the contract of the issue). */
export interface OfflineIncident {
  id: string;
  title: string;
  severity: string;
  services: string[];
  rootCauses: Pick<RootCauseCandidate, 'service' | 'kind' | 'score' | 'alerting' | 'evidence'>[];
  blastRadius: { service: string; depth: number }[];
}

export interface OfflineOptions {
  graph: TopologyGraph;
  serviceLabels: readonly string[];
  windowMilliseconds: number;
  maxDepth: number;
}

export type OfflineResult = { ok: true; incidents: OfflineIncident[]; alerts: ServiceAlert[][] } | { ok: false; errors: string[] };

/**
 * What the bot would open for these Alertmanager payloads, computed with the same correlation and analysis
 * code as the live path, without a database.
 */
export function analyzeOffline(payloads: readonly unknown[], options: OfflineOptions): OfflineResult {
  const alerts: ServiceAlert[] = [];
  const errors: string[] = [];
  payloads.forEach((payload, index) => {
    const parsed = parseAlertmanager(payload);
    if (!parsed.ok) errors.push(...parsed.issues.map((issue) => (payloads.length > 1 ? `payload[${index}].${issue}` : issue)));
    else for (const alert of parsed.alerts) alerts.push({ ...alert, service: serviceOfAlert(alert.labels, options.serviceLabels) });
  });
  if (errors.length > 0) return { ok: false, errors };
  const firing = [...new Map(alerts.filter((alert) => alert.status === 'firing').map((alert) => [alert.fingerprint, alert])).values()];
  firing.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const { assignments, newIncidents } = correlateAlerts(firing, [], options);
  const members = newIncidents.map((_, index) => firing.filter((_, position) => (assignments[position] as { index: number }).index === index));
  const incidents = members.map((group, index): OfflineIncident => {
    const analysis = analyzeIncident(group, options.graph, options.maxDepth);
    return {
      id: `inc-${index + 1}`,
      title: incidentTitle(group),
      severity: group.map((alert) => alert.severity).sort(compareSeverity)[0]!,
      services: [...new Set(group.flatMap((alert) => (alert.service ? [alert.service] : [])))].sort(),
      rootCauses: analysis.rootCauses.map(({ service, kind, score, alerting, evidence }) => ({ service, kind, score, alerting, evidence })),
      blastRadius: analysis.blastRadius,
    };
  });
  return { ok: true, incidents, alerts: members };
}
