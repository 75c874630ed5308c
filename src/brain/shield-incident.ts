import type { DiagnosisInput } from '../ports/brain-port.ts';
import type { LabelKind } from '../privacy/entity-type.ts';
import { labelPattern, type PseudonymVault } from '../privacy/pseudonym-vault.ts';
import { pseudonymize } from '../privacy/pseudonymize.ts';
import { stripHiddenCharacters } from './hidden-characters.ts';
import { hostOf } from './incident-scope.ts';

export interface ShieldOptions {
  /** Kubernetes names, namespaces and hostnames become `[NAME_n]`, `[NAMESPACE_n]`, `[HOST_n]` too (cloud models). */
  names: boolean;
}

/** The incident as a model sees it: plain JSON, every string stripped of hidden characters and pseudonymized. */
export interface ShieldedIncident {
  title: string;
  severity: string;
  services: string[];
  alerts: {
    name: string;
    status: string;
    severity: string;
    service: string | null;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
  }[];
  rootCauses: { service: string; kind: string; score: number; alerting: boolean; evidence: string[] }[];
  blastRadius: { service: string; depth: number }[];
  topology: { service: string; kind: string; namespace?: string }[];
  costAtStake?: string;
  similarIncidents?: string[];
}

const nameLabels = [
  'pod',
  'deployment',
  'statefulset',
  'daemonset',
  'job_name',
  'container',
  'service',
  'app',
  'app.kubernetes.io/name',
  'persistentvolumeclaim',
];
const hostLabels = ['node', 'kubernetes_node', 'hostname', 'host', 'instance'];

/** Topology names of the incident by the label kind they get, longest first so a pod name wins over its service's. */
function topologyNames(input: DiagnosisInput): [string, LabelKind][] {
  const kinds = new Map<string, LabelKind>();
  const add = (value: string | undefined, kind: LabelKind) => {
    if (value && !kinds.has(value)) kinds.set(value, kind);
  };
  for (const entry of input.topology) add(entry.namespace, 'NAMESPACE');
  for (const alert of input.alerts) add(alert.labels['namespace'], 'NAMESPACE');
  for (const alert of input.alerts) for (const key of hostLabels) if (alert.labels[key]) add(hostOf(alert.labels[key]), 'HOST');
  for (const service of input.services) add(service, 'NAME');
  for (const entry of input.topology) add(entry.service, 'NAME');
  for (const candidate of input.analysis.rootCauses) add(candidate.service, 'NAME');
  for (const entry of input.analysis.blastRadius) add(entry.service, 'NAME');
  for (const alert of input.alerts) {
    add(alert.service ?? undefined, 'NAME');
    for (const key of nameLabels) add(alert.labels[key], 'NAME');
  }
  return [...kinds].sort((a, b) => b[0].length - a[0].length);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A name counts where it stands alone: not inside a longer name (`checkout` in `checkout-db`), but at the end of
 * a sentence ("checkout is down.") it does.
 */
function namePattern(names: readonly [string, LabelKind][]): RegExp | null {
  if (names.length === 0) return null;
  return new RegExp(`(?<![\\w-]|\\w\\.)(?:${names.map(([name]) => escapeRegExp(name)).join('|')})(?![\\w-]|\\.\\w)`, 'g');
}

/**
 * Everything of `input` a model may see, pseudonymized into `vault`: PII and secrets always (every string,
 * label names included), topology names when `options.names`. Hidden characters are stripped first, so that
 * an entity split by a zero-width space is still found.
 */
export function shieldIncident(input: DiagnosisInput, vault: PseudonymVault, options: ShieldOptions): ShieldedIncident {
  const names = options.names ? topologyNames(input) : [];
  const kindOf = new Map(names);
  const pattern = namePattern(names);
  const replaceNames = (segment: string) => (pattern === null ? segment : segment.replace(pattern, (name) => vault.labelFor(kindOf.get(name)!, name)));
  const text = (value: string): string => {
    const pseudonymized = pseudonymize(stripHiddenCharacters(value), vault).text;
    if (pattern === null) return pseudonymized;
    // Labels already issued stay as they are; names are replaced only between them.
    let output = '';
    let copied = 0;
    for (const match of pseudonymized.matchAll(new RegExp(labelPattern.source, 'g'))) {
      output += replaceNames(pseudonymized.slice(copied, match.index)) + match[0];
      copied = match.index + match[0].length;
    }
    return output + replaceNames(pseudonymized.slice(copied));
  };
  // Label names are hostile too (they can carry an instruction or a token) but are not topology names.
  const key = (value: string) => pseudonymize(stripHiddenCharacters(value), vault).text;
  const record = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([name, value]) => [key(name), text(value)]));

  return {
    title: text(input.title),
    severity: input.severity,
    services: input.services.map(text),
    alerts: input.alerts.map((alert) => ({
      name: text(alert.name),
      status: alert.status,
      severity: alert.severity,
      service: alert.service === null ? null : text(alert.service),
      labels: record(alert.labels),
      annotations: record(alert.annotations),
      startsAt: text(alert.startsAt),
    })),
    rootCauses: input.analysis.rootCauses.map((candidate) => ({
      service: text(candidate.service),
      kind: candidate.kind,
      score: Math.round(candidate.score * 100) / 100,
      alerting: candidate.alerting,
      evidence: candidate.evidence.map(text),
    })),
    blastRadius: input.analysis.blastRadius.map((entry) => ({ service: text(entry.service), depth: entry.depth })),
    topology: input.topology.map((entry) => ({
      service: text(entry.service),
      kind: entry.kind,
      ...(entry.namespace === undefined ? {} : { namespace: text(entry.namespace) }),
    })),
    ...(input.costAtStake === undefined ? {} : { costAtStake: text(input.costAtStake) }),
    ...(input.similarIncidents === undefined ? {} : { similarIncidents: input.similarIncidents.map(text) }),
  };
}
