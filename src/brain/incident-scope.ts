import type { DiagnosisInput } from '../ports/brain-port.ts';
import type { ActionTarget, TargetKind } from '../ports/cluster-port.ts';

/**
 * What an incident is about, by the names the alerts and the topology use: a model may only act on these. A
 * target outside them (another namespace, a node no alert named) is dropped, however plausible the reason.
 */
export interface IncidentScope {
  namespaces: ReadonlySet<string>;
  names: Readonly<Record<TargetKind, ReadonlySet<string>>>;
}

const workloadLabels = ['deployment', 'service', 'app', 'app.kubernetes.io/name'];
const hostLabels = ['node', 'kubernetes_node', 'hostname', 'host', 'instance'];

/** The host of an `instance` label (`10.0.0.7:9100`, `node-1:9100`), the value itself otherwise. */
export function hostOf(value: string): string {
  return value.replace(/:\d+$/, '');
}

/** The scope of `input`, from raw (not pseudonymized) names. */
export function incidentScope(input: DiagnosisInput): IncidentScope {
  const namespaces = new Set<string>();
  const deployments = new Set<string>(input.services);
  const pods = new Set<string>();
  const nodes = new Set<string>();
  const claims = new Set<string>();
  for (const entry of input.topology) {
    deployments.add(entry.service);
    if (entry.namespace !== undefined) namespaces.add(entry.namespace);
  }
  for (const alert of input.alerts) {
    if (alert.service !== null) deployments.add(alert.service);
    const labels = alert.labels;
    if (labels['namespace']) namespaces.add(labels['namespace']);
    for (const key of workloadLabels) if (labels[key]) deployments.add(labels[key]);
    for (const key of hostLabels) if (labels[key]) nodes.add(hostOf(labels[key]));
    if (labels['pod']) pods.add(labels['pod']);
    if (labels['persistentvolumeclaim']) claims.add(labels['persistentvolumeclaim']);
  }
  return { namespaces, names: { Deployment: deployments, Pod: pods, Node: nodes, PersistentVolumeClaim: claims, Namespace: namespaces } };
}

/** Why `target` is outside the incident, or null when it is inside. */
export function outsideScope(target: ActionTarget, scope: IncidentScope): string | null {
  const where = target.namespace === undefined ? target.name : `${target.namespace}/${target.name}`;
  if (target.namespace !== undefined && !scope.namespaces.has(target.namespace)) return `${target.kind} ${where}: namespace not part of this incident`;
  if (!scope.names[target.kind].has(target.name)) return `${target.kind} ${where}: not named by this incident's alerts or topology`;
  return null;
}
