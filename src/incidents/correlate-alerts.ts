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

/** An open incident that an alert connected to an older one: it closes as merged into `into`. */
export interface IncidentMerge {
  from: string;
  into: string;
}

export interface CorrelationOptions {
  graph: TopologyGraph;
  windowMilliseconds: number;
  maxDepth: number;
}

export interface CorrelationResult {
  assignments: IncidentReference[];
  newIncidents: NewIncidentDraft[];
  /** Open incidents to close into another one (the oldest of those an alert connected); none most of the time. */
  merges: IncidentMerge[];
}

type Summary = OpenIncidentSummary | NewIncidentDraft;
interface Candidate {
  reference: IncidentReference;
  summary: Summary;
  /** Index of the candidate this one was merged into, when it was. */
  mergedInto?: number;
}

/**
 * Decides the incident of each firing alert that is not already in an open incident: an alert joins an open
 * incident whose services are connected to its own in the topology and whose alerts started within the window
 * (one card for a cascade, not one per symptom). When an alert connects two or more of them — a service
 * alerting above two siblings, or a front end above two roots — they merge into the oldest: one card, one page,
 * one proposal. An Alertmanager group joins its own incident while that is within the window, unless the
 * topology knows both sides and says they are unrelated (`group_by: [alertname]` across applications). Pure:
 * the same inputs give the same answer, in the HTTP path and in `awoooi analyze` alike.
 */
export function correlateAlerts(
  alerts: readonly ServiceAlert[],
  openIncidents: readonly OpenIncidentSummary[],
  options: CorrelationOptions,
): CorrelationResult {
  // Oldest first, so the first match is the survivor of a merge.
  const candidates: Candidate[] = [...openIncidents]
    .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime())
    .map((summary) => ({ reference: { kind: 'existing', id: summary.id }, summary: { ...summary } }));
  const assigned = alerts.map((alert) => {
    const live = candidates.flatMap((candidate, index) =>
      candidate.mergedInto === undefined && withinWindow(alert, candidate.summary, options) ? [index] : [],
    );
    const connectedTo = live.filter((index) => connected(alert, candidates[index]!.summary, options));
    const byGroup = live.find(
      (index) => alert.groupKey !== null && candidates[index]!.summary.groupKey === alert.groupKey && related(alert, candidates[index]!.summary, options),
    );
    let target: number | undefined;
    if (connectedTo.length > 1) target = merge(candidates, connectedTo);
    else target = byGroup ?? connectedTo[0];
    if (target === undefined) {
      const draft: NewIncidentDraft = {
        groupKey: alert.groupKey,
        services: alert.service ? [alert.service] : [],
        openedAt: alert.startsAt,
        lastAlertAt: alert.startsAt,
      };
      target = candidates.push({ reference: { kind: 'new', index: -1 }, summary: draft }) - 1;
    }
    absorb(candidates[target]!.summary, alert);
    return target;
  });
  const root = (index: number): number => {
    let at = index;
    while (candidates[at]!.mergedInto !== undefined) at = candidates[at]!.mergedInto!;
    return at;
  };
  // Drafts that survived keep their order; the ones merged away are gone.
  const newIncidents: NewIncidentDraft[] = [];
  const draftIndex = new Map<number, number>();
  candidates.forEach((candidate, index) => {
    if (candidate.reference.kind !== 'new' || candidate.mergedInto !== undefined) return;
    draftIndex.set(index, newIncidents.push(candidate.summary as NewIncidentDraft) - 1);
  });
  const referenceOf = (index: number): IncidentReference => {
    const survivor = candidates[root(index)]!;
    return survivor.reference.kind === 'existing' ? survivor.reference : { kind: 'new', index: draftIndex.get(root(index))! };
  };
  const merges = candidates.flatMap((candidate, index) => {
    if (candidate.reference.kind !== 'existing' || candidate.mergedInto === undefined) return [];
    // Existing incidents come first, so an existing one only ever merges into another existing one.
    return [{ from: candidate.reference.id, into: (candidates[root(index)]!.reference as { id: string }).id }];
  });
  return { assignments: assigned.map(referenceOf), newIncidents, merges };
}

/** Folds every candidate of `indexes` (ascending, so oldest first) into the first; returns it. */
function merge(candidates: Candidate[], indexes: readonly number[]): number {
  const [survivor, ...others] = indexes as [number, ...number[]];
  const into = candidates[survivor]!.summary as { services: readonly string[]; openedAt: Date; lastAlertAt: Date };
  for (const index of others) {
    const from = candidates[index]!;
    from.mergedInto = survivor;
    into.services = [...new Set([...into.services, ...from.summary.services])];
    if (from.summary.openedAt < into.openedAt) into.openedAt = from.summary.openedAt;
    if (from.summary.lastAlertAt > into.lastAlertAt) into.lastAlertAt = from.summary.lastAlertAt;
  }
  return survivor;
}

function withinWindow(alert: ServiceAlert, incident: Summary, options: CorrelationOptions): boolean {
  const at = alert.startsAt.getTime();
  return at >= incident.openedAt.getTime() - options.windowMilliseconds && at <= incident.lastAlertAt.getTime() + options.windowMilliseconds;
}

function connected(alert: ServiceAlert, incident: Summary, options: CorrelationOptions): boolean {
  if (!alert.service) return false;
  if (incident.services.includes(alert.service)) return true;
  const node = options.graph.indexOf(alert.service);
  if (node < 0) return false;
  return incident.services.some((service) => {
    const other = options.graph.indexOf(service);
    return other >= 0 && options.graph.connected(node, other, options.maxDepth);
  });
}

/**
 * Whether an alert may join an incident of its own Alertmanager group: unless the topology knows its service and
 * every service of the incident and connects none of them, the group is all there is to go by.
 */
function related(alert: ServiceAlert, incident: Summary, options: CorrelationOptions): boolean {
  if (!alert.service || options.graph.indexOf(alert.service) < 0) return true;
  if (incident.services.length === 0 || incident.services.some((service) => options.graph.indexOf(service) < 0)) return true;
  return connected(alert, incident, options);
}

function absorb(summary: Summary, alert: ServiceAlert): void {
  // Candidates are copies or our own drafts, so growing them leaves the caller's data untouched.
  const mutable = summary as { services: readonly string[]; openedAt: Date; lastAlertAt: Date };
  if (alert.service && !mutable.services.includes(alert.service)) mutable.services = [...mutable.services, alert.service];
  if (alert.startsAt < mutable.openedAt) mutable.openedAt = alert.startsAt;
  if (alert.startsAt > mutable.lastAlertAt) mutable.lastAlertAt = alert.startsAt;
}
