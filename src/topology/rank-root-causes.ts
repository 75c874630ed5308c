import { severities, type Severity } from '../alerts/alert.ts';
import { cappedLines, evidence } from './root-cause-evidence.ts';
import type { ServiceKind } from './topology.ts';
import type { TopologyGraph } from './topology-graph.ts';

/** A service with firing alerts, as the incident sees it. */
export interface AlertingService {
  service: string;
  alertNames: string[];
  /** The worst severity among its alerts. */
  severity: Severity;
  firstStartsAt: Date;
}

/** A possible root cause of an incident, with the reasons a human can check. */
export interface RootCauseCandidate {
  service: string;
  /** `unknown` when the service is not in the topology. */
  kind: ServiceKind | 'unknown';
  /** In [0, 1]; candidates are returned best first and scores never increase along the list. */
  score: number;
  /** Whether the service has alerts of its own (otherwise it is a suspected, silent common dependency). */
  alerting: boolean;
  /** Alerting services this candidate would explain: itself if alerting, then its alerting dependents. */
  explains: string[];
  /**
   * What the candidate is, then the paths behind it (capped). Past the 25 best candidates, only the first line:
   * a storm's incident ranks hundreds, and no card or model reads the paths of the 200th.
   */
  evidence: string[];
}

/** Tuning for `rankRootCauses`; the defaults follow the product brief. */
export interface RankRootCausesOptions {
  /** Hops followed downstream from each alerting service. Default 3. */
  maxDepth?: number;
  /** Kinds preferred when the evidence is even, best first; kinds not listed come after. */
  kindPriority?: readonly ServiceKind[];
}

/** Database > cache > queue > everything else: the usual order in which shared dependencies take others down. */
export const defaultKindPriority: readonly ServiceKind[] = ['database', 'cache', 'queue'];

/**
 * Where one alerting service reached, downstream: copies of its BFS (nodes in visiting order, their depth and the
 * node each was reached from), and node → position, built only when a path or a membership is asked for.
 */
interface Reach {
  nodes: Int32Array;
  depths: Int32Array;
  parents: Int32Array;
  positions?: Map<number, number>;
}

interface Draft {
  service: string;
  kind: ServiceKind | 'unknown';
  alert: AlertingService | undefined;
  explains: string[];
  /** What the candidate is (one line), then the paths behind it, written only when asked for (`detailed`). */
  head: () => string;
  details: () => string[];
}

/** Candidates whose evidence lists the paths behind them; the others say only what they are. */
const detailedCandidates = 25;

/**
 * Ranks root-cause candidates of an incident (DESIGN.md §2, Topology). Candidates are every alerting
 * service, plus every silent node that at least two alerting services depend on independently (neither
 * of the two depends on the other, otherwise the nearer alerting one already explains the farther).
 * Ranked by how many alerting services each explains, then kind, then who fired first, then severity.
 */
export function rankRootCauses(graph: TopologyGraph, alerting: readonly AlertingService[], options: RankRootCausesOptions = {}): RootCauseCandidate[] {
  const maxDepth = options.maxDepth ?? 3;
  const priority = options.kindPriority ?? defaultKindPriority;
  const alerts = mergeByService(alerting);
  // A storm's incident spans hundreds of services and runs on the ingest's event loop: orderings are numbers
  // (depth × stride + the service's rank by name), and evidence is written only for what a card or a model reads.
  const byName = [...alerts.keys()].sort(compareText);
  const stride = byName.length;
  // Node → the rank by name of the alerting service it is, -1 for silent nodes.
  const rankOf = new Int32Array(graph.size).fill(-1);
  byName.forEach((service, rank) => {
    const node = graph.indexOf(service);
    if (node >= 0) rankOf[node] = rank;
  });
  const orderKey = (depth: number, node: number) => depth * stride + rankOf[node]!;
  const serviceOf = (key: number) => byName[key % stride]!;

  const reaches = new Map<string, Reach>();
  // Node → order keys of the alerting services that reach it (below them, depth > 0).
  const reachedBy = new Map<number, number[]>();
  for (const service of alerts.keys()) {
    const node = graph.indexOf(service);
    if (node < 0) continue;
    const found = graph.bfs([node], 'downstream', maxDepth);
    const reach: Reach = { nodes: found.nodes.slice(), depths: found.depths.slice(), parents: found.parents.slice() };
    for (let i = 1; i < reach.nodes.length; i++) appendTo(reachedBy, reach.nodes[i]!, orderKey(reach.depths[i]!, node));
    reaches.set(service, reach);
  }
  const positionIn = (reach: Reach, node: number): number | undefined => {
    if (!reach.positions) {
      reach.positions = new Map();
      for (let i = 0; i < reach.nodes.length; i++) reach.positions.set(reach.nodes[i]!, i);
    }
    return reach.positions.get(node);
  };
  const pathFrom = (from: string, to: number): string[] => {
    const reach = reaches.get(from)!;
    const path: string[] = [];
    for (let at = to; at !== -1; at = reach.parents[positionIn(reach, at)!]!) path.unshift(graph.nameOf(at));
    return path;
  };
  const dependsOn = (from: string, to: string): boolean => {
    const reach = reaches.get(from);
    return reach !== undefined && positionIn(reach, graph.indexOf(to)) !== undefined;
  };

  const drafts: Draft[] = [];
  const explainedBy = (node: number, self: AlertingService | undefined): Draft => {
    const dependents = (reachedBy.get(node) ?? []).sort(byNumber).map(serviceOf);
    const service = graph.nameOf(node);
    return {
      service,
      kind: graph.kindOf(node),
      alert: self,
      explains: self ? [service, ...dependents] : dependents,
      head: () => (self ? evidence.alerting(self) : evidence.silent(dependents)),
      details: () =>
        cappedLines(
          dependents.length,
          (i) => evidence.dependent(pathFrom(dependents[i]!, node), alerts.get(dependents[i]!)!),
          'alerting services depend on it',
        ),
    };
  };

  for (const [service, alert] of alerts) {
    const node = graph.indexOf(service);
    if (node < 0) {
      drafts.push({ service, kind: 'unknown', alert, explains: [service], head: () => evidence.alerting(alert), details: () => [evidence.unknown(service)] });
      continue;
    }
    const draft = explainedBy(node, alert);
    const dependents = draft.details;
    const dependencies = () => {
      const reach = reaches.get(service)!;
      const below: number[] = [];
      for (let i = 1; i < reach.nodes.length; i++) if (rankOf[reach.nodes[i]!]! >= 0) below.push(orderKey(reach.depths[i]!, reach.nodes[i]!));
      below.sort(byNumber);
      return cappedLines(below.length, (i) => evidence.dependsOnAlerting(pathFrom(service, graph.indexOf(serviceOf(below[i]!)))), 'alerting dependencies');
    };
    drafts.push({ ...draft, details: () => [...dependents(), ...dependencies()] });
  }
  for (const [node, keys] of reachedBy) {
    if (rankOf[node]! >= 0 || !hasIndependentPair(keys.map(serviceOf), dependsOn)) continue;
    drafts.push(explainedBy(node, undefined));
  }
  return score(drafts, alerts.size, priority);
}

