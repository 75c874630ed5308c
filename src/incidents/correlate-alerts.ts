import type { Alert } from '../alerts/alert.ts';
import type { TopologyGraph } from '../topology/topology-graph.ts';

/** An open incident as correlation needs to see it. */
export interface OpenIncidentSummary {
  id: string;
  groupKey: string | null;
  services: readonly string[];
  openedAt: Date;
  lastAlertAt: Date;
}

/** An alert with the service it names (DESIGN.md §4 mapping), null when none of the labels is present. */
export type ServiceAlert = Alert & { service: string | null };

/** Where an alert goes: an incident that exists, or the n-th incident this batch opens. */
export type IncidentReference = { kind: 'existing'; id: string } | { kind: 'new'; index: number };

export interface NewIncidentDraft {
  groupKey: string | null;
  services: string[];
  openedAt: Date;
  lastAlertAt: Date;
}

export interface CorrelationOptions {
  graph: TopologyGraph;
  windowMilliseconds: number;
  maxDepth: number;
}

/**
 * Decides the incident of each firing alert that is not already in an open incident: one Alertmanager group
 * is one incident while its alerts keep coming within the window; otherwise an alert joins an open incident whose services are connected to its own in the
 * topology and whose alerts started within the window — one card for a cascade, not one per symptom.
 * Pure: the same inputs give the same answer, in the HTTP path and in `awoooi analyze` alike.
 */
export function correlateAlerts(
  alerts: readonly ServiceAlert[],
  openIncidents: readonly OpenIncidentSummary[],
  options: CorrelationOptions,
): { assignments: IncidentReference[]; newIncidents: NewIncidentDraft[] } {
  const candidates: { reference: IncidentReference; summary: OpenIncidentSummary | NewIncidentDraft }[] = openIncidents.map((summary) => ({
    reference: { kind: 'existing', id: summary.id },
    summary: { ...summary },
  }));
  const newIncidents: NewIncidentDraft[] = [];
  const assignments = alerts.map((alert) => {
    const match =
      // A group key is one incident only while it lives: a pod crash-looping today never joins the incident its
      // group opened months ago, however open that one still is.
      candidates.find(
        ({ summary }) => alert.groupKey !== null && summary.groupKey === alert.groupKey && withinWindow(alert, summary, options.windowMilliseconds),
      ) ?? candidates.find(({ summary }) => withinWindow(alert, summary, options.windowMilliseconds) && connected(alert, summary, options));
    if (match) {
      absorb(match.summary, alert);
      return match.reference;
    }
    const draft: NewIncidentDraft = {
      groupKey: alert.groupKey,
      services: alert.service ? [alert.service] : [],
      openedAt: alert.startsAt,
      lastAlertAt: alert.startsAt,
    };
    const reference: IncidentReference = { kind: 'new', index: newIncidents.push(draft) - 1 };
    candidates.push({ reference, summary: draft });
    return reference;
  });
  return { assignments, newIncidents };
}

function withinWindow(alert: ServiceAlert, incident: OpenIncidentSummary | NewIncidentDraft, window: number): boolean {
  const at = alert.startsAt.getTime();
  return at >= incident.openedAt.getTime() - window && at <= incident.lastAlertAt.getTime() + window;
}

function connected(alert: ServiceAlert, incident: OpenIncidentSummary | NewIncidentDraft, options: CorrelationOptions): boolean {
  if (!alert.service) return false;
  if (incident.services.includes(alert.service)) return true;
  const node = options.graph.indexOf(alert.service);
  if (node < 0) return false;
  return incident.services.some((service) => {
    const other = options.graph.indexOf(service);
    return other >= 0 && options.graph.connected(node, other, options.maxDepth);
  });
}

function absorb(summary: OpenIncidentSummary | NewIncidentDraft, alert: ServiceAlert): void {
  // Candidates are copies or our own drafts, so growing them leaves the caller's data untouched.
  const mutable = summary as { services: readonly string[]; openedAt: Date; lastAlertAt: Date };
  if (alert.service && !mutable.services.includes(alert.service)) mutable.services = [...mutable.services, alert.service];
  if (alert.startsAt < mutable.openedAt) mutable.openedAt = alert.startsAt;
  if (alert.startsAt > mutable.lastAlertAt) mutable.lastAlertAt = alert.startsAt;
}
