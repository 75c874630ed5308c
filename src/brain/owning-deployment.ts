import type { ActionTarget } from '../ports/cluster-port.ts';
import type { DiagnosisAlert, DiagnosisInput } from '../ports/brain-port.ts';

// A Deployment's pod is <deployment>-<pod-template-hash>-<random>: the same shape serviceOfAlert strips
// (src/topology/service-of-alert.ts). Any other pod name belongs to a StatefulSet, DaemonSet, Job or nobody.
const safe = '[bcdfghjklmnpqrstvwxz24-9]';
const replicaSetPod = new RegExp(`^(.+)-[4-9bcdf]{4,10}-${safe}{3,5}$`);

/** The Deployment target, or why the alert names none (said in the diagnosis instead of guessing). */
export type OwningDeployment = { ok: true; target: ActionTarget; pod: string | null } | { ok: false; why: string };

/**
 * The Deployment an alert is about: the `deployment` label, else the owner encoded in the `pod` name,
 * else the alert's service; in the `namespace` label's namespace, else the topology's namespace of the
 * service. Conservative on purpose: a pod that is not Deployment-shaped gets no deployment action.
 */
export function owningDeployment(alert: DiagnosisAlert, topology: DiagnosisInput['topology']): OwningDeployment {
  const labels = alert.labels;
  const pod = labels['pod']?.trim() || null;
  let name = labels['deployment']?.trim() || null;
  if (name === null && pod !== null) {
    const match = replicaSetPod.exec(pod);
    if (match === null) return { ok: false, why: `pod ${pod} is not named like a Deployment's pod (StatefulSet, DaemonSet or Job?)` };
    name = match[1]!;
  }
  if (name === null) {
    if (labels['statefulset'] || labels['daemonset']) return { ok: false, why: 'the workload is not a Deployment' };
    name = alert.service;
  }
  if (name === null) return { ok: false, why: 'no label names the deployment' };
  const fromTopology = alert.service === null ? undefined : topology.find((entry) => entry.service === alert.service)?.namespace;
  const namespace = labels['namespace']?.trim() || fromTopology;
  if (namespace === undefined) return { ok: false, why: `no namespace label, and the topology gives none for ${name}` };
  return { ok: true, target: { kind: 'Deployment', namespace, name }, pod };
}