/** Whether two of `dependents` reach `node` without one of them depending on the other. */
function hasIndependentPair(dependents: readonly string[], dependsOn: (a: string, b: string) => boolean): boolean {
  for (let i = 0; i < dependents.length; i++) {
    for (let j = i + 1; j < dependents.length; j++) {
      const a = dependents[i]!;
      const b = dependents[j]!;
      if (!dependsOn(a, b) && !dependsOn(b, a)) return true;
    }
  }
  return false;
}

function score(drafts: Draft[], total: number, priority: readonly ServiceKind[]): RootCauseCandidate[] {
  const kindRank = (kind: ServiceKind | 'unknown'): number => {
    const at = kind === 'unknown' ? -1 : priority.indexOf(kind);
    return at >= 0 ? at : kind === 'unknown' ? priority.length + 1 : priority.length;
  };
  // A silent candidate never fired, so it comes after alerting ones once count and kind are even.
  const key = (d: Draft): [number, number, number, number] => [
    -d.explains.length,
    kindRank(d.kind),
    startedAt(d.alert),
    d.alert ? severities.indexOf(d.alert.severity) : severities.length,
  ];
  const keyed = drafts.map((d) => ({ d, k: key(d) }));
  keyed.sort((x, y) => compareKeys(x.k, y.k) || compareText(x.d.service, y.d.service));

  // Score = (explained − 1 + f) / total, f in (0, 1] falling with the rank inside its explains group,
  // so count dominates and equal evidence gets an equal score.
  const out: RootCauseCandidate[] = [];
  for (let start = 0; start < keyed.length; ) {
    let end = start;
    const count = keyed[start]!.d.explains.length;
    while (end < keyed.length && keyed[end]!.d.explains.length === count) end++;
    const classes: number[] = [];
    for (let i = start; i < end; i++) {
      const previous = keyed[i - 1];
      const same = i > start && previous !== undefined && compareKeys(previous.k, keyed[i]!.k) === 0;
      classes.push(same ? classes.at(-1)! : (classes.at(-1) ?? -1) + 1);
    }
    const classCount = (classes.at(-1) ?? 0) + 1;
    for (let i = start; i < end; i++) {
      const { d } = keyed[i]!;
      const f = 1 - classes[i - start]! / classCount;
      const value = Math.round(((count - 1 + f) / total) * 1000) / 1000;
      const { service, kind, explains } = d;
      const evidence = out.length < detailedCandidates ? [d.head(), ...d.details()] : [d.head()];
      out.push({ service, kind, score: value, alerting: d.alert !== undefined, explains, evidence });
    }
    start = end;
  }
  return out;
}

function startedAt(alert: AlertingService | undefined): number {
  const at = alert ? alert.firstStartsAt.getTime() : NaN;
  return Number.isNaN(at) ? Infinity : at;
}

function mergeByService(alerting: readonly AlertingService[]): Map<string, AlertingService> {
  const merged = new Map<string, AlertingService>();
  for (const a of alerting) {
    const seen = merged.get(a.service);
    if (!seen) {
      merged.set(a.service, { ...a, alertNames: [...new Set(a.alertNames)] });
      continue;
    }
    seen.alertNames = [...new Set([...seen.alertNames, ...a.alertNames])];
    if (severities.indexOf(a.severity) < severities.indexOf(seen.severity)) seen.severity = a.severity;
    if (a.firstStartsAt < seen.firstStartsAt) seen.firstStartsAt = a.firstStartsAt;
  }
  return merged;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const diff = a[i]! - b[i]!;
    if (diff !== 0 && !Number.isNaN(diff)) return diff;
  }
  return 0;
}

function appendTo(map: Map<number, number[]>, key: number, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function byNumber(a: number, b: number): number {
  return a - b;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
